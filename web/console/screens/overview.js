// Overview: the server's health from /metrics (rounds per second, commit latency,
// open connections, the event feed's lag) scraped every few seconds, with a
// sparkline of each, and the work waiting for operators (withdrawals in review,
// open risk cases).
//
// Rates need two scrapes: the screen keeps the last scrape and a short history for
// as long as the tab is open, so coming back to it shows the recent past at once.

import { h, clear } from '/common/dom.js';
import { api, metrics_text } from '../api.js';
import { sparkline } from '../charts.js';
import { duration_s, num, time_us } from '../format.js';
import { histogram, histogram_delta, parse_metrics, quantile, rate, series, value } from '../prom.js';
import { every, fill, link, page, panel, table, uid } from '../ui.js';

const refresh_ms = 5_000;
const first_rate_ms = 1_000; // a quick second scrape, so rates show within a second
const queue_refresh_ms = 15_000;
const samples_max = 60; // five minutes at refresh_ms
const stale_ms = 30_000; // an older previous scrape makes a misleading rate

const history = [];
let last = null;

// One point of history from two scrapes.
function sample_of(prev, cur) {
  const commits = histogram_delta(prev, cur, 'agg_commit_duration_seconds');
  const lags = series(cur, 'agg_feed_lag_events');
  return {
    at_ms: cur.at_ms,
    rounds_s: rate(prev, cur, 'agg_round_duration_seconds_count'),
    commits_s: rate(prev, cur, 'agg_commits_total'),
    http_s: rate(prev, cur, 'agg_http_requests_total'),
    commit_p50: commits.count ? quantile(0.5, commits) : null,
    commit_p99: commits.count ? quantile(0.99, commits) : null,
    connections: value(cur, 'agg_ws_connections'),
    lag_events: lags.length ? Math.max(...lags.map((s) => s.value)) : 0,
  };
}

function tile(title, big, sub, values, format) {
  const id = uid('tile');
  return h('section', { class: 'tile', 'aria-labelledby': id },
    h('h3', { id }, title),
    h('p', { class: 'big' }, big),
    h('p', { class: 'sub' }, sub),
    sparkline(values, { label: `${title}, recent trend`, format }));
}

function lag_text(cur, worst) {
  if (!worst) return 'no subscriber yet';
  if (!worst.value) return `all ${series(cur, 'agg_feed_lag_events').length} subscribers caught up`;
  const behind = value(cur, 'agg_feed_lag_seconds', { subscriber: worst.labels.subscriber });
  return `worst: ${worst.labels.subscriber}, ${duration_s(behind)} behind`;
}

function render_tiles(node, cur) {
  const latest = history[history.length - 1];
  const col = (k) => history.map((s) => s[k]);
  const all = histogram(cur, 'agg_commit_duration_seconds');
  const lag_list = series(cur, 'agg_feed_lag_events');
  const worst = lag_list.reduce((a, s) => (!a || s.value > a.value ? s : a), null);
  clear(node).append(
    tile('Rounds per second', latest.rounds_s === null ? '—' : num(latest.rounds_s, 1),
      `${num(value(cur, 'agg_round_duration_seconds_count'))} rounds since start`, col('rounds_s'), (v) => num(v, 1)),
    tile('Commit latency', latest.commit_p50 === null ? 'idle' : `p50 ${duration_s(latest.commit_p50)}`,
      latest.commit_p99 === null
        ? `since start: p99 ${duration_s(quantile(0.99, all))} over ${num(all.count)} commits`
        : `p99 ${duration_s(latest.commit_p99)}; ${num(latest.commits_s, 1)} commits/s`,
      col('commit_p99'), duration_s),
    tile('Open connections', num(latest.connections),
      `${num(value(cur, 'agg_ws_connections_total'))} accepted since start`, col('connections'), num),
    tile('Feed lag', `${num(latest.lag_events)} events`, lag_text(cur, worst), col('lag_events'), num),
    tile('Operator API requests', latest.http_s === null ? '—' : `${num(latest.http_s, 1)}/s`,
      `${num(value(cur, 'agg_http_requests_total'))} since start`, col('http_s'), (v) => num(v, 1)));
}

