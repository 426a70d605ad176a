// The lobby: every game of the catalog (`games`) with its limits and whether it can
// be played now. Built-in style games open the play screen; seamless-wallet games
// (`start: "launch"`) are opened with `launch` at the studio's URL.

import { h, clear } from '/common/dom.js';
import { format_minor } from '/common/money.js';
import { form_messages, busy } from '../ui.js';

export function mount(ctx, root) {
  const list = h('div', { class: 'game-grid' }, h('p', { class: 'loading' }, 'Loading games…'));
  const msg = form_messages();
  const welcome = h('p', { class: 'lede' });
  root.append(
    h('h1', null, 'Lobby'),
    welcome,
    ...msg.nodes,
    h('section', { 'aria-label': 'Games' }, list));

  function draw_welcome() {
    const b = ctx.store.state.balance;
    const s = ctx.store.state.session;
    clear(welcome);
    if (!s) return;
    welcome.append(`Hello ${s.username}. `);
    if (b && b.cash === 0 && !b.bonus) {
      welcome.append('Your balance is empty: ', h('a', { href: '#/cashier' }, 'make a deposit'), ' to start playing.');
    } else {
      welcome.append('Pick a game.');
    }
  }

  function draw() {
    const games = ctx.store.state.games;
    if (!games) return;
    clear(list);
    if (games.length === 0) {
      list.append(h('p', { class: 'empty' }, 'No games are available right now.'));
      return;
    }
    const currency = ctx.store.state.session ? ctx.store.state.session.currency : '';
    for (const g of games) list.append(game_card(ctx, g, currency, msg));
  }

  const off = [
    ctx.store.subscribe(['games'], (s) => (s.games ? draw() : load())),
    ctx.store.subscribe(['balance', 'session'], draw_welcome),
  ];
  async function load() {
    try {
      await ctx.load_games();
      draw();
    } catch (e) {
      clear(list);
      msg.error(e);
    }
  }
  draw_welcome();
  load();
  return () => off.forEach((f) => f());
}

function game_card(ctx, g, currency, msg) {
  const accepts = g.currencies.length === 0 || g.currencies.includes(currency);
  const rtp = g.rtp_ppm > 0 ? `${(g.rtp_ppm / 10000).toFixed(2)} %` : 'not stated';
  const status = !accepts ? 'Not offered in your currency'
    : g.available ? 'Available' : 'Temporarily unavailable';
  let action;
  if (!accepts) {
    action = null;
  } else if (g.start === 'launch') {
    const out = h('p', { class: 'launch-link' });
    const button = h('button', {
      type: 'button', class: 'primary',
      onclick: () => busy(button, async () => {
        try {
          const r = await ctx.session.request('launch', { vendor: g.vendor, game: g.game });
          clear(out).append(h('a', { href: r.url, target: '_blank', rel: 'noopener' }, `Go to ${g.name} (opens a new window)`));
        } catch (e) {
          msg.error(e);
        }
      }),
    }, `Open ${g.name}`);
    action = [button, out];
  } else {
    action = h('a', {
      class: 'button primary', href: `#/play/${encodeURIComponent(g.vendor)}/${encodeURIComponent(g.game)}`,
    }, `Play ${g.name}`);
  }
  return h('article', { class: ['game-card', `game-${g.category}`, !g.available && 'unavailable'] },
    h('div', { class: 'game-art', 'aria-hidden': 'true' }, art_for(g.category)),
    h('h2', null, g.name),
    h('dl', { class: 'facts' },
      h('dt', null, 'Type'), h('dd', null, g.category),
      h('dt', null, 'Return to player'), h('dd', null, rtp),
      h('dt', null, 'Stakes'), h('dd', null, `${format_minor(g.stake_min, currency)} to ${format_minor(g.stake_max, currency)}`),
      h('dt', null, 'Status'), h('dd', null, status)),
    action);
}

function art_for(category) {
  if (category === 'slots') return '7 7 7';
  if (category === 'dice') return '⚂';
  return '★';
}
