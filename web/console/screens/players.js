// Players: find a player by id or username, see the latest registrations, and
// create an account (support).
//
// An id or an exact username (GET /v1/players?username=) opens the player. Part of a
// username is looked for in the event log: its `activity.registered` events carry
// each account's username (docs/events.md). The log is read backwards from its
// head, at most scan_events_max events, so such a search costs a bounded number of
// calls and finds recent accounts first; the latest registrations come from there
// too.

import { h, clear } from '/common/dom.js';
import { api, metrics_text } from '../api.js';
import { can } from '../auth.js';
import { show_status } from '../errors.js';
import { time_us } from '../format.js';
import { parse_metrics, value } from '../prom.js';
import { go } from '../router.js';
import { busy, field, fill, form, link, page, panel, table } from '../ui.js';

const page_events = 1000; // the most GET /v1/events returns at once
const scan_events_max = 20_000; // a search reads at most this much of the log
const recent_max = 25;
const matches_max = 50;

// The registrations in the log, newest first, until `enough` says stop or the scan
// bound is reached. Resolves {found, scanned, complete}.
async function scan_registrations(keep, enough, signal) {
  const head = value(parse_metrics(await metrics_text(signal)), 'agg_chain_head_gseq') || 0;
  const found = [];
  let upper = head;
  while (upper > 0 && head - upper < scan_events_max && !enough(found)) {
    const after = Math.max(0, upper - page_events);
    const res = await api('GET', '/v1/events', { query: { after, limit: page_events }, signal });
    const regs = res.events.filter((e) => e.type === 'activity.registered' && e.id <= upper && keep(e));
    found.push(...regs.reverse());
    upper = after;
  }
  return { found, scanned: head - upper, complete: upper === 0 };
}

function registrations_table(caption, events) {
  return table({
    caption,
    columns: [
      { label: 'Player', cell: (e) => link(`#/players/${e.player_id}`, `#${e.player_id}`), row_header: true },
      { label: 'Username', cell: (e) => link(`#/players/${e.player_id}`, e.detail.username) },
      { label: 'Currency', cell: (e) => e.detail.currency },
      { label: 'Country', cell: (e) => e.detail.country || '—' },
      { label: 'Registered', cell: (e) => time_us(e.at_us) },
      { label: 'From', cell: (e) => e.address || '—' },
      { label: 'Device', cell: (e) => (e.device && e.device.id) || '—' },
    ],
    rows: events,
    empty: 'No registration found.',
  });
}

function search_form(results, signal) {
  const q = h('input', { type: 'search', required: true, autocomplete: 'off', maxLength: 64, placeholder: 'e.g. 42 or alice' });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Find');
  return form(async () => {
    const text = q.value.trim();
    if (/^\d+$/.test(text)) {
      go(`/players/${text}`);
      return;
    }
    const exact = await busy(submit, 'Search', () => api('GET', '/v1/players', { query: { username: text }, signal }));
    if (exact && exact.players.length === 1) {
      go(`/players/${exact.players[0].player_id}`);
      return;
    }
    const needle = text.toLowerCase();
    clear(results).append(h('p', { class: 'muted loading' }, 'Searching the event log…'));
    const res = await busy(submit, 'Search', () => scan_registrations(
      (e) => String(e.detail.username || '').toLowerCase().includes(needle),
      (found) => found.length >= matches_max,
      signal));
    if (!res) {
      clear(results);
      return;
    }
    const note = res.complete ? `the whole log (${res.scanned} events)` : `the latest ${res.scanned} events of the log`;
    show_status(`${res.found.length} player${res.found.length === 1 ? '' : 's'} found in ${note}.`);
    clear(results).append(
      registrations_table(`Players whose username contains “${text}”`, res.found),
      h('p', { class: 'muted' }, `Searched ${note}.`));
  },
  h('div', { class: 'inline-fields' },
    field('Player id or username', q, 'An id or a whole username opens the player; part of a username is looked up among registrations.'),
    submit));
}

function create_form() {
  const username = h('input', { required: true, minLength: 3, maxLength: 32, pattern: '[A-Za-z0-9._\\-]{3,32}', autocomplete: 'off' });
  const password = h('input', { type: 'password', required: true, minLength: 8, maxLength: 128, autocomplete: 'new-password' });
  const currency = h('input', { required: true, value: 'EUR', pattern: '[A-Z0-9]{3,8}', maxLength: 8 });
  const email = h('input', { type: 'email', maxLength: 254 });
  const country = h('input', { pattern: '[A-Z]{2}', maxLength: 2, placeholder: 'DE' });
  const submit = h('button', { type: 'submit' }, 'Create player');
  return form(async () => {
    const body = { username: username.value.trim(), password: password.value, currency: currency.value.trim() };
    if (email.value.trim()) body.email = email.value.trim();
    if (country.value.trim()) body.country = country.value.trim();
    const acc = await busy(submit, 'Creating the player', () => api('POST', '/v1/players', { body }));
    if (acc) {
      show_status(`Player ${acc.player_id} (${acc.username}) created.`);
      go(`/players/${acc.player_id}`);
    }
  },
  h('div', { class: 'grid-fields' },
    field('Username', username), field('Password', password), field('Currency', currency),
    field('Email (optional)', email), field('Country (optional)', country)),
  h('div', { class: 'actions' }, submit));
}

export function players_screen(_params, { signal }) {
  const results = h('div'); // the count of matches is announced by show_status
  const recent = h('div', null, h('p', { class: 'muted loading' }, 'Reading the latest registrations…'));
  fill(recent, 'Reading the latest registrations', async () => {
    const res = await scan_registrations(() => true, (found) => found.length >= recent_max, signal);
    return registrations_table('Latest registrations, newest first', res.found.slice(0, recent_max));
  });
  return page('Players',
    panel('Find a player', search_form(results, signal), results),
    can('player.create') && panel('Create a player', create_form()),
    panel('Latest registrations', recent));
}
