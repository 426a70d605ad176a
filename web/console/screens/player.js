// A player's page: the account (status, KYC, balance) with what the role may do to
// it (lock, unlock, KYC, a manual deposit or withdrawal), the responsible-gaming
// limits, and sections for the timeline, ledger, payments, bonuses, risk and linked
// accounts (screens/player_tabs.js).

import { h } from '/common/dom.js';
import { api, idempotency_key } from '../api.js';
import { can } from '../auth.js';
import { show_status } from '../errors.js';
import { money, time_us } from '../format.js';
import { busy, button, confirm_dialog, dialog_amount, facts, fill, loading, page, panel, status_badge, toolbar } from '../ui.js';
import { limits_view } from './limits.js';
import { tab_names, tab_view } from './player_tabs.js';

const kyc_statuses = ['unverified', 'pending', 'verified', 'rejected', 'expired'];

// The account's own exclusions cannot be overridden by operators (403
// account_self_excluded / account_cooling_off), so lock and unlock are not offered.
const player_excluded = new Set(['self_excluded', 'cooling_off']);

// A money movement that failed with an unknown outcome (503, network) keeps its key,
// so that trying again cannot move the money twice (docs/openapi.yaml, deposits).
const pending_keys = new Map(); // player id -> {key, op, amount}

function kyc_text(kyc) {
  if (!kyc) return '—';
  return [status_badge(kyc.status), ` level ${kyc.level}`,
    kyc.reason ? ` — ${kyc.reason}` : '', kyc.updated_us ? ` (set ${time_us(kyc.updated_us)})` : ''];
}

function account_facts(acc) {
  return facts([
    ['Player id', String(acc.player_id)],
    ['Username', acc.username],
    ['Status', status_badge(acc.status)],
    ['KYC', kyc_text(acc.kyc)],
    ['Balance', acc.balance === undefined ? 'unknown (the wallet did not answer)' : money(acc.balance, acc.currency)],
    ['Currency', acc.currency],
    ['Email', acc.email || '—'],
    ['Country', acc.country || '—'],
    ['Created', time_us(acc.created_at_us)],
    ['Last change', time_us(acc.updated_at_us)],
  ]);
}

async function change_status(id, lock, btn, refresh) {
  const verb = lock ? 'lock' : 'unlock';
  const values = await confirm_dialog({
    title: lock ? `Lock player ${id}` : `Unlock player ${id}`,
    summary: lock
      ? 'The player is logged out everywhere and cannot log in; no bet and no money out until the account is unlocked. Deposits are still accepted.'
      : 'The account becomes active again: the player can log in and play, and money can leave the account.',
    confirm_label: lock ? 'Confirm lock' : 'Confirm unlock',
    danger: lock,
    fields: [{ name: 'reason', label: 'Reason', type: 'textarea', required: true, hint: 'Recorded in the audit trail.' }],
  });
  if (!values) return;
  const acc = await busy(btn, lock ? 'Locking the account' : 'Unlocking the account',
    () => api('POST', `/v1/players/${id}/${verb}`, { body: { reason: values.reason } }));
  if (acc) {
    show_status(`Player ${id} ${lock ? 'locked' : 'unlocked'}.`);
    await refresh(lock ? 'unlock' : 'lock');
  }
}

async function set_kyc(id, acc, btn, refresh) {
  const values = await confirm_dialog({
    title: `KYC of player ${id}`,
    summary: 'Replaces the whole KYC record. Withdrawals need the status verified.',
    confirm_label: 'Save KYC',
    fields: [
      { name: 'status', label: 'KYC status', type: 'select', options: kyc_statuses.map((s) => [s, s]), value: acc.kyc.status },
      { name: 'level', label: 'Level (0 to 100)', type: 'number', min: 0, max: 100, step: 1, value: acc.kyc.level },
      { name: 'reason', label: 'Note', type: 'textarea', value: acc.kyc.reason || '', hint: 'Optional; at most 512 bytes. Empty clears it.' },
    ],
  });
  if (!values) return;
  const body = { status: values.status, level: Number(values.level || 0) };
  if (values.reason) body.reason = values.reason;
  const res = await busy(btn, 'Setting KYC', () => api('PUT', `/v1/players/${id}/kyc`, { body }));
  if (res) {
    show_status(`KYC of player ${id} set to ${res.kyc.status}.`);
    await refresh('kyc');
  }
}