function render_feeds(node, cur) {
  const rows = series(cur, 'agg_feed_lag_events').map((s) => {
    const sub = s.labels.subscriber;
    return {
      sub,
      events: s.value,
      seconds: value(cur, 'agg_feed_lag_seconds', { subscriber: sub }),
      connected: value(cur, 'agg_feed_subscriber_connected', { subscriber: sub }),
    };
  });
  clear(node).append(table({
    caption: 'Event feed subscribers and their lag',
    caption_hidden: true,
    columns: [
      { label: 'Subscriber', cell: (r) => r.sub, row_header: true },
      { label: 'Lag (events)', cell: (r) => num(r.events), num: true },
      { label: 'Oldest unacknowledged', cell: (r) => duration_s(r.seconds), num: true },
      { label: 'Subscribed', cell: (r) => (r.connected ? 'yes' : 'no') },
    ],
    rows,
    empty: 'No feed subscriber yet.',
  }), h('p', { class: 'muted' }, `Feed head ${num(value(cur, 'agg_feed_head'))}; chain head ${num(value(cur, 'agg_chain_head_gseq'))}.`));
}

// Counts of what waits for a decision; a full page is shown as "N+".
async function queue_counts(signal) {
  const [w, c] = await Promise.all([
    api('GET', '/v1/withdrawals', { query: { status: 'review', limit: 500 }, signal }),
    api('GET', '/v1/risk/cases', { query: { status: 'open' }, signal }),
  ]);
  const count = (n, full) => (full ? `${n}+` : String(n));
  const count_tile = (title, n, href, text) => {
    const id = uid('tile');
    return h('section', { class: 'tile', 'aria-labelledby': id }, h('h3', { id }, title),
      h('p', { class: 'big' }, n), h('p', { class: 'sub' }, link(href, text)));
  };
  return [
    count_tile('Withdrawals in review', count(w.payments.length, w.next_before_us !== undefined), '#/withdrawals', 'Open the review queue'),
    count_tile('Open risk cases', count(c.cases.length, c.cases.length >= 100), '#/risk', 'Open the risk cases'),
  ];
}

export function overview_screen(_params, { signal }) {
  const tiles = h('div', { class: 'tiles' }, h('p', { class: 'muted' }, 'Reading /metrics…'));
  const feeds = h('div');
  const queue = h('div', { class: 'tiles' }, h('p', { class: 'muted' }, 'Counting…'));
  const stamp = h('p', { class: 'muted stamp' });
  const tick = async () => {
    const cur = parse_metrics(await metrics_text(signal));
    const prev = last && cur.at_ms - last.at_ms < stale_ms ? last : null;
    last = cur;
    history.push(sample_of(prev, cur));
    if (history.length > samples_max) history.shift();
    render_tiles(tiles, cur);
    render_feeds(feeds, cur);
    stamp.textContent = `Metrics read ${time_us(cur.at_ms * 1000)}, every ${refresh_ms / 1000} s.`;
  };
  tick().then(() => setTimeout(() => !signal.aborted && tick().catch(() => {}), first_rate_ms),
    (e) => fill(tiles, 'Reading /metrics', () => Promise.reject(e)));
  every(refresh_ms, tick, signal);
  fill(queue, 'Counting the queues', () => queue_counts(signal));
  every(queue_refresh_ms, () => fill(queue, 'Counting the queues', () => queue_counts(signal)), signal);
  return page('Overview', stamp,
    h('section', { class: 'panel', 'aria-label': 'Live metrics' }, tiles),
    panel('Waiting for operators', queue),
    panel('Event feed', feeds));
}
