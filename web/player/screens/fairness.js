// Provably fair play (docs/vendor-integration.md, "Verifying a round by hand"):
// the current seeds (`seeds`), choosing a client seed (`set_client_seed`), revealing
// the server seed (`rotate_seed`), and verifying a past round twice: in this browser
// (fairness.js, WebCrypto) and by the server (`verify`), side by side, with the
// revealed seed checked against the commitment the round was played under.
//
// The server lists no revealed seeds; the app keeps every `seeds_rotated` reply in
// localStorage, per player, so that rounds stay verifiable later.

import { h, clear } from '/common/dom.js';
import { format_minor, parse_minor, parse_decimal } from '/common/money.js';
import { field, form_messages, busy, section, table, time_el, announce } from '../ui.js';
import { recompute, commitment_of, same_outcome } from '../fairness.js';
import { reels_table } from './slot_view.js';
import { percent } from './dice_view.js';

const vendor = 'builtin';
const revealed_max = 50;
const rounds_page = 50;

function revealed_key(ctx) {
  return `agg.revealed.${ctx.store.state.session.player_id}`;
}

export function load_revealed(ctx) {
  try {
    const list = JSON.parse(localStorage.getItem(revealed_key(ctx)) || '[]');
    return Array.isArray(list) ? list : [];
  } catch {
    return [];
  }
}

function keep_revealed(ctx, revealed) {
  const list = [{ ...revealed, revealed_at_ms: Date.now() },
    ...load_revealed(ctx).filter((r) => r.server_seed !== revealed.server_seed)].slice(0, revealed_max);
  try {
    localStorage.setItem(revealed_key(ctx), JSON.stringify(list));
  } catch {
    // Storage full or disabled: the reveal is still shown on screen.
  }
  ctx.store.set({ revealed: list });
}

export function mount(ctx, root, { query }) {
  const seeds_box = h('div', null, h('p', { class: 'loading' }, 'Loading seeds…'));
  const seeds_msg = form_messages();
  const revealed_box = h('div');
  const rounds_box = h('div', null, h('p', { class: 'loading' }, 'Loading rounds…'));
  const verify = verify_panel(ctx);
  let rounds = [];

  ctx.store.set({ revealed: load_revealed(ctx) });

  root.append(
    h('h1', null, 'Fairness'),
    h('p', { class: 'lede' }, 'Every round’s result comes from a secret server seed the casino commits to before you play, your client seed and a counter (the nonce). Reveal the server seed to check any past round yourself.'),
    section('Your seeds', ...seeds_msg.nodes, seeds_box, client_seed_form(ctx, seeds_msg, reload_seeds), rotate_button(ctx, seeds_msg, reload_seeds)),
    verify.node,
    section('Rounds to verify', rounds_box),
    section('Revealed server seeds', h('p', { class: 'hint' }, 'Kept in this browser, since the casino does not list them again.'), revealed_box));

  async function reload_seeds() {
    try {
      ctx.store.set({ seeds: await ctx.session.request('seeds', { vendor }) });
    } catch (e) {
      seeds_msg.error(e);
    }
  }

  function draw_seeds() {
    const s = ctx.store.state.seeds;
    if (!s) return;
    clear(seeds_box).append(h('dl', { class: 'facts wide' },
      h('dt', null, 'Server seed commitment (SHA-256)'), h('dd', null, h('code', { class: 'hash' }, s.server_seed_hash)),
      h('dt', null, 'Client seed'), h('dd', null, h('code', null, s.client_seed)),
      h('dt', null, 'Next nonce'), h('dd', null, String(s.next_nonce))));
  }

  async function draw_revealed() {
    const list = ctx.store.state.revealed || [];
    const rows = await Promise.all(list.map(async (r) => {
      const ok = (await commitment_of(r.server_seed)) === r.server_seed_hash;
      return [
        h('code', { class: 'hash' }, r.server_seed),
        h('code', { class: 'hash' }, r.server_seed_hash),
        h('code', null, r.client_seed),
        String(r.last_nonce),
        h('span', { class: ok ? 'pos' : 'neg' }, ok ? 'Matches' : 'Does NOT match'),
      ];
    }));
    clear(revealed_box).append(table('Revealed server seeds', ['Server seed', 'Commitment', 'Client seed', 'Last nonce', 'SHA-256 check'], rows,
      { empty: 'None yet: rotate your seed to reveal the current one.', hide_caption: true }));
  }

  async function load_rounds() {
    try {
      const reply = await ctx.session.request('rounds', { limit: rounds_page });
      rounds = reply.rounds.filter((r) => r.fairness && r.vendor === vendor && r.state === 'settled');
      draw_rounds();
      const wanted = query.get('round');
      const picked = wanted && rounds.find((r) => r.round_id === wanted);
      if (picked && !verify.current()) verify.load(picked);
    } catch (e) {
      clear(rounds_box).append(h('p', { class: 'form-error' }, e.message));
    }
  }

  function draw_rounds() {
    const rows = rounds.map((r) => [
      time_el(r.opened_at_us), r.game, String(r.fairness.nonce),
      format_minor(r.stake, r.currency), format_minor(r.win, r.currency),
      h('button', {
        type: 'button', class: 'secondary small',
        'aria-label': `Check round ${r.fairness.nonce} (${r.game}, win ${format_minor(r.win, r.currency)})`,
        onclick: () => { verify.load(r); verify.focus(); },
      }, 'Check'),
    ]);
    clear(rounds_box).append(table('Rounds to verify', ['When', 'Game', 'Nonce', 'Stake', 'Win', ''], rows,
      { empty: 'No provably fair rounds yet.', hide_caption: true }));
  }

  const off = [
    ctx.on_ready(() => { reload_seeds(); load_rounds(); }),
    ctx.store.subscribe(['seeds'], draw_seeds),
    ctx.store.subscribe(['revealed'], () => { draw_revealed(); verify.refill(); }),
    ctx.store.subscribe(['rounds_changed'], load_rounds),
  ];
  draw_revealed();
  return () => off.forEach((f) => f());
}

