// Bonus campaigns (docs/bonus.md, "Campaigns"): every campaign with its figures
// (grants, bonus money given, what became cash: the cost), a chart of what each
// gave and cost, pause/resume/end and a form to create one (admin).
//
// Figures carry no currency: a campaign limited to one currency shows them in it,
// any other as a plain amount (two decimals), and totals are added up per currency
// (campaigns open to several currencies apart).

import { h, clear } from '/common/dom.js';
import { parse_minor } from '/common/money.js';
import { api, is_abort } from '../api.js';
import { can } from '../auth.js';
import { show_error, show_status } from '../errors.js';
import { bar_chart } from '../charts.js';
import { money, num, time_us, words } from '../format.js';
import { busy, button, confirm_dialog, failed, field, form, loading, page, panel, select, status_badge, table } from '../ui.js';

const kinds = ['deposit_match', 'no_deposit', 'free_spins', 'cashback'];
const chart_campaigns_max = 12;

const currency_of = (c) => (c.currencies && c.currencies.length === 1 ? c.currencies[0] : '');
const fig = (c, k) => money((c.figures || {})[k] ?? 0, currency_of(c));

function terms(c) {
  switch (c.kind) {
    case 'deposit_match': return `${c.match_percent}% up to ${money(c.max_bonus, currency_of(c))}, min deposit ${money(c.min_deposit, currency_of(c))}${c.first_deposit ? ', first deposit' : ''}`;
    case 'no_deposit': return `${money(c.amount, currency_of(c))}`;
    case 'free_spins': return `${c.rounds} × ${money(c.bet, currency_of(c))} on ${c.vendor}/${c.game_id}`;
    case 'cashback': return `${c.cashback_percent}% every ${c.period_days} d, up to ${money(c.max_bonus, currency_of(c))}, as ${c.pay_as}`;
    default: return '—';
  }
}

async function change(c, action, btn, redraw) {
  if (action === 'end') {
    const ok = await confirm_dialog({
      title: `End campaign ${c.name}`,
      summary: 'An ended campaign gives nothing ever again and cannot be resumed or edited. Grants already given go on.',
      confirm_label: 'Confirm end',
      danger: true,
    });
    if (!ok) return;
  }
  const res = await busy(btn, `Campaign ${action}`, () => api('POST', `/v1/bonus/campaigns/${c.campaign_id}/${action}`));
  if (res) {
    show_status(`Campaign ${res.name} is ${res.status}.`);
    redraw(c.campaign_id);
  }
}

function row_actions(c, redraw) {
  const acts = [];
  const add = (text, action, cls) => {
    const b = button(text, () => change(c, action, b, redraw),
      { class: `small ${cls || ''}`, 'aria-label': `${text} campaign ${c.name}`, 'data-action': action });
    acts.push(b);
  };
  if (c.status === 'active') add('Pause', 'pause');
  if (c.status === 'paused') add('Resume', 'resume');
  if (c.status !== 'ended') add('End', 'end', 'danger');
  return h('span', { class: 'row-actions' }, acts);
}

const day = (us) => (us ? time_us(us).slice(0, 10) : '');

function campaigns_table(list, redraw) {
  const columns = [
    { label: 'Campaign', cell: (c) => [c.name, h('br'), h('span', { class: 'muted' }, `${words(c.kind)} · ${c.code || 'automatic'}`)], row_header: true },
    { label: 'Status', cell: (c) => status_badge(c.status) },
    { label: 'Terms', cell: terms, class: 'detail' },
    { label: 'Currencies', cell: (c) => (c.currencies.length ? c.currencies.join(', ') : 'all') },
    { label: 'Grants (active)', cell: (c) => `${num((c.figures || {}).grants)} (${num((c.figures || {}).active)})`, num: true },
    { label: 'Given', cell: (c) => fig(c, 'granted'), num: true },
    { label: 'Cost (became cash)', cell: (c) => fig(c, 'cost'), num: true },
    { label: 'Taken back', cell: (c) => money(((c.figures || {}).forfeited || 0) + ((c.figures || {}).expired || 0), currency_of(c)), num: true },
    { label: 'Wagered', cell: (c) => fig(c, 'wagered'), num: true },
    { label: 'Runs (UTC)', cell: (c) => `${day(c.starts_at_us)} – ${c.ends_at_us ? day(c.ends_at_us) : 'open'}`, class: 'nowrap' },
  ];
  if (can('campaign.write')) columns.push({ label: 'Actions', cell: (c) => row_actions(c, redraw) });
  return table({ caption: 'Bonus campaigns, newest first', caption_hidden: true, columns, rows: list, empty: 'No campaign yet.', row_attrs: (c) => ({ 'data-campaign': c.campaign_id }) });
}

