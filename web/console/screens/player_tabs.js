// The sections of a player's page: timeline, ledger, payments, bonuses, risk and
// linked accounts. Long lists are read a page at a time with "Load older", using
// the cursor each route returns (next_before_us, next_before_seq).

import { h, clear } from '/common/dom.js';
import { api, idempotency_key, is_abort } from '../api.js';
import { can } from '../auth.js';
import { show_error, show_status } from '../errors.js';
import { money, num, percent, time_us, words } from '../format.js';
import { badge, busy, button, confirm_dialog, dialog_amount, facts, failed, link, loading, status_badge, table, toolbar } from '../ui.js';
import { links_view } from './links.js';

export const tab_names = {
  timeline: 'Timeline',
  ledger: 'Ledger',
  payments: 'Payments',
  bonuses: 'Bonuses',
  risk: 'Risk',
  links: 'Linked accounts',
};

const page_size = 50;

// A table read page by page. fetch_page(cursor) -> {rows, next, note}; `next`
// undefined means there is nothing older. The "Load older" button stays in place
// (and keeps focus) while the table above it grows.
function paged({ caption, columns, fetch_page, empty, signal }) {
  const holder = h('div', null, loading());
  const note = h('p', { class: 'muted' });
  const more = h('button', { type: 'button', hidden: true }, 'Load older');
  let rows = [];
  let cursor;
  const load = async () => {
    const res = await fetch_page(cursor, signal);
    rows = rows.concat(res.rows);
    cursor = res.next;
    clear(holder).append(table({ caption, columns, rows, empty }));
    note.textContent = res.note || '';
    more.hidden = cursor === undefined;
  };
  more.addEventListener('click', () => busy(more, 'Loading older entries', load));
  load().catch((e) => !is_abort(e) && clear(holder).append(failed(e, caption)));
  return h('div', null, note, holder, h('div', { class: 'actions' }, more));
}

// -- timeline ---------------------------------------------------------------------

// A limit's amount in an event: -1 is "no limit"; money limits are in the
// account's currency, the time limits in minutes.
function limit_amount(limit, v, currency) {
  if (v === undefined || v === null) return '';
  if (v < 0) return 'no limit';
  return String(limit).endsWith('_minutes') ? `${v} min` : money(v, currency);
}

// What an activity says, per type (docs/events.md), in one line.
function activity_words(type, d, currency) {
  if (d.payment_id) {
    return [d.payment_id, money(d.amount, d.currency), `${d.provider} ${d.instrument}`,
      d.reason && `reason ${d.reason}`, d.reviewer && `reviewer ${d.reviewer}`];
  }
  switch (type) {
    case 'limit_changed':
      return [`${words(d.limit)}: asked ${limit_amount(d.limit, d.asked, currency)}, now ${limit_amount(d.limit, d.amount, currency)}`,
        d.pending_from_us && `${limit_amount(d.limit, d.pending, currency)} from ${time_us(d.pending_from_us)}`];
    case 'kyc_changed': return [`${d.kyc_status} level ${d.level}`, d.reason];
    case 'registered': return [d.username, d.currency, d.country];
    case 'self_excluded':
    case 'cooling_off': return [d.until_us ? `until ${time_us(d.until_us)}` : 'for good'];
    default:
      return Object.entries(d).filter(([, v]) => v !== '' && typeof v !== 'object')
        .map(([k, v]) => `${words(k)} ${k.endsWith('_us') ? time_us(v) : v}`);
  }
}

function activity_detail(e, currency) {
  const parts = activity_words(e.type.replace(/^activity\./, ''), e.detail || {}, currency);
  if (e.address) parts.push(`from ${e.address}`);
  if (e.device && e.device.id) parts.push(`device ${e.device.id}`);
  return parts.filter(Boolean).join(' · ');
}