function client_seed_form(ctx, msg, reload_seeds) {
  const input = h('input', { name: 'client_seed', maxLength: 64, autocomplete: 'off', spellcheck: false });
  const submit = h('button', { type: 'submit', class: 'secondary' }, 'Set client seed');
  return h('form', {
    class: 'inline-form', noValidate: true,
    onsubmit: (e) => {
      e.preventDefault();
      msg.clear();
      const seed = input.value.trim();
      if (!/^[!-~]{1,64}$/.test(seed)) {
        msg.error('A client seed is 1 to 64 characters without spaces.');
        return;
      }
      busy(submit, async () => {
        try {
          const r = await ctx.session.request('set_client_seed', { vendor, client_seed: seed });
          keep_revealed(ctx, r.revealed);
          msg.ok(`New client seed set. The previous server seed was revealed: ${r.revealed.server_seed}`);
          input.value = '';
          reload_seeds();
        } catch (err) {
          msg.error(err);
        }
      });
    },
  }, field('New client seed', input, 'Setting it also reveals the current server seed and starts new seeds at nonce 0.'), submit);
}

function rotate_button(ctx, msg, reload_seeds) {
  const b = h('button', {
    type: 'button', class: 'secondary',
    onclick: () => busy(b, async () => {
      msg.clear();
      try {
        const r = await ctx.session.request('rotate_seed', { vendor });
        keep_revealed(ctx, r.revealed);
        msg.ok(`Server seed revealed: ${r.revealed.server_seed}. New seeds are in use from nonce 0.`);
        reload_seeds();
      } catch (err) {
        msg.error(err);
      }
    }),
  }, 'Reveal server seed and rotate');
  return h('div', { class: 'actions' }, b);
}