// Totals of the cost by currency; campaigns open to several currencies count apart.
function totals(list) {
  const by = new Map(); // currency ('' for several) -> sums
  for (const c of list) {
    const cur = currency_of(c);
    const t = by.get(cur) || { granted: 0, cost: 0, lost: 0 };
    const f = c.figures || {};
    t.granted += f.granted || 0;
    t.cost += f.cost || 0;
    t.lost += (f.forfeited || 0) + (f.expired || 0);
    by.set(cur, t);
  }
  return table({
    caption: 'Totals by currency',
    columns: [
      { label: 'Currency', cell: ([cur]) => cur || 'several currencies', row_header: true },
      { label: 'Bonus money given', cell: ([cur, t]) => money(t.granted, cur), num: true },
      { label: 'Cost (became cash)', cell: ([cur, t]) => money(t.cost, cur), num: true },
      { label: 'Taken back (forfeited, expired)', cell: ([cur, t]) => money(t.lost, cur), num: true },
    ],
    rows: [...by.entries()],
    empty: 'No campaign yet.',
  });
}

function cost_chart(list) {
  const shown = list.slice(0, chart_campaigns_max);
  if (!shown.some((c) => (c.figures || {}).granted > 0)) {
    return h('p', { class: 'muted' }, 'No campaign has given any bonus money yet: nothing to chart.');
  }
  return h('figure', { class: 'chart-figure' }, bar_chart({
    title: 'Bonus money given and its cost, by campaign',
    desc: shown.map((c) => `${c.name}: given ${fig(c, 'granted')}, cost ${fig(c, 'cost')}`).join('; ') + '.',
    groups: shown.map((c) => ({
      label: c.name.length > 14 ? c.name.slice(0, 13) + '…' : c.name,
      bars: [
        { name: 'given', value: (c.figures || {}).granted || 0, cls: 'series-a' },
        { name: 'cost', value: (c.figures || {}).cost || 0, cls: 'series-b' },
      ],
    })),
    format: (v) => money(Math.round(v), ''),
    width: Math.max(360, 80 + shown.length * 70),
  }), h('figcaption', { class: 'muted' }, 'The newest campaigns; the table above has every figure.'));
}

// -- the create form --------------------------------------------------------------

// Each input is kept with how its text becomes the request's value.
function money_field(label, name, inputs) {
  const input = h('input', { inputMode: 'decimal', autocomplete: 'off' });
  inputs[name] = { input, as: 'money' };
  return field(label, input);
}
function number_field(label, name, inputs, attrs = {}) {
  const input = h('input', { type: 'number', step: 1, ...attrs });
  inputs[name] = { input, as: 'number' };
  return field(label, input);
}
function text_field(label, name, inputs, attrs = {}) {
  const input = h('input', attrs);
  inputs[name] = { input, as: 'text' };
  return field(label, input);
}

// The fields of each kind (docs/openapi.yaml, CampaignRequest), each kind with its
// own inputs: deposit_match and cashback both have a max_bonus.
function kind_fields() {
  const by_kind = { deposit_match: {}, no_deposit: {}, free_spins: {}, cashback: {} };
  const first = h('input', { type: 'checkbox' });
  by_kind.deposit_match.first_deposit = { input: first, as: 'bool' };
  const pay_as = select([['bonus', 'bonus money'], ['cash', 'cash']], 'bonus');
  by_kind.cashback.pay_as = { input: pay_as, as: 'text' };
  const dm = by_kind.deposit_match;
  const fs = by_kind.free_spins;
  const cb = by_kind.cashback;
  const fields = {
    deposit_match: [number_field('Match percent', 'match_percent', dm, { min: 1, max: 1000 }),
      money_field('Maximum bonus', 'max_bonus', dm), money_field('Minimum deposit', 'min_deposit', dm),
      h('label', { class: 'check' }, first, ' First deposit only')],
    no_deposit: [money_field('Amount', 'amount', by_kind.no_deposit)],
    free_spins: [text_field('Vendor', 'vendor', fs, { value: 'builtin' }), text_field('Game', 'game_id', fs, { placeholder: 'slot-5x3' }),
      number_field('Rounds', 'rounds', fs, { min: 1, max: 10000 }),
      money_field('Bet per round', 'bet', fs), money_field('Most all rounds win (0: no cap)', 'max_win', fs)],
    cashback: [number_field('Cashback percent', 'cashback_percent', cb, { min: 1, max: 100 }),
      number_field('Period (days)', 'period_days', cb, { min: 1, max: 366 }),
      money_field('Maximum per period (0: no cap)', 'max_bonus', cb), field('Paid as', pay_as)],
  };
  return { by_kind, fields };
}

