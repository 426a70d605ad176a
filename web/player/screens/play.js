// Playing one game with `play`: the stake, the game's own controls and result view
// (slot_view.js, dice_view.js, or a plain one for other studios), a summary of each
// round read out to screen readers, and the rounds played on this screen.

import { h, clear, append } from '/common/dom.js';
import { format_minor, parse_minor } from '/common/money.js';
import { form_messages, on_submit, read_control, announce, field, time_el } from '../ui.js';
import { slot_view } from './slot_view.js';
import { dice_view } from './dice_view.js';

// Rounds kept in the list under the game.
const recent_rounds_max = 10;

export function mount(ctx, root, { args }) {
  const [vendor = 'builtin', game_id = ''] = args;
  root.append(h('p', { class: 'loading' }, 'Loading the game…'));
  let cleanup = () => {};
  ctx.load_games().then((games) => {
    const game = games.find((g) => g.vendor === vendor && g.game === game_id);
    clear(root);
    if (!game || game.start !== 'play') {
      root.append(h('h1', null, 'Game not found'),
        h('p', null, 'This game is not in the catalog. ', h('a', { href: '#/lobby' }, 'Back to the lobby')));
      return;
    }
    const had_focus = root.contains(document.activeElement);
    cleanup = mount_game(ctx, root, game);
    // The router focused the loading text's screen; the heading arrives only now.
    const heading = root.querySelector('h1');
    if (!had_focus && (document.activeElement === document.body || !document.activeElement)) {
      heading.tabIndex = -1;
      heading.focus();
    }
  }).catch((e) => {
    clear(root);
    const msg = form_messages();
    root.append(h('h1', null, 'Play'), ...msg.nodes);
    msg.error(e);
  });
  return () => cleanup();
}

function view_for(game) {
  if (game.category === 'dice' && game.vendor === 'builtin') return dice_view;
  if (game.game === 'slot-5x3' && game.vendor === 'builtin') return slot_view;
  return plain_view;
}