// The verification form and its three-way result.
function verify_panel(ctx) {
  const currency = ctx.store.state.session.currency;
  const game = h('select', { name: 'game' },
    h('option', { value: 'slot-5x3' }, 'Five Sevens (slot-5x3)'), h('option', { value: 'dice' }, 'Dice'));
  const stake = h('input', { name: 'stake', inputMode: 'decimal', autocomplete: 'off' });
  const server_seed = h('input', { name: 'server_seed', autocomplete: 'off', spellcheck: false, class: 'mono' });
  const client_seed = h('input', { name: 'client_seed', autocomplete: 'off', spellcheck: false, class: 'mono' });
  const nonce = h('input', { name: 'nonce', inputMode: 'numeric', autocomplete: 'off', class: 'short' });
  const chance = h('input', { name: 'chance', inputMode: 'decimal', autocomplete: 'off', class: 'short' });
  const over = h('input', { type: 'checkbox', name: 'over', id: 'verify-over' });
  const dice_fields = h('div', { class: 'stack' }, field('Dice win chance (%)', chance),
    h('div', { class: 'check' }, over, h('label', { for: over.id }, 'Rolled over')));
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Verify round');
  const msg = form_messages();
  const note = h('p', { class: 'hint', role: 'status' });
  const result = h('div', { class: 'verify-result' });
  const heading = h('h2', { id: 'verify-title', tabIndex: -1 }, 'Verify a round');
  let round = null; // the round as played, when the form was filled from one

  const sync_game = () => { dice_fields.hidden = game.value !== 'dice'; };
  game.addEventListener('change', sync_game);
  sync_game();

  // Fills the server seed from the revealed seeds when the round's commitment is
  // among them.
  function refill() {
    if (!round) return;
    const seed = (ctx.store.state.revealed || []).find((r) => r.server_seed_hash === round.fairness.server_seed_hash);
    server_seed.value = seed ? seed.server_seed : '';
    if (seed) {
      note.textContent = 'The server seed of this round is revealed; the form is filled in.';
    } else {
      clear(note).append('This round’s server seed is still secret. Use “Reveal server seed and rotate” above, then verify.');
    }
  }

  function load(r) {
    round = r;
    game.value = r.game;
    sync_game();
    stake.value = format_minor(r.stake, '');
    client_seed.value = r.fairness.client_seed;
    nonce.value = String(r.fairness.nonce);
    if (r.game === 'dice' && r.outcome) {
      chance.value = percent(r.outcome.chance);
      over.checked = Boolean(r.outcome.over);
    }
    clear(result);
    msg.clear();
    refill();
  }

  function read_inputs() {
    const inputs = {
      game: game.value,
      stake: parse_minor(stake.value, currency),
      server_seed: server_seed.value.trim().toLowerCase(),
      client_seed: client_seed.value.trim(),
      nonce: Number(nonce.value.trim()),
    };
    if (!/^[0-9]+$/.test(nonce.value.trim())) throw new Error('The nonce is a whole number.');
    if (!/^[0-9a-f]{64}$/.test(inputs.server_seed)) throw new Error('The server seed is 64 hex characters.');
    if (!inputs.client_seed) throw new Error('Enter the client seed.');
    if (inputs.game === 'dice') inputs.params = { chance: parse_decimal(chance.value.replace('%', ''), 2), over: over.checked };
    return inputs;
  }

  async function run() {
    let inputs;
    try {
      inputs = read_inputs();
    } catch (e) {
      msg.error(e.message);
      return;
    }
    const played = round && round.game === inputs.game && round.stake === inputs.stake &&
      round.fairness.client_seed === inputs.client_seed && round.fairness.nonce === inputs.nonce ? round : null;
    let mine;
    try {
      mine = await recompute(inputs);
    } catch (e) {
      msg.error(`Your browser could not compute the round: ${e.message}`);
      return;
    }
    let theirs = null;
    let their_error = null;
    try {
      const fields = { vendor, game: inputs.game, stake: inputs.stake, server_seed: inputs.server_seed,
        client_seed: inputs.client_seed, nonce: inputs.nonce };
      if (inputs.params) fields.params = inputs.params;
      theirs = await ctx.conn.request('verify', fields);
    } catch (e) {
      their_error = e;
    }
    show(inputs, mine, theirs, their_error, played);
  }

  function show(inputs, mine, theirs, their_error, played) {
    const agree = theirs && same_outcome(mine.outcome, theirs.outcome) && mine.win === theirs.win;
    const commitment = played ? played.fairness.server_seed_hash : null;
    const commit_ok = commitment ? mine.commitment === commitment : null;
    const as_played = played ? same_outcome(mine.outcome, played.outcome) && mine.win === played.win : null;
    const verified = agree && commit_ok !== false && as_played !== false;
    const verdict = verified
      ? `Verified: your browser’s result matches the server’s${played ? ' and the round as played' : ''}.`
      : their_error
        ? `The server could not verify: ${their_error.message}. Your browser’s result is shown.`
        : 'NOT verified: the results differ. See below.';
    clear(result).append(
      h('p', { class: ['verdict', verified ? 'good' : 'bad'], role: 'status', id: 'verify-verdict' }, verdict),
      h('ul', { class: 'checks' },
        h('li', null, `SHA-256 of the server seed (computed with ${mine.engine}): `, h('code', { class: 'hash' }, mine.commitment)),
        commitment && h('li', { class: commit_ok ? 'pos' : 'neg' },
          commit_ok ? 'It equals the commitment shown before the round was played.' : `It does NOT equal the commitment of the round (${commitment}).`),
        theirs && h('li', { class: agree ? 'pos' : 'neg' }, agree ? 'The browser and the server compute the same outcome and win.' : 'The browser and the server disagree.'),
        played && h('li', { class: as_played ? 'pos' : 'neg' }, as_played ? 'The round as played had exactly this outcome and win.' : 'The round as played had another outcome.')),
      h('div', { class: 'compare' },
        outcome_card('Computed in your browser', 'browser', mine, currency),
        theirs ? outcome_card('The server’s verify answer', 'server', theirs, currency)
          : h('div', { class: 'card-inner' }, h('h3', null, 'The server’s verify answer'), h('p', { class: 'neg' }, their_error ? their_error.message : '—')),
        played && outcome_card('The round as played', 'played', played, currency)));
    announce(verdict);
  }

  const node = h('section', { class: 'card', 'aria-labelledby': 'verify-title' },
    heading,
    h('p', { class: 'hint' }, 'Pick a round below with “Check”, or type the values. The browser recomputes it with HMAC-SHA256 and asks the server’s verify too.'),
    h('form', {
      class: 'stack', noValidate: true,
      onsubmit: (e) => { e.preventDefault(); msg.clear(); busy(submit, run); },
    },
    field('Game', game),
    field(`Stake (${currency})`, stake),
    field('Server seed (revealed, hex)', server_seed),
    field('Client seed', client_seed),
    field('Nonce', nonce),
    dice_fields,
    note,
    ...msg.nodes,
    h('div', { class: 'actions' }, submit)),
    result);

  return {
    node, load, refill,
    current: () => round,
    focus: () => heading.focus(),
  };
}

function outcome_card(title, key, r, currency) {
  const o = r.outcome || {};
  let body;
  if (o.game === 'slot-5x3' && Array.isArray(o.grid)) {
    body = [
      h('p', null, `Stops: ${o.stops.join(', ')}`),
      reels_table(o.grid, o.wins || [], `${title}: reels`),
      h('p', null, o.wins.length ? o.wins.map((w) => `line ${w.line}: ${w.count} × ${w.symbol.toLowerCase()}`).join('; ') : 'No winning lines.'),
    ];
  } else if (o.game === 'dice') {
    body = h('p', null, `Roll ${percent(o.roll)} (${o.over ? 'over' : 'under'}, chance ${percent(o.chance)}): ${o.win ? 'win' : 'loss'}`);
  } else {
    body = h('pre', null, JSON.stringify(o, null, 2));
  }
  return h('div', { class: 'card-inner', 'data-result': key },
    h('h3', null, title),
    body,
    h('p', null, 'Win: ', h('strong', { 'data-win': r.win }, format_minor(r.win, currency))));
}
