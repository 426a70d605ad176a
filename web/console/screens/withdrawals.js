// The withdrawal review queue (docs/cashier.md, "The review queue"): withdrawals
// held for an operator, each with how long it has waited, approved (admin) or
// rejected (support) after a confirm step with a reason. Other statuses can be
// listed too. The list refreshes itself, except while a decision is being
// confirmed or older pages are shown.

import { h, clear } from '/common/dom.js';
import { api, is_abort } from '../api.js';
import { can } from '../auth.js';
import { show_error, show_status } from '../errors.js';
import { age_us, money, time_us } from '../format.js';
import { busy, button, confirm_dialog, every, facts, failed, field, link, loading, page, select, status_badge, table, toolbar } from '../ui.js';

const refresh_ms = 10_000;
const page_size = 100;
const statuses = ['review', 'requested', 'approved', 'sent', 'paid', 'rejected', 'cancelled', 'failed'];

function summary_of(p) {
  return facts([
    ['Player', link(`#/players/${p.player_id}`, `#${p.player_id}`)],
    ['Amount', money(p.amount, p.currency)],
    ['Provider and instrument', `${p.provider}, ${p.instrument}`],
    ['Why it is held', p.reason || '—'],
    ['Waiting', age_us(p.created_us)],
  ]);
}

// approve: true to approve, false to reject. Resolves true when decided.
async function decide(p, approve, btn) {
  const values = await confirm_dialog({
    title: `${approve ? 'Approve' : 'Reject'} withdrawal ${p.payment_id}`,
    summary: [summary_of(p), h('p', null, approve
      ? 'Approving sends the payout to the provider at once. The checks made when it was asked for are not run again.'
      : 'Rejecting gives the amount back to the player\'s balance.')],
    confirm_label: approve ? 'Confirm approval' : 'Confirm rejection',
    danger: !approve,
    fields: [{ name: 'reason', label: 'Reason', type: 'textarea', required: true, hint: 'Recorded on the withdrawal and in the audit trail (1 to 512 bytes).' }],
  });
  if (!values) return false;
  const res = await busy(btn, approve ? 'Approving the withdrawal' : 'Rejecting the withdrawal',
    () => api('POST', `/v1/withdrawals/${p.payment_id}/${approve ? 'approve' : 'reject'}`, { body: { reason: values.reason } }));
  if (res) show_status(`Withdrawal ${p.payment_id} of ${money(p.amount, p.currency)} ${approve ? 'approved' : 'rejected'}.`);
  return true; // refused or not, the queue is read again: it may have changed
}

function actions_of(p, on_decided) {
  const acts = [];
  if (p.status === 'review' && can('withdrawal.approve')) {
    const b = button('Approve', async () => on_decided(await decide(p, true, b), 'approve'),
      { class: 'small primary', 'aria-label': `Approve withdrawal ${p.payment_id}`, 'data-action': 'approve' });
    acts.push(b);
  }
  if ((p.status === 'review' || p.status === 'approved') && can('withdrawal.reject')) {
    const b = button('Reject', async () => on_decided(await decide(p, false, b), 'reject'),
      { class: 'small danger', 'aria-label': `Reject withdrawal ${p.payment_id}`, 'data-action': 'reject' });
    acts.push(b);
  }
  return acts.length ? h('span', { class: 'row-actions' }, acts) : '—';
}

function queue_table(rows, status, on_decided) {
  const columns = [
    { label: 'Withdrawal', cell: (p) => p.payment_id, class: 'mono', row_header: true },
    { label: 'Player', cell: (p) => link(`#/players/${p.player_id}`, `#${p.player_id}`) },
    { label: 'Amount', cell: (p) => money(p.amount, p.currency), num: true },
    { label: 'Status', cell: (p) => status_badge(p.status) },
    { label: 'Paid to', cell: (p) => `${p.provider} · ${p.instrument}` },
    { label: 'Reason', cell: (p) => p.reason || '—' },
    { label: 'Waiting', cell: (p) => age_us(p.created_us), num: true },
    { label: 'Created (UTC)', cell: (p) => time_us(p.created_us), class: 'nowrap' },
  ];
  // Nobody has reviewed what is still in review: the column only for the others.
  if (status !== 'review') columns.push({ label: 'Reviewer', cell: (p) => p.reviewer || '—' });
  if (can('withdrawal.reject')) columns.push({ label: 'Decision', cell: (p) => actions_of(p, on_decided) });
  return table({
    caption: status ? `Withdrawals in status ${status}, newest first` : 'All withdrawals, newest first',
    columns,
    rows,
    empty: status === 'review' ? 'No withdrawal is waiting for review.' : 'No withdrawal.',
    row_attrs: (p) => ({ 'data-payment': p.payment_id }),
  });
}

export function withdrawals_screen(_params, { signal }) {
  const status = select([...statuses.map((s) => [s, s]), ['', 'every status']], 'review');
  const auto = h('input', { type: 'checkbox', checked: true });
  const holder = h('div', null, loading());
  const stamp = h('p', { class: 'muted stamp' });
  const more = h('button', { type: 'button', hidden: true }, 'Load older');
  const refresh = button('Refresh', () => busy(refresh, 'Reading the queue', () => load()));
  let rows = [];
  let next;
  let deciding = false; // a confirm dialog is open: do not redraw under it
  let paged_back = false; // older pages were loaded: a refresh would drop them

  const report = (e) => !is_abort(e) && show_error(e, 'Reading the queue');

  async function load(older = false) {
    const res = await api('GET', '/v1/withdrawals', {
      query: { status: status.value, limit: page_size, before_us: older ? next : undefined }, signal,
    });
    rows = older ? rows.concat(res.payments) : res.payments;
    paged_back = older;
    next = res.next_before_us;
    clear(holder).append(queue_table(rows, status.value, on_decided));
    more.hidden = next === undefined;
    stamp.textContent = `${rows.length}${next !== undefined ? '+' : ''} shown; read ${time_us(Date.now() * 1000)}.`;
  }

  async function on_decided(decided, action) {
    deciding = false;
    if (!decided) return;
    await load().catch(report);
    // The same decision on the next withdrawal gets focus, so that a reviewer can go
    // down the queue with the keyboard; else the refresh button.
    (holder.querySelector(`[data-action="${action}"]`) || refresh).focus();
  }

  // Decision buttons mark the queue busy before their dialog opens.
  holder.addEventListener('click', (ev) => {
    if (ev.target.closest('[data-action]')) deciding = true;
  }, true);
  status.addEventListener('change', () => load().catch(report));
  more.addEventListener('click', () => busy(more, 'Reading older withdrawals', () => load(true)));
  load().catch((e) => !is_abort(e) && clear(holder).append(failed(e, 'Reading the queue')));
  every(refresh_ms, async () => {
    if (auto.checked && !deciding && !paged_back) await load();
  }, signal);

  return page('Withdrawals',
    toolbar(field('Status', status), h('label', { class: 'check' }, auto, ` Refresh every ${refresh_ms / 1000} s`), refresh),
    stamp, holder, h('div', { class: 'actions' }, more));
}
