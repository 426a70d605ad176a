// Responsible gaming (docs/responsible_gaming.md): the player's limits (`limits`,
// `set_limit`) with pending loosenings, the reality check and session length (time
// limits the server enforces and pushes), a break (`cool_off`) and self-exclusion
// (`self_exclude`), both after a confirmation.

import { h, clear } from '/common/dom.js';
import { format_minor } from '/common/money.js';
import { parse_limit_amount } from '/common/limits.js';
import { field, form_messages, request_form, read_control, section, table, format_time, confirm_dialog } from '../ui.js';

export const LIMITS = [
  ['deposit_day', 'Deposit per day', 'money'],
  ['deposit_week', 'Deposit per week', 'money'],
  ['deposit_month', 'Deposit per month', 'money'],
  ['wager_day', 'Wager per day', 'money'],
  ['wager_week', 'Wager per week', 'money'],
  ['wager_month', 'Wager per month', 'money'],
  ['loss_day', 'Loss per day', 'money'],
  ['loss_week', 'Loss per week', 'money'],
  ['loss_month', 'Loss per month', 'money'],
  ['reality_check_minutes', 'Reality check every', 'minutes'],
  ['session_minutes', 'Session length', 'minutes'],
];

const BREAKS_H = [[24, '24 hours'], [48, '2 days'], [72, '3 days'], [168, '1 week'], [336, '2 weeks'], [672, '4 weeks'], [1008, '6 weeks']];
const EXCLUSIONS_D = [[183, '6 months'], [365, '1 year'], [730, '2 years'], [1825, '5 years'], [0, 'For good']];

export function mount(ctx, root) {
  const currency = ctx.store.state.session.currency;
  const table_box = h('div', null, h('p', { class: 'loading' }, 'Loading your limits…'));
  const list_msg = form_messages();

  root.append(
    h('h1', null, 'Responsible gaming'),
    h('p', { class: 'lede' }, 'Limits protect your budget and your time. A stricter limit holds at once; a looser one, or removing one, waits 24 hours.'),
    h('div', { class: 'two-col' },
      section('Set a limit', limit_form(ctx, currency)),
      section('Your limits', ...list_msg.nodes, table_box)),
    section('Take a break', break_form(ctx)),
    section('Self-exclusion', exclusion_form(ctx)));

  async function load() {
    try {
      ctx.store.set({ limits: await ctx.session.request('limits') });
    } catch (e) {
      list_msg.error(e);
    }
  }

  function draw() {
    const reply = ctx.store.state.limits;
    if (!reply) return;
    const rows = LIMITS.filter(([name]) => reply.limits[name]).map(([name, label, unit]) => {
      const l = reply.limits[name];
      const show = (v) => (v === null || v === undefined ? 'No limit' : unit === 'money' ? format_minor(v, reply.currency) : `${v} min`);
      const pending = l.pending_from_us
        ? (l.pending_from_us / 1000 <= ctx.session.server_now_ms()
          ? `${show(l.pending)} (in force since ${format_time(l.pending_from_us)})`
          : `${show(l.pending)} from ${format_time(l.pending_from_us)}`)
        : '—';
      return [label, show(l.amount), pending];
    });
    clear(table_box).append(table('Your limits', ['Limit', 'Now', 'Change waiting'], rows,
      { empty: 'You have set no limits.', hide_caption: true }));
  }

  const off = [ctx.on_ready(load), ctx.store.subscribe(['limits'], draw)];
  return () => off.forEach((f) => f());
}

