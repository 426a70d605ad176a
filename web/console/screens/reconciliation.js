// A vendor's day of reconciliation (GET /v1/vendors/{vendor}/reconciliation): what
// the ledger recorded for the studio over one UTC day, to compare with its own
// statement, drawn as a chart beside the table, with the week before it and the
// rounds still open.

import { h, clear } from '/common/dom.js';
import { api, is_abort, seg } from '../api.js';
import { bar_chart, line_chart } from '../charts.js';
import { message_of } from '../errors.js';
import { add_days, money, num, time_us, utc_day } from '../format.js';
import { busy, button, failed, field, form, link, loading, page, panel, table } from '../ui.js';

const week_days = 7;
const open_limit = 200;

// What the operator chose last, kept while the tab is open.
const chosen = { vendor: 'builtin', day: '' };

function totals_table(report) {
  return table({
    caption: `Totals of ${report.vendor} on ${report.day} (UTC), by currency`,
    columns: [
      { label: 'Currency', cell: (t) => t.currency, row_header: true },
      { label: 'Bets', cell: (t) => num(t.bets.count), num: true },
      { label: 'Stakes taken', cell: (t) => money(t.bets.amount, t.currency), num: true },
      { label: 'Wins', cell: (t) => num(t.wins.count), num: true },
      { label: 'Wins paid', cell: (t) => money(t.wins.amount, t.currency), num: true },
      { label: 'Rollbacks', cell: (t) => num(t.rollbacks.count), num: true },
      { label: 'Stakes refunded', cell: (t) => money(t.rollbacks.amount, t.currency), num: true },
      { label: 'Net (players lost)', cell: (t) => money(t.net, t.currency), num: true },
    ],
    rows: report.totals,
    empty: 'The vendor moved no money that day.',
  });
}

const series_classes = ['series-a', 'series-b', 'series-c', 'series-d'];

// One group per figure (stakes, wins, refunds, net), one bar per currency in it.
function day_chart(report) {
  if (!report.totals.length) return null;
  const one = report.totals.length === 1 ? report.totals[0].currency : '';
  const figures = [['stakes', (t) => t.bets.amount], ['wins', (t) => t.wins.amount],
    ['refunds', (t) => t.rollbacks.amount], ['net', (t) => t.net]];
  return h('figure', { class: 'chart-figure' }, bar_chart({
    title: `${report.vendor} on ${report.day}: stakes, wins, refunds and net`,
    desc: report.totals.map((t) => `${t.currency}: stakes ${money(t.bets.amount, t.currency)}, wins ${money(t.wins.amount, t.currency)}, refunds ${money(t.rollbacks.amount, t.currency)}, net ${money(t.net, t.currency)}`).join('; ') + '.',
    groups: figures.map(([label, of]) => ({
      label,
      bars: report.totals.map((t, i) => ({ name: t.currency, value: of(t), cls: series_classes[i % series_classes.length] })),
    })),
    format: (v) => money(Math.round(v), one),
  }), h('figcaption', { class: 'muted' }, one ? `Amounts in ${one}.` : 'Amounts in minor units of each currency.'));
}

// The week ending on the day, for one currency: a line of the net and a table.
async function week_view(vendor, day, currency, signal) {
  const days = Array.from({ length: week_days }, (_, i) => add_days(day, i - week_days + 1));
  const reports = await Promise.all(days.map((d) =>
    api('GET', `/v1/vendors/${seg(vendor)}/reconciliation`, { query: { day: d, open_limit: 1 }, signal })));
  const rows = reports.map((r) => {
    const t = r.totals.find((x) => x.currency === currency);
    return { day: r.day, bets: t ? t.bets.amount : 0, wins: t ? t.wins.amount : 0, net: t ? t.net : 0 };
  });
  return [
    h('figure', { class: 'chart-figure' }, line_chart({
      title: `${vendor}: net per day in ${currency}, ${days[0]} to ${day}`,
      desc: rows.map((r) => `${r.day}: ${money(r.net, currency)}`).join('; ') + '.',
      points: rows.map((r) => ({ label: r.day, short: r.day.slice(5), value: r.net })),
      format: (v) => money(Math.round(v), currency),
    })),
    table({
      caption: `The week to ${day} in ${currency}`,
      columns: [
        { label: 'Day (UTC)', cell: (r) => r.day, row_header: true },
        { label: 'Stakes taken', cell: (r) => money(r.bets, currency), num: true },
        { label: 'Wins paid', cell: (r) => money(r.wins, currency), num: true },
        { label: 'Net', cell: (r) => money(r.net, currency), num: true },
      ],
      rows,
    }),
  ];
}