function shared_fields(inputs) {
  return [
    number_field('Wagering multiplier', 'wagering_multiplier', inputs, { min: 0, max: 1000, step: 0.01, value: 0 }),
    number_field('Expires after (days, 0: never)', 'expiry_days', inputs, { min: 0, max: 3650, value: 30 }),
    money_field('Maximum stake (0: none)', 'max_stake', inputs),
    money_field('Maximum conversion (0: no cap)', 'max_conversion', inputs),
    number_field('Grants per player (0: no cap)', 'max_grants_per_player', inputs, { min: 0 }),
  ];
}

const list_of = (text) => text.split(/[\s,]+/).filter(Boolean).map((c) => c.toUpperCase());

// The form's values as a CampaignRequest; money in the first listed currency's units.
// Throws (from parse_minor) on an amount that is not one.
function request_of(common, kind, inputs) {
  const currencies = list_of(common.currencies.value);
  const body = { name: common.name.value.trim(), kind, currencies };
  const countries = list_of(common.countries.value);
  if (countries.length) body.countries = countries;
  if (common.code.value.trim()) body.code = common.code.value.trim();
  // "Ends on" a day: the campaign runs to the end of that UTC day.
  if (common.ends.value) body.ends_at_us = (Date.parse(common.ends.value + 'T00:00:00Z') + 86_400_000) * 1000;
  for (const [name, f] of Object.entries(inputs)) {
    if (f.as === 'bool') {
      body[name] = f.input.checked;
      continue;
    }
    const v = f.input.value.trim();
    if (v === '') continue;
    body[name] = f.as === 'money' ? parse_minor(v, currencies[0] || '') : f.as === 'number' ? Number(v) : v;
  }
  return body;
}

function create_form(redraw) {
  const common = {
    name: h('input', { required: true, maxLength: 100 }),
    code: h('input', { maxLength: 32, pattern: '[A-Za-z0-9_\\-]{3,32}', autocomplete: 'off' }),
    currencies: h('input', { value: 'EUR', placeholder: 'EUR, USD' }),
    countries: h('input', { placeholder: 'DE, AT' }),
    ends: h('input', { type: 'date' }),
  };
  const kind = select(kinds.map((k) => [k, words(k)]), 'no_deposit');
  const { by_kind, fields } = kind_fields();
  const shared = {};
  const shared_els = shared_fields(shared);
  const sections = Object.fromEntries(kinds.map((k) =>
    [k, h('div', { class: 'grid-fields', hidden: k !== kind.value }, fields[k])]));
  kind.addEventListener('change', () => {
    for (const [k, el] of Object.entries(sections)) el.hidden = k !== kind.value;
  });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Create campaign');
  return form(async () => {
    let body;
    try {
      body = request_of(common, kind.value, { ...shared, ...by_kind[kind.value] });
    } catch (e) {
      show_error(e, 'An amount');
      return;
    }
    const res = await busy(submit, 'Creating the campaign', () => api('POST', '/v1/bonus/campaigns', { body }));
    if (res) {
      show_status(`Campaign ${res.name} created (${res.status}).`);
      common.name.value = '';
      common.code.value = '';
      redraw(res.campaign_id);
    }
  },
  h('div', { class: 'grid-fields' },
    field('Name', common.name), field('Kind', kind), field('Code (empty: automatic)', common.code),
    field('Currencies', common.currencies, 'Comma separated; empty: every currency. Amounts are in the first one.'),
    field('Countries', common.countries, 'Empty: every country.'), field('Ends on (UTC, optional)', common.ends)),
  Object.values(sections),
  h('div', { class: 'grid-fields' }, shared_els),
  h('div', { class: 'actions' }, submit));
}

export function campaigns_screen(_params, { signal }) {
  const list_holder = h('div', null, loading());
  const totals_holder = h('div');
  const chart_holder = h('div');
  const redraw = async (focus_id) => {
    try {
      const res = await api('GET', '/v1/bonus/campaigns', { signal });
      clear(list_holder).append(campaigns_table(res.campaigns, redraw));
      clear(totals_holder).append(totals(res.campaigns));
      clear(chart_holder).append(cost_chart(res.campaigns) || '');
      const row = focus_id && list_holder.querySelector(`[data-campaign="${focus_id}"] button`);
      if (row) row.focus();
    } catch (e) {
      if (!is_abort(e)) clear(list_holder).append(failed(e, 'Reading the campaigns'));
    }
  };
  redraw();
  return page('Bonus campaigns',
    panel('Campaigns', list_holder),
    panel('Cost', totals_holder, chart_holder),
    can('campaign.write') && panel('Create a campaign', create_form(redraw)));
}
