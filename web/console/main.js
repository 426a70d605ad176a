// Wires the console: sign-in, the navigation the role may see, and the screens by
// route. Nothing else lives here.

import { h, clear } from '/common/dom.js';
import { metrics_text, set_unauthorized_handler } from './api.js';
import { operator, resume, sign_in, sign_out, can } from './auth.js';
import { show_error, show_status, clear_notices } from './errors.js';
import { route, start, stop, path } from './router.js';
import { field, form } from './ui.js';
import { has, parse_metrics } from './prom.js';
import { overview_screen } from './screens/overview.js';
import { players_screen } from './screens/players.js';
import { player_screen } from './screens/player.js';
import { withdrawals_screen } from './screens/withdrawals.js';
import { cases_screen, case_screen } from './screens/risk.js';
import { addresses_screen } from './screens/addresses.js';
import { campaigns_screen } from './screens/bonus.js';
import { reconciliation_screen } from './screens/reconciliation.js';
import { audit_screen } from './screens/audit.js';
import { cluster_screen } from './screens/cluster.js';

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const who = document.getElementById('who');

route('/overview', overview_screen);
route('/players', players_screen);
route('/players/:id', player_screen);
route('/players/:id/:tab', player_screen);
route('/withdrawals', withdrawals_screen);
route('/risk', cases_screen);
route('/risk/cases/:id', case_screen);
route('/risk/addresses', addresses_screen);
route('/bonus', campaigns_screen);
route('/reconciliation', reconciliation_screen);
route('/audit', audit_screen);
route('/cluster', cluster_screen);

// [path, text, shown?]. Only what the role can use is listed: a read_only key does
// not see the audit log (admin) in the menu at all.
function nav_items(cluster) {
  return [
    ['/overview', 'Overview', true],
    ['/players', 'Players', true],
    ['/withdrawals', 'Withdrawals', true],
    ['/risk', 'Risk cases', true],
    ['/risk/addresses', 'Address rules', true],
    ['/bonus', 'Bonus campaigns', true],
    ['/reconciliation', 'Reconciliation', true],
    ['/audit', 'Audit log', can('audit.read')],
    ['/cluster', 'Cluster', cluster],
  ].filter((i) => i[2]);
}

function render_nav(cluster) {
  clear(nav).append(h('ul', null, nav_items(cluster).map(([p, text]) =>
    h('li', null, h('a', { href: '#' + p, 'data-path': p }, text)))));
  nav.hidden = false;
}

// Marks the menu entry of the screen shown (the longest prefix wins: a player's
// page is under Players).
function mark_nav(p) {
  let best = null;
  for (const a of nav.querySelectorAll('a')) {
    const ap = a.dataset.path;
    a.removeAttribute('aria-current');
    if ((p === ap || p.startsWith(ap + '/')) && (!best || ap.length > best.dataset.path.length)) best = a;
  }
  if (best) best.setAttribute('aria-current', 'page');
}

let last_path = '';
function after_render(p) {
  mark_nav(p);
  // A new screen: its title gets focus, which tells screen-reader users where they
  // landed. Between sections of one page (a player's tabs) the chosen tab keeps
  // it; a redraw of the same screen leaves focus alone.
  const base = (x) => x.split('/').slice(0, 3).join('/');
  const tab = main.querySelector('.tabs [aria-current="page"]');
  if (p !== last_path && tab && base(p) === base(last_path)) tab.focus();
  else if (p !== last_path) {
    const title = main.querySelector('.page-title');
    if (title) title.focus();
  }
  last_path = p;
}

function render_who() {
  const me = operator();
  clear(who);
  if (!me) return;
  who.append(
    h('span', { class: 'who-name' }, me.name),
    h('span', { class: `role role-${me.role}`, title: 'Your role' }, me.role.replace('_', ' ')),
    h('button', { type: 'button', class: 'link-button', onclick: sign_out_now }, 'Sign out'));
}

// In a clustered node set /metrics carries the cluster's series; only then is the
// Cluster screen offered (elsewhere GET /v1/cluster is a 404).
async function is_cluster() {
  try {
    const m = parse_metrics(await metrics_text());
    return has(m, 'agg_cluster_peer_up') || has(m, 'agg_cluster_node_set_mismatch');
  } catch {
    return false;
  }
}

async function enter() {
  render_who();
  render_nav(await is_cluster());
  // replaceState, not location.replace: no hashchange to render the screen twice.
  if (!location.hash || path() === '/') history.replaceState(null, '', '#/overview');
  await start(main, after_render);
}

function sign_out_now(message) {
  stop();
  sign_out();
  render_who();
  nav.hidden = true;
  clear(nav);
  last_path = '';
  history.replaceState(null, '', location.pathname);
  clear_notices();
  sign_in_screen();
  if (typeof message === 'string') show_status(message);
  else show_status('Signed out.');
}

function sign_in_screen() {
  const key = h('input', { type: 'password', autocomplete: 'off', spellcheck: false, required: true, minLength: 16 });
  const error = h('p', { class: 'inline-error', hidden: true });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Sign in');
  const f = form(async () => {
    submit.disabled = true;
    error.hidden = true;
    try {
      await sign_in(key.value.trim());
      clear_notices();
      await enter();
    } catch (e) {
      error.textContent = show_error(e, 'Sign-in failed');
      error.hidden = false;
      key.focus();
    } finally {
      submit.disabled = false;
    }
  },
  field('API key', key, 'The key is kept for this browser tab only and forgotten when it closes.'),
  error,
  h('div', { class: 'actions' }, submit));
  clear(main).append(h('section', { class: 'page sign-in' },
    h('h1', { tabindex: '-1', class: 'page-title' }, 'Sign in'),
    h('p', { class: 'muted' }, 'Paste an operator API key. What you can do depends on its role: read only, support or admin.'),
    f));
  key.focus();
}

set_unauthorized_handler(() => sign_out_now('Your API key is no longer accepted. Sign in again.'));

async function boot() {
  try {
    if (await resume()) return enter();
  } catch (e) {
    show_error(e, 'Your earlier sign-in is no longer valid');
  }
  sign_in_screen();
}

boot();
