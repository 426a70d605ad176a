// The cluster's nodes (GET /v1/cluster, docs/cluster.md): each node's role, state
// and what its endpoint reports. Offered only when /metrics shows a cluster.

import { h } from '/common/dom.js';
import { api } from '../api.js';
import { num, time_us } from '../format.js';
import { every, facts, fill, page, panel, status_badge, table } from '../ui.js';

const refresh_ms = 10_000;

async function view(signal) {
  const c = await api('GET', '/v1/cluster', { signal });
  return [
    facts([['This node', `${c.node} (${c.role})`], ['Epoch', String(c.epoch)], ['Node set digest', c.digest]]),
    table({
      caption: 'Nodes of the cluster',
      caption_hidden: true,
      columns: [
        { label: 'Node', cell: (n) => n.name, row_header: true },
        { label: 'Role', cell: (n) => n.role },
        { label: 'State', cell: (n) => status_badge(n.state) },
        { label: 'Since (UTC)', cell: (n) => time_us(n.since_us), class: 'nowrap' },
        { label: 'Problem', cell: (n) => n.problem || '—' },
        { label: 'Address', cell: (n) => n.address, class: 'mono' },
        { label: 'Connections', cell: (n) => num(n.sessions), num: true },
        { label: 'Players', cell: (n) => num(n.players), num: true },
        { label: 'Live wallets', cell: (n) => num(n.wallets), num: true },
        { label: 'Ledger seq', cell: (n) => num(n.ledger_seq), num: true },
      ],
      rows: c.nodes,
    }),
  ];
}

export function cluster_screen(_params, { signal }) {
  const holder = h('div');
  fill(holder, 'Reading the cluster', () => view(signal));
  every(refresh_ms, () => fill(holder, 'Reading the cluster', () => view(signal)), signal);
  return page('Cluster', panel('Nodes', holder));
}