function open_rounds(report) {
  return table({
    caption: `Rounds still open${report.open_rounds_truncated ? ` (the first ${report.open_rounds.length}; there are more)` : ''}`,
    columns: [
      { label: 'Round', cell: (r) => r.round_id, class: 'mono', row_header: true },
      { label: 'Player', cell: (r) => link(`#/players/${r.player_id}`, `#${r.player_id}`) },
      { label: 'Game', cell: (r) => r.game },
      { label: 'Bets', cell: (r) => `${r.open_bet_count} of ${r.bet_count}`, num: true },
      { label: 'Staked', cell: (r) => money(r.bet_total, r.currency), num: true },
      { label: 'Won', cell: (r) => money(r.win_total, r.currency), num: true },
      { label: 'Refunded', cell: (r) => money(r.refund_total, r.currency), num: true },
      { label: 'Opened (UTC)', cell: (r) => time_us(r.opened_at_us), class: 'nowrap' },
    ],
    rows: report.open_rounds,
    empty: 'No round is open.',
  });
}

async function show_day(out, week, signal) {
  const report = await api('GET', `/v1/vendors/${seg(chosen.vendor)}/reconciliation`,
    { query: { day: chosen.day, open_limit }, signal });
  clear(out).append(
    h('p', { class: 'muted' }, `From ${time_us(report.from_us)} to ${time_us(report.to_us)} (excluded).`),
    totals_table(report), day_chart(report) || '', open_rounds(report));
  clear(week);
  if (report.totals.length) {
    week.append(loading());
    const currency = report.totals[0].currency;
    week_view(report.vendor, report.day, currency, signal)
      .then((nodes) => clear(week).append(...nodes))
      .catch((e) => !is_abort(e) && clear(week).append(failed(e, 'Reading the week')));
  } else {
    week.append(h('p', { class: 'muted' }, 'No money moved that day; no week to compare.'));
  }
}

export function reconciliation_screen(_params, { signal }) {
  if (!chosen.day) chosen.day = utc_day();
  const vendor = h('input', { required: true, value: chosen.vendor, pattern: '[A-Za-z0-9_.\\-]+', autocomplete: 'off' });
  const day = h('input', { type: 'date', required: true, value: chosen.day });
  const out = h('div', null, loading());
  const week = h('div');
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Show day');
  const run = () => busy(submit, 'Reading the reconciliation', async () => {
    chosen.vendor = vendor.value.trim();
    chosen.day = day.value;
    try {
      await show_day(out, week, signal);
    } catch (e) {
      // Another vendor's or day's figures must not stay on screen under this one's
      // name; busy() announces the error.
      clear(out).append(h('p', { class: 'inline-error' }, message_of(e)));
      clear(week);
      throw e;
    }
  });
  const step = (n) => {
    day.value = add_days(day.value || utc_day(), n);
    run();
  };
  run();
  return page('Reconciliation',
    form(run, h('div', { class: 'inline-fields' },
      field('Vendor', vendor), field('Day (UTC)', day), submit,
      button('Previous day', () => step(-1)), button('Next day', () => step(1)))),
    panel('The day', out),
    panel('The week before', week));
}
