// Risk cases (docs/risk.md, "Cases"): the list with each case's strongest reasons,
// and a case's page with all its reasons, the resolution (support), and the
// player's linked-account group drawn as a graph.

import { h, clear } from '/common/dom.js';
import { api, is_abort } from '../api.js';
import { can } from '../auth.js';
import { show_error, show_status } from '../errors.js';
import { num, percent, time_us, words } from '../format.js';
import { busy, button, confirm_dialog, facts, failed, field, fill, link, loading, page, panel, select, table, toolbar } from '../ui.js';
import { links_view } from './links.js';
import { case_badge, reasons_table } from './player_tabs.js';

const page_size = 100; // the API's page of cases

function top_reasons(c) {
  return (c.reasons || []).map((r) => `${words(r.feature)} ${num(r.value, 2)}`).join('; ') || '—';
}

function subject_of(c) {
  return c.player_id ? link(`#/players/${c.player_id}`, `#${c.player_id}`) : (c.subject || '—');
}

function cases_table(rows, status) {
  return table({
    caption: status ? `Risk cases in status ${status}, newest first` : 'Every risk case, newest first',
    columns: [
      { label: 'Case', cell: (c) => link(`#/risk/cases/${c.case_id}`, `Case ${c.case_id}`), row_header: true },
      { label: 'Player or subject', cell: subject_of },
      { label: 'Kind', cell: (c) => words(c.kind) },
      { label: 'Score', cell: (c) => percent(c.score), num: true },
      { label: 'Strongest reasons', cell: top_reasons, class: 'detail' },
      { label: 'Group', cell: (c) => String(c.group_size ?? '—'), num: true },
      { label: 'Locked', cell: (c) => (c.locked ? 'yes' : 'no') },
      { label: 'Status', cell: (c) => case_badge(c.status) },
      { label: 'Opened (UTC)', cell: (c) => time_us(c.opened_us), class: 'nowrap' },
    ],
    rows,
    empty: 'No case.',
    row_attrs: (c) => ({ 'data-case': c.case_id }),
  });
}

export function cases_screen(_params, { signal }) {
  const status = select([['open', 'open'], ['cleared', 'cleared'], ['confirmed', 'confirmed'], ['', 'every status']], 'open');
  const holder = h('div', null, loading());
  const more = h('button', { type: 'button', hidden: true }, 'Load older');
  let rows = [];
  let before;
  const load = async (older = false) => {
    const res = await api('GET', '/v1/risk/cases', { query: { status: status.value, before: older ? before : undefined }, signal });
    rows = older ? rows.concat(res.cases) : res.cases;
    before = res.next_before;
    clear(holder).append(cases_table(rows, status.value));
    more.hidden = !(res.cases.length >= page_size && before);
  };
  const refresh = button('Refresh', () => busy(refresh, 'Reading the cases', () => load()));
  status.addEventListener('change', () => load().catch((e) => !is_abort(e) && show_error(e, 'Reading the cases')));
  more.addEventListener('click', () => busy(more, 'Reading older cases', () => load(true)));
  load().catch((e) => !is_abort(e) && clear(holder).append(failed(e, 'Reading the cases')));
  const reload = can('risk.reload') && button('Reload the risk model', () => reload_model(reload));
  return page('Risk cases',
    toolbar(field('Status', status), refresh, link('#/risk/addresses', 'Address rules'), reload),
    holder, h('div', { class: 'actions' }, more));
}

// Reads the configured model file again (after a retraining); a file the server
// cannot use is refused and the model in use stays (422 model_refused).
async function reload_model(btn) {
  const ok = await confirm_dialog({
    title: 'Reload the risk model',
    summary: 'The server reads its configured model file (risk_model) again; players are scored with it from then on.',
    confirm_label: 'Reload model',
  });
  if (!ok) return;
  const res = await busy(btn, 'Reloading the model', () => api('POST', '/v1/risk/model/reload'));
  if (res) show_status(`Risk model in use: ${res.model || 'the configured file'}${res.trained ? `, trained ${res.trained}` : ''}.`);
}

async function resolve(c, btn, redraw) {
  const values = await confirm_dialog({
    title: `Resolve case ${c.case_id}`,
    summary: 'Cleared: no fraud; an account the engine locked is unlocked and the player is not flagged again on the same evidence. Confirmed: fraud; the account is locked until an operator unlocks it.',
    confirm_label: 'Confirm resolution',
    fields: [
      { name: 'outcome', label: 'Outcome', type: 'radio', required: true, options: [['cleared', 'Cleared (no fraud)'], ['confirmed', 'Confirmed (fraud)']] },
      { name: 'note', label: 'Note', type: 'textarea', maxlength: 500, hint: 'Optional; at most 500 characters.' },
    ],
  });
  if (!values) return;
  const body = { outcome: values.outcome };
  if (values.note) body.note = values.note;
  const res = await busy(btn, 'Resolving the case', () => api('POST', `/v1/risk/cases/${c.case_id}/resolve`, { body }));
  if (res) {
    show_status(`Case ${c.case_id} resolved: ${res.status}.`);
    await redraw();
    // The button is gone with the open status; the title keeps the keyboard's place.
    document.querySelector('main .page-title').focus();
  }
}

function case_facts(c) {
  return facts([
    ['Player', c.player_id ? link(`#/players/${c.player_id}`, `Player #${c.player_id}`) : '—'],
    c.subject && ['Subject', c.subject],
    ['Kind', words(c.kind)],
    ['Score', `${percent(c.score)} (the highest while open)`],
    ['Status', case_badge(c.status)],
    ['Account locked by the engine', c.locked ? 'yes' : 'no'],
    ['Linked group', `${c.group_size ?? '—'} account${c.group_size === 1 ? '' : 's'}`],
    ['Opened', time_us(c.opened_us)],
    ['Updated', time_us(c.updated_us)],
    c.resolved_us && ['Resolved', `${time_us(c.resolved_us)} by ${c.resolved_by || '—'}`],
    c.note && ['Note', c.note],
  ]);
}

export function case_screen(params, { signal }) {
  const id = params.id;
  if (!/^\d+$/.test(id)) return page('Risk case', h('p', { class: 'inline-error' }, `“${id}” is not a case id.`));
  const about = h('div', null, loading());
  const reasons = h('div');
  const group = h('div', null, loading());
  const root = page(`Risk case ${id}`, panel('The case', about), panel('Reasons', reasons), panel('Linked accounts', group));
  let group_drawn = false;
  // The group of the case's player; a case about an address or a device has none.
  const draw_group = (c) => {
    group_drawn = true;
    if (c.player_id) fill(group, 'Reading the linked accounts', () => links_view(c.player_id, signal));
    else clear(group).append(h('p', { class: 'muted' }, 'This case is about an address or a device, not an account.'));
  };
  const draw = () => fill(about, 'Reading the case', async () => {
    const c = await api('GET', `/v1/risk/cases/${id}`, { signal });
    root.querySelector('.page-title').textContent = `Risk case ${id} · ${words(c.kind)}`;
    clear(reasons).append(reasons_table(c.reasons, `Why case ${id} was opened: the features that raised the score most`));
    if (!group_drawn) draw_group(c);
    const act = c.status === 'open' && can('risk.resolve') && button('Resolve case', () => resolve(c, act, draw), { class: 'primary' });
    return [case_facts(c), act && toolbar(act)];
  });
  draw().then(() => {
    if (!group_drawn) clear(group); // the case could not be read; its panel says why
  });
  return root;
}
