// A player's responsible-gaming limits (docs/responsible_gaming.md): all eleven,
// set or not, with a pending loosening and when it takes effect; support can ask
// for a new amount. The server applies the rule: stricter at once, looser only
// after limit_increase_delay_h.

import { h, clear } from '/common/dom.js';
import { parse_limit_amount } from '/common/limits.js';
import { api } from '../api.js';
import { can } from '../auth.js';
import { show_error, show_status } from '../errors.js';
import { money, time_us, words } from '../format.js';
import { busy, button, confirm_dialog, table } from '../ui.js';

const is_minutes = (name) => name.endsWith('_minutes');

function amount_text(name, amount, currency) {
  if (amount === null || amount === undefined) return 'no limit';
  return is_minutes(name) ? `${amount} min` : money(amount, currency);
}

// The operator's text -> the API's amount: null (no limit), minor units, or minutes.
function parse_amount(name, text, currency) {
  return text === '' ? null : parse_limit_amount(text, is_minutes(name), currency);
}

async function ask_limit(id, name, current, currency, btn, redraw) {
  const values = await confirm_dialog({
    title: `Set the ${words(name)} limit of player ${id}`,
    summary: `Now: ${amount_text(name, current && current.amount, currency)}. A stricter limit takes effect at once; a looser one (or none) only after the delay, and is shown as pending until then.`,
    confirm_label: 'Save limit',
    fields: [{
      name: 'amount',
      label: is_minutes(name) ? 'Minutes' : `Amount (${currency})`,
      inputmode: is_minutes(name) ? 'numeric' : 'decimal',
      value: '',
      hint: 'Leave empty for no limit.',
    }],
  });
  if (!values) return;
  let amount;
  try {
    amount = parse_amount(name, values.amount, currency);
  } catch (e) {
    show_error(e, `The ${words(name)} limit`);
    return;
  }
  const res = await busy(btn, 'Setting the limit',
    () => api('PUT', `/v1/players/${id}/limits/${name}`, { body: { amount } }));
  if (res) {
    const now = res.limits[name];
    show_status(`The ${words(name)} limit is ${amount_text(name, now && now.amount, currency)}` +
      (now && now.pending_from_us ? `; ${amount_text(name, now.pending, currency)} from ${time_us(now.pending_from_us)}.` : '.'));
    redraw(res, name);
  }
}

// One limit's cell: the amount in force, a pending loosening, and (support) a button.
function limit_cell(id, name, res, redraw) {
  const limit = res.limits[name];
  const currency = res.currency;
  const b = can('player.limit') && button('Set', () => ask_limit(id, name, limit, currency, b, redraw),
    { 'aria-label': `Set the ${words(name)} limit`, 'data-limit': name, class: 'small' });
  return h('div', { class: 'limit-cell' },
    h('span', { class: limit && limit.amount !== null && limit.amount !== undefined ? 'set' : 'muted' },
      amount_text(name, limit && limit.amount, currency)),
    limit && limit.pending_from_us && h('span', { class: 'pending' },
      `${amount_text(name, limit.pending, currency)} from ${time_us(limit.pending_from_us)}`),
    b);
}

// The money limits as a grid (deposit, wager, loss by day, week, month), then the
// two time limits.
function limits_table(id, res, redraw) {
  const cell = (name) => limit_cell(id, name, res, redraw);
  const periods = ['day', 'week', 'month'];
  return [
    table({
      caption: `Money limits in ${res.currency} (pending loosenings below the amount in force)`,
      caption_hidden: true,
      columns: [
        { label: 'Limit', cell: (kind) => words(kind), row_header: true },
        ...periods.map((p) => ({ label: `Per ${p}`, cell: (kind) => cell(`${kind}_${p}`) })),
      ],
      rows: ['deposit', 'wager', 'loss'],
    }),
    table({
      caption: 'Time limits',
      caption_hidden: true,
      columns: [
        { label: 'Time limit', cell: (name) => words(name.replace('_minutes', '')), row_header: true },
        { label: 'Minutes', cell },
      ],
      rows: ['session_minutes', 'reality_check_minutes'],
    }),
  ];
}

export async function limits_view(id, signal) {
  const holder = h('div');
  const redraw = (res, focus_name) => {
    clear(holder).append(...limits_table(id, res, redraw));
    const again = focus_name && holder.querySelector(`[data-limit="${focus_name}"]`);
    if (again) again.focus();
  };
  redraw(await api('GET', `/v1/players/${id}/limits`, { signal }));
  return holder;
}