function limit_form(ctx, currency) {
  const which = h('select', { name: 'limit' }, LIMITS.map(([name, label]) => h('option', { value: name }, label)));
  const amount = h('input', { name: 'amount', inputMode: 'decimal', autocomplete: 'off' });
  const none = h('input', { type: 'checkbox', name: 'none', id: 'limit-none' });
  const amount_field = field(`Amount (${currency})`, amount);
  const amount_label = amount_field.querySelector('label');
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Save limit');
  const msg = form_messages();
  const unit_of = () => LIMITS.find(([n]) => n === which.value)[2];
  const sync = () => {
    amount_label.textContent = unit_of() === 'money' ? `Amount (${currency})` : 'Minutes';
    amount.disabled = none.checked;
  };
  which.addEventListener('change', sync);
  none.addEventListener('change', sync);

  const time_note = h('p', { class: 'hint' },
    'A reality check shows how long you have played and your net result at the interval you choose; the session length logs you out after that many minutes. Both apply from your next login.');

  return request_form(msg, submit, {
    read: () => {
      const fields = { limit: which.value };
      if (!none.checked) fields.amount = read_control(amount, (text) => parse_limit_amount(text, unit_of() === 'minutes', currency));
      return fields;
    },
    send: async (fields) => {
      const reply = await ctx.session.request('set_limit', fields);
      ctx.store.set({ limits: reply });
      const l = reply.limits[fields.limit];
      const label = LIMITS.find(([n]) => n === fields.limit)[1];
      msg.ok(l && l.pending_from_us && l.pending_from_us / 1000 > ctx.session.server_now_ms()
        ? `${label}: the change waits until ${format_time(l.pending_from_us)}.`
        : `${label}: saved, in force now.`);
    },
  },
  field('Limit', which),
  amount_field,
  h('div', { class: 'check' }, none, h('label', { for: none.id }, 'No limit (remove it)')),
  time_note);
}

function break_form(ctx) {
  return leave_form(ctx, {
    select: choice('hours', BREAKS_H),
    submit_label: 'Take a break',
    intro: 'Pause your account for a while. You are logged out at once.',
    field_label: 'Length of the break',
    ask: (hours, label) => ({
      title: `Take a break for ${label}?`,
      body: ['You will be logged out at once and cannot log in, play or withdraw until the break ends. Nothing can shorten it.'],
      confirm_label: `Yes, pause my account for ${label}`, danger: true,
    }),
    request: (hours) => ['cool_off', { hours }],
    farewell: (hours, label) => `Your account is paused for ${label}. Take care; you can log in again when the break is over.`,
  });
}

function exclusion_form(ctx) {
  return leave_form(ctx, {
    select: choice('days', EXCLUSIONS_D),
    submit_label: 'Exclude me',
    intro: 'Close your account to gambling for at least 6 months, or for good.',
    field_label: 'Exclude me for',
    // Zero days is for good: the request then names no length.
    ask: (d, label) => ({
      title: d ? `Exclude yourself for ${label}?` : 'Exclude yourself for good?',
      body: [
        d ? `You will not be able to log in for ${label}.` : 'You will never be able to log in to this account again.',
        'Nobody, not even our support, can undo a self-exclusion. You are logged out at once. If gambling is causing you harm, please also seek support from a help organisation.',
      ],
      confirm_label: 'Yes, exclude me', danger: true,
    }),
    request: (d) => ['self_exclude', d ? { days: d } : {}],
    farewell: (d, label) => (d
      ? `You have excluded yourself for ${label}. Take care.`
      : 'You have excluded yourself for good. Take care.'),
  });
}

// A select of [value, label] lengths.
function choice(name, options) {
  return h('select', { name }, options.map(([v, label]) => h('option', { value: v }, label)));
}

// A break and a self-exclusion work alike: choose a length, confirm it in a
// dialog (neither can be undone), send, and the session ends with a farewell.
// `ask`, `request` and `farewell` get the chosen length and its label.
function leave_form(ctx, { select, submit_label, intro, field_label, ask, request, farewell }) {
  const submit = h('button', { type: 'submit', class: 'danger' }, submit_label);
  const msg = form_messages();
  return request_form(msg, submit, {
    read: () => [Number(select.value), select.selectedOptions[0].textContent],
    send: async ([length, label]) => {
      if (!(await confirm_dialog(ask(length, label)))) return;
      await ctx.session.request(...request(length));
      ctx.session.ended_by_server(farewell(length, label));
    },
  },
  h('p', null, intro),
  field(field_label, select));
}