function timeline_row(item, currency) {
  if (item.kind === 'payment') {
    const p = item.payment;
    return {
      item, what: `${p.kind === 'payout' ? 'withdrawal' : 'deposit'} ${p.status}`,
      amount: money(p.amount, p.currency), after: '',
      detail: [p.payment_id, p.provider, p.instrument, p.reason, p.reviewer && `reviewer ${p.reviewer}`].filter(Boolean).join(' · '),
    };
  }
  const e = item.event || {};
  if (item.kind === 'money') {
    // A round's entries carry its id; other entries are told apart by their
    // transaction id (an idempotency key, a payment id).
    return {
      item, what: words(e.type.replace(/^wallet\./, '')),
      amount: money(e.amount, e.currency), after: money(e.balance_after, e.currency),
      detail: [e.source, e.round_id ? `round ${e.round_id}` : e.tx_id,
        e.bonus && `bonus ${e.bonus.map((b) => money(b.amount, e.currency)).join(', ')}`].filter(Boolean).join(' · '),
    };
  }
  return { item, what: words(e.type.replace(/^activity\./, '')), amount: '', after: '', detail: activity_detail(e, currency) };
}

function timeline(id, currency, signal) {
  return paged({
    caption: `Timeline of player ${id}, newest first`,
    signal,
    empty: 'Nothing happened to this player yet.',
    columns: [
      { label: 'Time (UTC)', cell: (r) => time_us(r.item.at_us), class: 'nowrap' },
      { label: 'Kind', cell: (r) => badge(r.item.kind, `kind-${r.item.kind}`) },
      { label: 'Event', cell: (r) => r.what },
      { label: 'Amount', cell: (r) => r.amount, num: true },
      { label: 'Balance after', cell: (r) => r.after, num: true },
      { label: 'Details', cell: (r) => r.detail, class: 'detail' },
    ],
    fetch_page: async (before, sig) => {
      const res = await api('GET', `/v1/players/${id}/timeline`, { query: { before_us: before, limit: page_size }, signal: sig });
      return { rows: res.items.map((i) => timeline_row(i, currency)), next: res.next_before_us };
    },
  });
}

// -- ledger -----------------------------------------------------------------------

function ledger(id, signal) {
  return paged({
    caption: `Ledger of player ${id}, newest first`,
    signal,
    empty: 'No ledger entry yet.',
    columns: [
      { label: 'Seq', cell: (e) => String(e.seq), num: true, row_header: true },
      { label: 'Time (UTC)', cell: (e) => time_us(e.created_at_us), class: 'nowrap' },
      { label: 'Kind', cell: (e) => words(e.kind) },
      { label: 'Source', cell: (e) => e.source },
      { label: 'Transaction', cell: (e) => e.tx_id, class: 'mono' },
      { label: 'Round', cell: (e) => e.round_id || '—', class: 'mono' },
      { label: 'Amount', cell: (e) => money(e.amount, e.currency), num: true },
      { label: 'Balance after', cell: (e) => money(e.balance_after, e.currency), num: true },
    ],
    fetch_page: async (before, sig) => {
      const res = await api('GET', `/v1/players/${id}/ledger`, { query: { before_seq: before, limit: page_size }, signal: sig });
      return { rows: res.entries, next: res.next_before_seq };
    },
  });
}

// -- payments ---------------------------------------------------------------------

const payment_columns = [
  { label: 'Payment', cell: (p) => p.payment_id, class: 'mono', row_header: true },
  { label: 'Kind', cell: (p) => (p.kind === 'payout' ? 'withdrawal' : 'deposit') },
  { label: 'Status', cell: (p) => status_badge(p.status) },
  { label: 'Amount', cell: (p) => money(p.amount, p.currency), num: true },
  { label: 'Provider', cell: (p) => p.provider },
  { label: 'Instrument', cell: (p) => p.instrument },
  { label: 'Reason', cell: (p) => p.reason || '—' },
  { label: 'Reservation', cell: (p) => p.reservation || '—' },
  { label: 'Reviewer', cell: (p) => p.reviewer || '—' },
  { label: 'Created (UTC)', cell: (p) => time_us(p.created_us), class: 'nowrap' },
];