function mount_game(ctx, root, game) {
  const currency = ctx.store.state.session.currency;
  const view = view_for(game)(game, currency);
  const stake = h('input', {
    name: 'stake', inputMode: 'decimal', autocomplete: 'off', class: 'stake-input',
    value: format_minor(default_stake(game), ''),
  });
  const presets = h('div', { class: 'chips', role: 'group', 'aria-label': 'Quick stakes' },
    preset_stakes(game).map((v) => h('button', {
      type: 'button', class: 'chip', 'aria-label': `Stake ${format_minor(v, currency)}`,
      onclick: () => { stake.value = format_minor(v, ''); stake.focus(); },
    }, format_minor(v, ''))));
  const submit = h('button', { type: 'submit', class: 'primary big' }, view.action_label);
  const msg = form_messages();
  const summary = h('p', { class: 'round-summary', role: 'status', 'aria-live': 'polite' }, view.idle_text);
  const proof = h('p', { class: 'round-proof' });
  const recent = h('ol', { class: 'recent-rounds', reversed: true, 'aria-labelledby': 'recent-title' });
  const rounds = [];

  // The stake is checked first (a mistake in it takes the focus back there), then
  // the game's own choices; play_round reports its own failures.
  const form = h('form', {
    class: 'play-form', noValidate: true,
    onsubmit: on_submit(msg, submit, {
      read: () => ({
        amount: read_control(stake, (text) => {
          const amount = parse_minor(text, currency);
          check_stake(game, amount, currency);
          return amount;
        }),
        params: view.params(),
      }),
      send: ({ amount, params }) => play_round(amount, params),
    }),
  },
  field(`Stake (${currency})`, stake,
    `${format_minor(game.stake_min, currency)} to ${format_minor(game.stake_max, currency)}, in steps of ${format_minor(game.stake_step, currency)}.`),
  presets,
  view.controls,
  ...msg.nodes,
  h('div', { class: 'actions' }, submit));

  async function play_round(amount, params) {
    view.start();
    summary.textContent = view.busy_text;
    try {
      const fields = { vendor: game.vendor, game: game.game, stake: amount };
      if (params) fields.params = params;
      const round = await ctx.session.request('play', fields);
      show_round(round);
    } catch (err) {
      view.stop();
      summary.textContent = 'No round was played.';
      msg.error(err);
      // The round may have been played after all: lists that show rounds read again.
      if (['unavailable', 'round_unsettled', 'timeout', 'offline'].includes(err.code)) {
        ctx.store.set({ rounds_changed: ctx.store.state.rounds_changed + 1 });
      }
    }
  }

  function show_round(round) {
    view.show(round);
    const net = round.win - round.stake;
    const text = `${view.describe(round)} Stake ${format_minor(round.stake, currency)}, ` +
      (round.win > 0 ? `won ${format_minor(round.win, currency)}` : 'no win') +
      `, net ${net >= 0 ? '+' : '−'}${format_minor(Math.abs(net), currency)}.`;
    summary.textContent = text;
    summary.classList.toggle('won', round.win > 0);
    draw_proof(round);
    rounds.unshift(round);
    rounds.length = Math.min(rounds.length, recent_rounds_max);
    draw_recent();
    ctx.store.set({ last_round: round, rounds_changed: ctx.store.state.rounds_changed + 1 });
    if (ctx.store.state.balance && ctx.store.state.balance.bonus > 0) ctx.wallet.read_balance_soon();
  }

  function draw_proof(round) {
    clear(proof);
    if (!round.fairness) return;
    proof.append(
      `Provably fair: nonce ${round.fairness.nonce}, client seed “${round.fairness.client_seed}”, commitment `,
      h('code', { class: 'hash', title: round.fairness.server_seed_hash }, round.fairness.server_seed_hash.slice(0, 16) + '…'),
      '. ',
      h('a', { href: `#/fairness?round=${encodeURIComponent(round.round_id)}` }, 'Verify this round'));
  }

  function draw_recent() {
    clear(recent);
    for (const r of rounds) {
      recent.append(h('li', null,
        time_el(r.created_at_us), ' — ', view.short(r), ': stake ', format_minor(r.stake, currency),
        ', win ', h('strong', null, format_minor(r.win, currency))));
    }
  }

  // Rounds of this game played in another window of this player.
  const off = ctx.store.subscribe(['last_round'], (s) => {
    const r = s.last_round;
    if (r && r.id === undefined && r.game === game.game && r.vendor === game.vendor && !rounds.includes(r)) {
      rounds.unshift(r);
      rounds.length = Math.min(rounds.length, recent_rounds_max);
      draw_recent();
      announce(`A round played in another window: ${view.short(r)}.`);
    }
  });

  append(root,
    h('p', { class: 'breadcrumb' }, h('a', { href: '#/lobby' }, '← Lobby')),
    h('h1', null, game.name),
    h('p', { class: 'lede' }, view.rules_text,
      game.rtp_ppm ? ` Return to player ${(game.rtp_ppm / 10000).toFixed(2)} %.` : ''),
    !game.available && h('p', { class: 'notice' }, 'This game is unavailable at the moment; you can still try, nothing is charged if it fails.'),
    h('div', { class: 'play-layout' },
      h('section', { class: 'card game-stage', 'aria-label': `${game.name} result` }, view.stage, summary, proof),
      h('section', { class: 'card' }, form)),
    h('section', { class: 'card', 'aria-labelledby': 'recent-title' },
      h('h2', { id: 'recent-title' }, 'Your rounds on this screen'),
      recent,
      h('p', null, h('a', { href: '#/history' }, 'All your rounds and transactions'))));
  return () => off();
}

function default_stake(game) {
  // One unit of the currency (100 minor units) when the game allows it.
  const want = 100;
  return within(game, want) ? want : game.stake_min;
}

function within(game, v) {
  return v >= game.stake_min && v <= game.stake_max && v % game.stake_step === 0;
}

function preset_stakes(game) {
  const candidates = [10, 50, 100, 200, 500, 1000, 5000];
  return candidates.filter((v) => within(game, v)).slice(0, 5);
}

function check_stake(game, amount, currency) {
  if (amount < game.stake_min) throw new Error(`The smallest stake is ${format_minor(game.stake_min, currency)}.`);
  if (amount > game.stake_max) throw new Error(`The largest stake is ${format_minor(game.stake_max, currency)}.`);
  if (amount % game.stake_step !== 0) {
    throw new Error(`The stake must be a multiple of ${format_minor(game.stake_step, currency)}.`);
  }
}

// Games of other studios: stake only, and the outcome as the studio describes it.
function plain_view(game) {
  const out = h('pre', { class: 'outcome-json' }, 'No round yet.');
  return {
    action_label: 'Play',
    idle_text: 'Choose a stake and play.',
    busy_text: 'Playing…',
    rules_text: `A ${game.category} game by ${game.vendor}.`,
    controls: null,
    stage: out,
    params: () => null,
    start() {},
    stop() {},
    show(round) { out.textContent = JSON.stringify(round.outcome, null, 2); },
    describe: () => 'Round played.',
    short: (r) => r.game,
  };
}
