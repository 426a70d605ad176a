// The cashier (docs/cashier.md): `deposit` and `withdraw` through a payment provider,
// `cancel_withdrawal`, the list of `payments` kept live by payment pushes, and the
// `kyc` status that withdrawals depend on.

import { h, clear, append } from '/common/dom.js';
import { format_minor } from '/common/money.js';
import { field, form_messages, busy, request_form, amount_above_zero, section, status_badge, table, time_el, confirm_dialog } from '../ui.js';
import { describe_payment, merge_payment } from '../pushes.js';

// The server has no request that lists its payment providers; these are the ones
// this deployment offers players. `sandbox` confirms any instrument not starting
// with fail-, error-, silent-, decline- or instant- about 100 ms later.
export const PROVIDERS = [{ id: 'sandbox', name: 'Test card (sandbox)' }];
const default_instrument = 'card-4242';
const payments_page = 20;
// After a push, the list (and the reserved amount) is read again once things settle.
const reload_delay_ms = 400;

const KYC_WORDS = {
  unverified: 'Not verified yet. Withdrawals need a verified identity; please contact support.',
  pending: 'Your documents are being reviewed.',
  verified: 'Verified.',
  rejected: 'Your documents were not accepted; please contact support.',
  expired: 'Your documents are out of date; please contact support.',
};

export function mount(ctx, root) {
  const currency = ctx.store.state.session.currency;
  const kyc_box = h('div', { class: 'kyc' });
  const list_box = h('div', null, h('p', { class: 'loading' }, 'Loading payments…'));
  const list_msg = form_messages();
  const reserved = h('p', { class: 'hint' });
  const offs = [];

  root.append(
    h('h1', null, 'Cashier'),
    h('div', { class: 'two-col' },
      section('Deposit', deposit_form(ctx, currency, offs)),
      section('Withdraw', withdraw_form(ctx, currency))),
    section('Identity verification', kyc_box),
    section('Payments', ...list_msg.nodes, reserved, list_box));

  async function load_kyc() {
    try {
      ctx.store.set({ kyc: await ctx.session.request('kyc') });
    } catch (e) {
      clear(kyc_box).append(h('p', { class: 'form-error' }, e.message));
    }
  }

  function draw_kyc() {
    const k = ctx.store.state.kyc;
    if (!k) return;
    const again = h('button', { type: 'button', class: 'secondary', onclick: () => busy(again, load_kyc) }, 'Check verification again');
    append(clear(kyc_box),
      h('p', null, 'Status: ', status_badge(k.status), ' ', KYC_WORDS[k.status] || ''),
      k.reason && h('p', { class: 'hint' }, `Note: ${k.reason}`),
      again);
  }

  async function load_payments() {
    try {
      const reply = await ctx.session.request('payments', { limit: payments_page });
      const map = new Map();
      for (const p of reply.payments) map.set(p.payment_id, p);
      // Pushes that arrived after the page was read are newer: keep them.
      for (const [id, p] of ctx.store.state.payments || []) {
        const listed = map.get(id);
        if (!listed || p.updated_us > listed.updated_us) map.set(id, p);
      }
      ctx.store.set({ payments: new Map([...map.entries()].sort((a, b) => b[1].created_us - a[1].created_us)), reserved: reply.reserved });
    } catch (e) {
      list_msg.error(e);
    }
  }

  function draw_payments() {
    const payments = ctx.store.state.payments;
    if (!payments) return;
    reserved.textContent = ctx.store.state.reserved > 0
      ? `Reserved for withdrawals in progress: ${format_minor(ctx.store.state.reserved, currency)}.` : '';
    const rows = [...payments.values()].slice(0, payments_page * 2).map((p) => [
      time_el(p.created_us),
      p.kind === 'deposit' ? 'Deposit' : 'Withdrawal',
      format_minor(p.amount, p.currency),
      h('span', { 'data-payment-id': p.payment_id, 'data-status': p.status }, status_badge(p.status)),
      detail_of(p),
      cancel_button(ctx, p, list_msg),
    ]);
    clear(list_box).append(table('Your payments', ['When', 'Type', 'Amount', 'Status', 'Details', 'Action'], rows,
      { empty: 'No payments yet.', hide_caption: true }));
  }

  let reload_timer = null;
  const off = [
    ...offs,
    ctx.on_ready(() => { load_kyc(); load_payments(); }),
    ctx.store.subscribe(['kyc'], draw_kyc),
    ctx.store.subscribe(['payments', 'reserved'], draw_payments),
    // Only a push reloads: the list's own update must not schedule another read.
    ctx.store.subscribe(['payment_event'], () => {
      clearTimeout(reload_timer);
      reload_timer = setTimeout(load_payments, reload_delay_ms);
    }),
  ];
  draw_payments();
  return () => {
    clearTimeout(reload_timer);
    off.forEach((f) => f());
  };
}

