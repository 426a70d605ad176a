// Text for times, numbers and money, the same on every screen.
//
// Times are shown in UTC: reconciliation days, limits' periods and the server's
// logs are all UTC (docs/responsible_gaming.md, "Periods"), and an operator
// comparing them should not convert time zones in their head.

import { format_minor } from '/common/money.js';

export function money(amount, currency) {
  if (amount === null || amount === undefined) return '—';
  return format_minor(amount, currency || '');
}

// Microseconds since the epoch -> "2024-06-13 08:30:12Z". The API's times fit a
// Number exactly (below 2^53), so no precision is lost.
export function time_us(us) {
  if (!us) return '—';
  const d = new Date(Math.floor(us / 1000));
  if (Number.isNaN(d.getTime())) return String(us);
  return d.toISOString().slice(0, 19).replace('T', ' ') + 'Z';
}

// "3 min ago" style, for the queue: how long a withdrawal has waited matters.
export function age_us(us, now_ms = Date.now()) {
  if (!us) return '';
  const s = Math.max(0, Math.round((now_ms - us / 1000) / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86400)} d`;
}

export function num(n, digits = 0) {
  if (n === null || n === undefined || Number.isNaN(n)) return '—';
  return Number(n).toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

// Seconds -> "1.2 ms" / "340 µs" / "2.1 s", for latencies.
export function duration_s(s) {
  if (s === null || s === undefined || Number.isNaN(s)) return '—';
  if (!Number.isFinite(s)) return '> max bucket';
  if (s < 0.001) return `${num(s * 1e6, 0)} µs`;
  if (s < 1) return `${num(s * 1e3, s < 0.01 ? 2 : 1)} ms`;
  return `${num(s, 2)} s`;
}

export function percent(x, digits = 1) {
  if (x === null || x === undefined || Number.isNaN(x)) return '—';
  return `${num(x * 100, digits)}%`;
}

// Today as YYYY-MM-DD in UTC (the reconciliation's day).
export function utc_day(date = new Date()) {
  return date.toISOString().slice(0, 10);
}

export function add_days(day, n) {
  const d = new Date(day + 'T00:00:00Z');
  d.setUTCDate(d.getUTCDate() + n);
  return utc_day(d);
}

// Labels of limit names and other codes: "wager_day" -> "wager day".
export function words(code) {
  return String(code || '').replace(/_/g, ' ');
}
