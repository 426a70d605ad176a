// A player's linked-account group (GET /v1/players/{id}/links): the graph and, for
// those who do not see it, the same links as a table. Shown on a player's page and
// on a risk case.

import { h } from '/common/dom.js';
import { api, is_abort } from '../api.js';
import { edges_of, link_graph, link_kind_words, nodes_max } from '../graph.js';
import { link, table } from '../ui.js';

const lookups_parallel = 6; // usernames are read a few at a time, not all at once

// Usernames of the drawn accounts; an account that cannot be read just has none.
async function usernames(ids, signal) {
  const names = new Map();
  const queue = ids.slice(0, nodes_max);
  const worker = async () => {
    while (queue.length) {
      const id = queue.shift();
      try {
        names.set(id, (await api('GET', `/v1/players/${id}`, { signal })).username);
      } catch (e) {
        if (is_abort(e)) throw e;
      }
    }
  };
  await Promise.all(Array.from({ length: lookups_parallel }, worker));
  return names;
}

function legend(links) {
  const kinds = [...new Set(links.map((l) => l.kind))];
  return h('ul', { class: 'legend-list', 'aria-label': 'Edge colours' }, kinds.map((k) =>
    h('li', null, h('span', { class: `swatch kind-${k}`, 'aria-hidden': 'true' }), link_kind_words[k] || k)),
  kinds.length > 1 && h('li', null, h('span', { class: 'swatch multi', 'aria-hidden': 'true' }), 'several'));
}

export async function links_view(player_id, signal) {
  const id = Number(player_id);
  const res = await api('GET', `/v1/players/${id}/links`, { signal });
  if (res.group.length <= 1) return [h('p', { class: 'muted' }, 'This account is linked to no other account.')];
  const names = await usernames(res.group, signal);
  const who = (p) => link(`#/players/${p}`, `#${p}${names.get(p) ? ' ' + names.get(p) : ''}`);
  return [
    h('p', null, `${res.group.length} accounts in the group. Select an account to open it.`),
    h('figure', { class: 'graph-figure' },
      link_graph({ player_id: id, group: res.group, links: res.links, names, href: (p) => `#/players/${p}` }),
      h('figcaption', null, legend(res.links))),
    table({
      caption: `Links within the group of player ${id}`,
      columns: [
        { label: 'Account', cell: (e) => who(e.from), row_header: true },
        { label: 'Linked to', cell: (e) => who(e.to) },
        { label: 'Linked by', cell: (e) => e.reasons.map((r) => link_kind_words[r.kind] || r.kind).join(', ') },
        { label: 'Shared identifier', cell: (e) => e.reasons.map((r) => r.value).join(', ') },
      ],
      rows: edges_of(res.links),
    }),
  ];
}