function detail_of(p) {
  const parts = [];
  if (p.reason) parts.push(p.reason.replace(/_/g, ' '));
  if (p.kind === 'payout' && p.reservation) parts.push(`amount ${p.reservation}`);
  parts.push(p.instrument);
  return parts.join(' · ');
}

function cancel_button(ctx, p, msg) {
  if (p.kind !== 'payout' || (p.status !== 'review' && p.status !== 'approved')) return '—';
  const label = `Cancel withdrawal of ${format_minor(p.amount, p.currency)}`;
  const b = h('button', {
    type: 'button', class: 'secondary small', 'aria-label': label,
    onclick: () => busy(b, async () => {
      const yes = await confirm_dialog({
        title: 'Cancel this withdrawal?',
        body: `${format_minor(p.amount, p.currency)} goes back to your balance.`,
        confirm_label: 'Cancel withdrawal', cancel_label: 'Keep it',
      });
      if (!yes) return;
      try {
        const reply = await ctx.session.request('cancel_withdrawal', { payment_id: p.payment_id });
        merge_payment(ctx.store, reply);
        msg.ok(describe_payment(reply));
      } catch (e) {
        msg.error(e);
      }
    }),
  }, 'Cancel');
  return b;
}

// The controls a deposit and a withdrawal share: how much, through which
// provider, and the card or account on the provider's side.
function payment_controls() {
  return {
    amount: h('input', { name: 'amount', inputMode: 'decimal', autocomplete: 'off' }),
    provider: h('select', { name: 'provider' }, PROVIDERS.map((p) => h('option', { value: p.id }, p.name))),
    instrument: h('input', { name: 'instrument', value: default_instrument, autocomplete: 'off', spellcheck: false }),
  };
}

// The request fields of a payment form: the amount is read first, so that a
// mistake in it stops the form before anything is sent.
function payment_fields({ amount, provider, instrument }, currency) {
  return { amount: amount_above_zero(amount, currency), provider: provider.value, instrument: instrument.value.trim() };
}

function deposit_form(ctx, currency, offs) {
  const c = payment_controls();
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Deposit');
  const msg = form_messages();
  let watching = null; // the payment_id whose pushes this form reports

  offs.push(ctx.store.subscribe(['payments'], (s) => {
    const p = watching && s.payments && s.payments.get(watching);
    if (p && p.status !== 'created' && p.status !== 'pending') {
      if (p.status === 'confirmed') msg.ok(`${describe_payment(p)} The money is in your balance.`);
      else msg.error(`${describe_payment(p)}${p.reason ? ` (${p.reason.replace(/_/g, ' ')})` : ''} Nothing was taken.`);
      watching = null;
    }
  }));

  return request_form(msg, submit, {
    read: () => payment_fields(c, currency),
    send: async (fields) => {
      const p = merge_payment(ctx.store, await ctx.session.request('deposit', fields));
      if (p.status === 'confirmed') {
        msg.ok(`${describe_payment(p)} The money is in your balance.`);
      } else if (p.status === 'pending' || p.status === 'created') {
        watching = p.payment_id;
        msg.ok(`Deposit of ${format_minor(p.amount, p.currency)} is pending with the provider…`);
      } else {
        msg.error(`${describe_payment(p)}${p.reason ? ` (${p.reason.replace(/_/g, ' ')})` : ''}`);
      }
    },
  },
  field(`Deposit amount (${currency})`, c.amount),
  field('Deposit method', c.provider),
  field('Deposit from (card or account reference)', c.instrument));
}

function withdraw_form(ctx, currency) {
  const c = payment_controls();
  const forfeit = h('input', { type: 'checkbox', name: 'forfeit_bonus', id: 'forfeit-bonus' });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Request withdrawal');
  const msg = form_messages();
  return request_form(msg, submit, {
    read: () => {
      const fields = payment_fields(c, currency);
      if (forfeit.checked) fields.forfeit_bonus = true;
      return fields;
    },
    send: async (fields) => msg.ok(withdrawal_text(merge_payment(ctx.store, await ctx.session.request('withdraw', fields)))),
  },
  field(`Withdrawal amount (${currency})`, c.amount, 'Only cash can be withdrawn; bonus money cannot.'),
  field('Withdrawal method', c.provider),
  field('Pay out to (card or account reference)', c.instrument),
  h('div', { class: 'check' }, forfeit, h('label', { for: forfeit.id }, 'Forfeit my active bonuses')));
}

function withdrawal_text(p) {
  const amount = format_minor(p.amount, p.currency);
  switch (p.status) {
    case 'review': return `Withdrawal of ${amount} is pending: it waits for our review. You can cancel it until it is sent.`;
    case 'approved': return `Withdrawal of ${amount} is approved and about to be sent.`;
    case 'requested': return `Withdrawal of ${amount} is requested; we are reserving the amount.`;
    default: return describe_payment(p);
  }
}