function payments(id, signal) {
  return paged({
    caption: `Payments of player ${id}, newest first`,
    signal,
    empty: 'No payment yet.',
    columns: payment_columns,
    fetch_page: async (before, sig) => {
      const res = await api('GET', `/v1/players/${id}/payments`, { query: { before_us: before, limit: page_size }, signal: sig });
      const currency = res.payments.length ? res.payments[0].currency : '';
      return {
        rows: res.payments,
        next: res.next_before_us,
        note: `Reserved by withdrawals not yet paid: ${money(res.reserved, currency)}.`,
      };
    },
  });
}

// -- bonuses ----------------------------------------------------------------------

async function revoke(id, grant, btn, redraw) {
  const values = await confirm_dialog({
    title: `Revoke bonus ${grant.grant_id}`,
    summary: `What is left in its pocket (${money(grant.balance, grant.currency)}) is taken away; the cash is not touched.`,
    confirm_label: 'Confirm revoke',
    danger: true,
    fields: [{ name: 'reason', label: 'Reason', type: 'textarea', required: true }],
  });
  if (!values) return;
  const res = await busy(btn, 'Revoking the bonus',
    () => api('POST', `/v1/players/${id}/bonuses/${grant.grant_id}/revoke`, { body: { reason: values.reason } }));
  if (res) {
    show_status(`Bonus ${grant.grant_id} revoked; ${money(res.forfeited || 0, res.currency)} forfeited.`);
    redraw();
  }
}

async function grant(id, acc, btn, redraw) {
  const values = await confirm_dialog({
    title: `Give player ${id} a bonus`,
    summary: `Bonus money in ${acc.currency}, outside any campaign. It converts to cash once the wagering is done.`,
    confirm_label: 'Give bonus',
    fields: [
      { name: 'amount', label: `Amount (${acc.currency})`, inputmode: 'decimal', required: true },
      { name: 'wagering', label: 'Wagering multiplier (0 to 200)', type: 'number', min: 0, max: 200, step: 1, value: 0 },
      { name: 'days', label: 'Expires in days', type: 'number', min: 1, max: 3650, step: 1, value: 30 },
      { name: 'reason', label: 'Reason', type: 'textarea', required: true },
    ],
  });
  if (!values) return;
  const amount = dialog_amount(values.amount, acc.currency);
  if (amount === undefined) return;
  const body = { amount, wagering_multiplier: Number(values.wagering || 0), expires_in_days: Number(values.days || 30), reason: values.reason };
  const res = await busy(btn, 'Giving the bonus', () => api('POST', `/v1/players/${id}/bonuses`,
    { body, headers: { 'Idempotency-Key': idempotency_key('bonus') } }));
  if (res) {
    show_status(`Bonus ${res.grant_id} given: ${money(res.amount, res.currency)} (${res.status}).`);
    redraw();
  }
}

function bonuses(id, acc, signal) {
  const holder = h('div', null, loading());
  const draw = async () => {
    const res = await api('GET', `/v1/players/${id}/bonuses`, { signal });
    const columns = [
      { label: 'Grant', cell: (g) => g.grant_id, class: 'mono', row_header: true },
      { label: 'Campaign', cell: (g) => g.campaign_id },
      { label: 'Status', cell: (g) => status_badge(g.status) },
      { label: 'Amount', cell: (g) => money(g.amount, g.currency), num: true },
      { label: 'In pocket', cell: (g) => money(g.balance, g.currency), num: true },
      { label: 'Wagered', cell: (g) => `${money(g.wagered, g.currency)} of ${money(g.wagering_required, g.currency)}`, num: true },
      { label: 'Expires (UTC)', cell: (g) => time_us(g.expires_us), class: 'nowrap' },
    ];
    if (can('bonus.revoke')) {
      columns.push({
        label: 'Action',
        cell: (g) => {
          if (g.status !== 'active') return '';
          const b = button('Revoke', () => revoke(id, g, b, redraw), { class: 'small danger', 'aria-label': `Revoke bonus ${g.grant_id}` });
          return b;
        },
      });
    }
    const give = can('bonus.grant') && button('Give a bonus', () => grant(id, acc, give, redraw));
    clear(holder).append(give ? toolbar(give) : '',
      table({ caption: `Bonus grants of player ${id}`, caption_hidden: true, columns, rows: res.bonuses, empty: 'No bonus grant.' }));
  };
  const redraw = () => draw().catch((e) => !is_abort(e) && show_error(e, 'Reading the bonuses'));
  draw().catch((e) => !is_abort(e) && clear(holder).append(failed(e, 'Reading the bonuses')));
  return holder;
}

