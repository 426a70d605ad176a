// Wires the app: the connection, the store, the session, the pushes, the page's
// header (balance, menu, logout) and the router that mounts one screen at a time.
// Screens live in screens/; each exports mount(ctx, root, params) -> cleanup.

import { h, clear } from '/common/dom.js';
import { format_minor } from '/common/money.js';
import { Connection, default_url } from './connection.js';
import { create_store, initial_state } from './store.js';
import { create_session } from './session.js';
import { create_wallet, install_pushes } from './pushes.js';
import { announce, show_alert, clear_alert, format_duration_s, uid } from './ui.js';
import { message_for } from './errors.js';
import * as auth_screen from './screens/auth.js';
import * as lobby_screen from './screens/lobby.js';
import * as play_screen from './screens/play.js';
import * as history_screen from './screens/history.js';
import * as cashier_screen from './screens/cashier.js';
import * as bonuses_screen from './screens/bonuses.js';
import * as fairness_screen from './screens/fairness.js';
import * as limits_screen from './screens/limits.js';
import * as account_screen from './screens/account.js';

// Route name -> [screen, title, shown in the menu]. `play` takes vendor and game.
const ROUTES = {
  lobby: [lobby_screen, 'Lobby', true],
  play: [play_screen, 'Play', false],
  history: [history_screen, 'History', true],
  cashier: [cashier_screen, 'Cashier', true],
  bonuses: [bonuses_screen, 'Bonuses', true],
  fairness: [fairness_screen, 'Fairness', true],
  limits: [limits_screen, 'Responsible gaming', true],
  account: [account_screen, 'Account', true],
};

const store = create_store(initial_state());
const conn = new Connection(default_url());
let screen_cleanup = null;
let pending_login_message = '';

const session = create_session({
  conn,
  store,
  on_ended(text) {
    pending_login_message = text;
    navigate('login');
  },
});
const wallet = create_wallet({ session, store });

const ctx = {
  store,
  session,
  wallet,
  conn,
  navigate,
  // The catalog is public and changes rarely: read once per connection.
  async load_games() {
    if (!store.state.games) store.set({ games: (await conn.request('games')).games });
    return store.state.games;
  },
  // Runs `fn` now if logged in, and again after every resume (a reconnect): screens
  // load their data through it so that what they show is fresh after a drop.
  on_ready(fn) {
    if (store.state.auth === 'ready') fn();
    return store.subscribe(['auth'], (s) => {
      if (s.auth === 'ready') fn();
    });
  },
  take_login_message() {
    const m = pending_login_message;
    pending_login_message = '';
    return m;
  },
};

install_pushes({
  conn,
  store,
  wallet,
  on_reality_check: show_reality_check,
  on_session_limit() {
    session.ended_by_server('Your session time limit has been reached, so you were logged out. You can log in again when you are ready.');
  },
});

function navigate(route) {
  const target = `#/${route}`;
  if (location.hash === target) render_route();
  else location.hash = target;
}

