// The audit trail (GET /v1/audit, admin): the newest operator writes with who made
// them, the target, the request id and what was asked. The API has no paging
// beyond `limit`; the filter narrows what was read, in the browser.

import { h, clear } from '/common/dom.js';
import { api, is_abort } from '../api.js';
import { can } from '../auth.js';
import { time_us } from '../format.js';
import { badge, failed, field, link, loading, page, select, table, toolbar } from '../ui.js';

// "player:42" -> a link to the player; other targets as they are.
function target_of(t) {
  const m = /^player:(\d+)$/.exec(t || '');
  return m ? link(`#/players/${m[1]}`, t) : (t || '—');
}

function detail_of(d) {
  return Object.entries(d || {}).map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : v}`).join(' · ');
}

// Failures carry `error` (docs/openapi.yaml, "Audit trail"); the risk engine's
// records (risk.address.set ...) say `failed: true` instead.
function outcome_of(e) {
  const d = e.detail || {};
  if (d.error) return badge(`failed: ${d.error}`, 'bad');
  if (d.failed) return badge('failed', 'bad');
  return 'done';
}

function audit_table(entries) {
  return table({
    caption: 'Audit records, newest first',
    caption_hidden: true,
    columns: [
      { label: 'Time (UTC)', cell: (e) => time_us(e.at_us), class: 'nowrap' },
      { label: 'Operator', cell: (e) => `${e.actor} (${e.role})` },
      { label: 'Action', cell: (e) => e.action },
      { label: 'Target', cell: (e) => target_of(e.target) },
      { label: 'Outcome', cell: outcome_of },
      { label: 'Detail', cell: (e) => detail_of(e.detail), class: 'detail' },
      { label: 'Request', cell: (e) => e.request_id, class: 'mono' },
    ],
    rows: entries,
    empty: 'No audit record.',
  });
}

export function audit_screen(_params, { signal }) {
  if (!can('audit.read')) return page('Audit log', h('p', null, 'The audit log needs an admin key.'));
  const limit = select([['100', '100'], ['250', '250'], ['500', '500'], ['1000', '1000']], '100');
  const filter = h('input', { type: 'search', placeholder: 'player:42, withdrawal, ops…' });
  const holder = h('div', null, loading());
  let entries = [];
  const draw = () => {
    const q = filter.value.trim().toLowerCase();
    const shown = q ? entries.filter((e) => JSON.stringify(e).toLowerCase().includes(q)) : entries;
    clear(holder).append(h('p', { class: 'muted' }, `${shown.length} of ${entries.length} records.`), audit_table(shown));
  };
  const load = () => api('GET', '/v1/audit', { query: { limit: limit.value }, signal })
    .then((res) => {
      entries = res.entries;
      draw();
    })
    .catch((e) => !is_abort(e) && clear(holder).append(failed(e, 'Reading the audit log')));
  limit.addEventListener('change', load);
  filter.addEventListener('input', draw);
  load();
  return page('Audit log', toolbar(field('Records', limit), field('Filter', filter)), holder);
}