// -- risk -------------------------------------------------------------------------

export function reasons_table(reasons, caption) {
  return table({
    caption,
    columns: [
      { label: 'Feature', cell: (r) => words(r.feature), row_header: true },
      { label: 'Player\'s value', cell: (r) => num(r.value, 3), num: true },
      { label: 'Added to the log-odds', cell: (r) => contribution(r.contribution), num: true },
    ],
    rows: reasons || [],
    empty: 'No reason recorded.',
  });
}

// A small bar beside the number so the strongest reason stands out; the number is
// the information, the bar decoration.
function contribution(c) {
  const width = Math.min(100, Math.abs(c) * 12);
  return h('span', { class: 'contrib' },
    h('span', { class: 'contrib-bar', style: { width: `${width}px` }, 'aria-hidden': 'true' }), num(c, 2));
}

// A case's status in its own colours: a confirmed case is fraud, not a success.
export function case_badge(status) {
  return badge(status, { open: 'warn', cleared: 'ok', confirmed: 'bad' }[status] || '');
}

const case_columns = [
  { label: 'Case', cell: (c) => link(`#/risk/cases/${c.case_id}`, `Case ${c.case_id}`), row_header: true },
  { label: 'Kind', cell: (c) => words(c.kind) },
  { label: 'Score', cell: (c) => percent(c.score), num: true },
  { label: 'Status', cell: (c) => case_badge(c.status) },
  { label: 'Locked', cell: (c) => (c.locked ? 'yes' : 'no') },
  { label: 'Opened (UTC)', cell: (c) => time_us(c.opened_us), class: 'nowrap' },
];

async function risk(id, signal) {
  const r = await api('GET', `/v1/players/${id}/risk`, { signal });
  return [
    facts([
      ['Score', r.kind ? `${percent(r.score)} (${words(r.kind)})` : 'not scored yet (too few bets)'],
      ['Locked by the risk engine', r.locked ? 'yes' : 'no'],
      ['Thresholds', `review at ${percent(r.review_score)}, lock at ${percent(r.lock_score)}`],
      ['By kind', Object.entries(r.kinds || {}).map(([k, p]) => `${words(k)} ${percent(p)}`).join(', ') || '—'],
    ]),
    reasons_table(r.reasons, 'Why: the features that raised the score most'),
    table({ caption: 'Cases of this player', columns: case_columns, rows: r.cases || [], empty: 'No case.' }),
    h('details', null, h('summary', null, 'All features'),
      table({
        caption: 'Feature values',
        caption_hidden: true,
        columns: [
          { label: 'Feature', cell: ([k]) => words(k), row_header: true },
          { label: 'Value', cell: ([, v]) => num(v, 4), num: true },
        ],
        rows: Object.entries(r.features || {}).sort(),
      })),
  ];
}

export async function tab_view(tab, id, acc, signal) {
  switch (tab) {
    case 'ledger': return ledger(id, signal);
    case 'payments': return payments(id, signal);
    case 'bonuses': return bonuses(id, acc, signal);
    case 'risk': return risk(id, signal);
    case 'links': return links_view(id, signal);
    default: return timeline(id, acc.currency, signal);
  }
}