function parse_hash() {
  const [path, query = ''] = location.hash.replace(/^#\/?/, '').split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  return { name: parts[0] || '', args: parts.slice(1), query: new URLSearchParams(query) };
}

// Mounts the screen the hash names. Logged-out players only see the login screen;
// while a resume is under way the current screen waits for it.
function render_route() {
  const { name, args, query } = parse_hash();
  const auth = store.state.auth;
  const root = document.getElementById('main');
  let screen;
  let title;
  if (auth === 'anonymous') {
    if (name !== 'login') {
      if (name) sessionStorage.setItem('agg.after_login', location.hash);
      history.replaceState(null, '', '#/login');
    }
    screen = auth_screen;
    title = 'Log in';
  } else if (auth === 'resuming' && !store.state.session) {
    mount_waiting(root);
    return;
  } else if (name === 'login' || !ROUTES[name]) {
    history.replaceState(null, '', '#/lobby');
    [screen, title] = ROUTES.lobby;
  } else {
    [screen, title] = ROUTES[name];
  }
  if (screen_cleanup) screen_cleanup();
  showing_waiting = false;
  clear(root);
  const cleanup = screen.mount(ctx, root, { args, query });
  screen_cleanup = typeof cleanup === 'function' ? cleanup : null;
  document.title = `${title} · Five Sevens Casino`;
  update_nav();
  // Focus the new screen's heading so that keyboard and screen-reader users start
  // at the top of what changed (skipped on the first load, where focus is natural).
  const heading = root.querySelector('h1');
  if (heading && rendered_once) {
    heading.tabIndex = -1;
    heading.focus({ preventScroll: false });
  }
  rendered_once = true;
}
let rendered_once = false;
let showing_waiting = false;

function mount_waiting(root) {
  if (screen_cleanup) screen_cleanup();
  screen_cleanup = null;
  showing_waiting = true;
  clear(root);
  root.append(h('p', { class: 'loading', role: 'status' }, 'Reconnecting to your session…'));
}

// --- The header ----------------------------------------------------------------

const menu_id = uid('menu');

function update_nav() {
  const nav = document.getElementById('nav');
  const actions = document.getElementById('account-actions');
  const logged_in = store.state.auth !== 'anonymous' && store.state.session;
  nav.hidden = !logged_in;
  clear(nav);
  clear(actions);
  if (!logged_in) return;
  const { name } = parse_hash();
  const toggle = h('button', {
    type: 'button', class: 'menu-toggle secondary', 'aria-expanded': 'false', 'aria-controls': menu_id,
    onclick: () => {
      const open = toggle.getAttribute('aria-expanded') !== 'true';
      toggle.setAttribute('aria-expanded', String(open));
      list.classList.toggle('open', open);
    },
  }, 'Menu');
  const list = h('ul', { id: menu_id },
    Object.entries(ROUTES).filter(([, r]) => r[2]).map(([route, [, label]]) =>
      h('li', null, h('a', {
        href: `#/${route}`,
        'aria-current': route === name || (route === 'lobby' && name === 'play') ? 'page' : null,
      }, label))));
  nav.append(toggle, list);
  actions.append(
    h('span', { class: 'username' }, store.state.session.username),
    h('button', { type: 'button', class: 'secondary', onclick: logout }, 'Log out'));
}

async function logout() {
  try {
    await session.logout();
  } catch {
    // The session is forgotten locally whatever the server said.
  }
  pending_login_message = 'You have logged out.';
  navigate('login');
}

// The header's balance: cash and bonus apart. The visible figures update at once;
// the screen reader hears the newest balance once a burst of changes settles.
let balance_announce_timer = null;
function render_balance() {
  const box = document.getElementById('balance');
  const b = store.state.balance;
  box.hidden = !b || store.state.auth === 'anonymous';
  clear(box);
  if (!b) return;
  const fmt = (v) => (v === null || v === undefined ? '…' : format_minor(v, b.currency));
  box.append(
    h('div', { class: 'balance-item' }, h('span', { class: 'balance-label' }, 'Cash'),
      h('strong', { id: 'balance-cash', 'data-minor': b.cash ?? '' }, fmt(b.cash))),
    h('div', { class: 'balance-item' }, h('span', { class: 'balance-label' }, 'Bonus'),
      h('strong', { id: 'balance-bonus', 'data-minor': b.bonus ?? '' }, fmt(b.bonus))));
  box.setAttribute('aria-label', 'Balance');
  box.setAttribute('role', 'group');
  clearTimeout(balance_announce_timer);
  balance_announce_timer = setTimeout(() => {
    if (b.cash !== null) announce(`Balance: ${fmt(b.cash)} cash, ${fmt(b.bonus ?? 0)} bonus.`);
  }, 1200);
}

// --- The connection banner -------------------------------------------------------

let banner_timer = null;
function render_banner() {
  const banner = document.getElementById('connection-banner');
  clearInterval(banner_timer);
  clear(banner);
  const state = store.state.connection;
  if (state === 'waiting') {
    const text = h('span');
    const tick = () => {
      text.textContent = `Connection lost. Reconnecting in ${Math.ceil(conn.retry_in_ms() / 1000)} s…`;
    };
    tick();
    banner_timer = setInterval(tick, 1000);
    banner.append(h('div', { class: 'banner-box' }, text,
      h('button', { type: 'button', class: 'secondary', onclick: () => conn.reconnect_now() }, 'Reconnect now')));
  } else if (state === 'connecting' && rendered_once) {
    banner.append(h('div', { class: 'banner-box' }, 'Connecting…'));
  }
}

// --- Responsible gaming pushes ---------------------------------------------------

function show_reality_check(p) {
  const currency = store.state.balance ? store.state.balance.currency : '';
  const title_id = uid('rc');
  const net_text = p.net >= 0 ? `You are up ${format_minor(p.net, currency)}.` : `You are down ${format_minor(-p.net, currency)}.`;
  const dialog = h('dialog', { class: 'dialog', 'aria-labelledby': title_id },
    h('form', { method: 'dialog' },
      h('h2', { id: title_id }, 'Reality check'),
      h('p', null, `You have been playing for ${format_duration_s(p.elapsed_s)} since you logged in.`),
      h('dl', { class: 'facts' },
        h('dt', null, 'Staked'), h('dd', null, format_minor(p.stakes, currency)),
        h('dt', null, 'Won back'), h('dd', null, format_minor(p.wins, currency)),
        h('dt', null, 'Net result'), h('dd', null, format_minor(p.net, currency))),
      h('p', null, net_text),
      h('div', { class: 'actions' },
        h('button', { type: 'submit', value: 'history', class: 'secondary' }, 'See my history'),
        h('button', { type: 'submit', value: 'logout', class: 'secondary' }, 'Log out'),
        h('button', { type: 'submit', value: 'continue', class: 'primary' }, 'Keep playing'))));
  dialog.addEventListener('close', () => {
    dialog.remove();
    if (dialog.returnValue === 'logout') logout();
    else if (dialog.returnValue === 'history') navigate('history');
  });
  document.body.append(dialog);
  dialog.showModal();
}

// --- Start -----------------------------------------------------------------------

store.subscribe(['balance', 'auth'], render_balance);
store.subscribe(['connection'], render_banner);
store.subscribe(['auth'], (state) => {
  if (state.auth === 'ready') {
    clear_alert();
    const after = sessionStorage.getItem('agg.after_login');
    if (parse_hash().name === 'login' || !parse_hash().name) {
      sessionStorage.removeItem('agg.after_login');
      location.hash = after && !after.startsWith('#/login') ? after : '#/lobby';
    } else if (showing_waiting) {
      render_route();
    } else {
      update_nav(); // A resume after a reconnect keeps the screen as it is.
    }
    return;
  }
  if (state.auth === 'resuming' && state.session) update_nav();
  else render_route();
});
store.subscribe(['session'], update_nav);
store.subscribe(['connection_error'], (state) => {
  if (state.connection_error) show_alert(message_for(state.connection_error));
});
store.subscribe(['connection'], (state) => {
  // The catalog's availability may have changed while we were away.
  if (state.connection === 'open') store.set({ games: null });
});
window.addEventListener('hashchange', render_route);

if (!session.has_saved()) store.set({ auth: 'anonymous' });
else store.set({ auth: 'resuming' });
render_route();
conn.connect();