async function adjust_balance(id, acc, btn, refresh) {
  const pending = pending_keys.get(id);
  const values = await confirm_dialog({
    title: `Adjust the balance of player ${id}`,
    summary: `A manual deposit or withdrawal in ${acc.currency}, written to the ledger with source operator. ` +
      'A key that is used again with the same data is answered with the first receipt, so retrying after an unknown outcome is safe.',
    confirm_label: 'Move the money',
    danger: true,
    fields: [
      { name: 'op', label: 'Operation', type: 'radio', options: [['deposit', 'Deposit (credit)'], ['withdraw', 'Withdrawal (debit)']], value: pending ? pending.op : 'deposit', required: true },
      { name: 'amount', label: `Amount (${acc.currency})`, inputmode: 'decimal', required: true, value: pending ? pending.amount : '' },
      { name: 'key', label: 'Idempotency key', required: true, maxlength: 128, value: pending ? pending.key : idempotency_key('ops') },
    ],
  });
  if (!values) return;
  const amount = dialog_amount(values.amount, acc.currency);
  if (amount === undefined) return;
  const path = `/v1/players/${id}/${values.op === 'withdraw' ? 'withdrawals' : 'deposits'}`;
  pending_keys.set(id, { key: values.key, op: values.op, amount: values.amount });
  const receipt = await busy(btn, 'Moving the money', async () => {
    try {
      return await api('POST', path, { body: { amount, currency: acc.currency, idempotency_key: values.key } });
    } catch (e) {
      // Only an unknown outcome keeps the key for a retry; a refusal is final.
      if (!['unavailable', 'storage_error', 'network'].includes(e.code)) pending_keys.delete(id);
      throw e;
    }
  });
  if (receipt) {
    pending_keys.delete(id);
    show_status(`${receipt.replayed ? 'Already done earlier' : 'Done'}: ${money(receipt.amount, receipt.currency)}; balance ${money(receipt.balance, receipt.currency)}.`);
    await refresh('adjust');
  }
}

function account_actions(id, acc, refresh) {
  const acts = [];
  const excluded = player_excluded.has(acc.status);
  if (!excluded && acc.status !== 'locked' && can('player.lock')) {
    const b = button('Lock account', () => change_status(id, true, b, refresh), { class: 'danger', 'data-action': 'lock' });
    acts.push(b);
  }
  if (!excluded && acc.status === 'locked' && can('player.unlock')) {
    const b = button('Unlock account', () => change_status(id, false, b, refresh), { 'data-action': 'unlock' });
    acts.push(b);
  }
  if (can('player.kyc')) {
    const b = button('Set KYC', () => set_kyc(id, acc, b, refresh), { 'data-action': 'kyc' });
    acts.push(b);
  }
  if (can('wallet.deposit')) {
    const b = button('Adjust balance', () => adjust_balance(id, acc, b, refresh), { 'data-action': 'adjust' });
    acts.push(b);
  }
  if (excluded) acts.push(h('span', { class: 'muted' }, 'The player excluded themselves or paused the account; operators cannot lock or unlock it.'));
  return acts.length ? toolbar(...acts) : null;
}

function tabs_nav(id, current) {
  return h('nav', { class: 'tabs', 'aria-label': 'Player sections' }, h('ul', null,
    Object.entries(tab_names).map(([tab, text]) => h('li', null,
      h('a', { href: `#/players/${id}/${tab}`, 'aria-current': tab === current ? 'page' : null }, text)))));
}

export function player_screen(params, { signal }) {
  const id = params.id;
  if (!/^[1-9]\d*$/.test(id)) return page('Player', h('p', { class: 'inline-error' }, `“${id}” is not a player id.`));
  const tab = tab_names[params.tab] ? params.tab : 'timeline';
  const account = h('div', null, loading());
  const limits = h('div', null, loading());
  const body = h('div', { class: 'tab-body' });
  const root = page(`Player #${id}`,
    h('div', { class: 'two-col' }, panel('Account', account), panel('Limits', limits)),
    tabs_nav(id, tab), h('section', { class: 'panel tab-panel', 'aria-label': tab_names[tab] }, body));

  const acc_ready = (async () => {
    const acc = await api('GET', `/v1/players/${id}`, { signal });
    root.querySelector('.page-title').textContent = `Player #${id} · ${acc.username}`;
    return acc;
  })();
  // After a write: the account read again, focus back on the action's button, and
  // the section below read again (the write is on the timeline now).
  const after_write = async (focus_action) => {
    let acc;
    await fill(account, 'Reading the account', async () => {
      acc = await api('GET', `/v1/players/${id}`, { signal });
      return [account_facts(acc), account_actions(id, acc, after_write)];
    });
    const again = focus_action && account.querySelector(`[data-action="${focus_action}"]`);
    if (again) again.focus();
    if (acc) fill(body, `Reading the ${tab_names[tab].toLowerCase()}`, () => tab_view(tab, id, acc, signal));
  };
  fill(account, 'Reading the account', async () => {
    const acc = await acc_ready;
    return [account_facts(acc), account_actions(id, acc, after_write)];
  });
  // Without an account (player_not_found, say) the rest has nothing to show; the
  // account panel says why, once.
  acc_ready.then((acc) => {
    fill(limits, 'Reading the limits', () => limits_view(id, signal));
    fill(body, `Reading the ${tab_names[tab].toLowerCase()}`, () => tab_view(tab, id, acc, signal));
  }, () => {
    for (const n of [limits.closest('.panel'), body.closest('.panel'), root.querySelector('.tabs')]) n.hidden = true;
  });
  return root;
}

