// The player's rounds (`rounds`) and every ledger entry (`history`, paged with
// `before_seq`), refreshed when a round is played or the balance moves.

import { h, clear } from '/common/dom.js';
import { format_minor } from '/common/money.js';
import { form_messages, busy, section, status_badge, table, time_el } from '../ui.js';

const rounds_page = 20;
const history_page = 25;

const KIND_WORDS = {
  deposit: 'Deposit', withdrawal: 'Withdrawal', bet: 'Bet', win: 'Win', rollback: 'Refund',
  bonus_grant: 'Bonus given', bonus_conversion: 'Bonus converted', bonus_forfeit: 'Bonus forfeited',
  bonus_expiry: 'Bonus expired',
};

export function mount(ctx, root) {
  const currency = ctx.store.state.session.currency;
  const rounds_box = h('div', null, h('p', { class: 'loading' }, 'Loading rounds…'));
  const ledger_box = h('div', null, h('p', { class: 'loading' }, 'Loading transactions…'));
  const rounds_msg = form_messages();
  const ledger_msg = form_messages();
  const more = h('button', { type: 'button', class: 'secondary', hidden: true }, 'Show older transactions');
  let entries = [];
  let next_before_seq = 0;

  root.append(
    h('h1', null, 'History'),
    section('Rounds', ...rounds_msg.nodes, rounds_box),
    section('Transactions', h('p', { class: 'hint' }, 'Every change of your cash balance, newest first.'),
      ...ledger_msg.nodes, ledger_box, more));

  async function load_rounds() {
    try {
      const reply = await ctx.session.request('rounds', { limit: rounds_page });
      clear(rounds_box).append(rounds_table(reply.rounds, currency));
    } catch (e) {
      rounds_msg.error(e);
    }
  }

  async function load_ledger(older) {
    try {
      const fields = { limit: history_page };
      if (older) fields.before_seq = next_before_seq;
      const reply = await ctx.session.request('history', fields);
      entries = older ? entries.concat(reply.entries) : reply.entries;
      next_before_seq = reply.next_before_seq || 0;
      more.hidden = !next_before_seq;
      clear(ledger_box).append(ledger_table(entries));
    } catch (e) {
      ledger_msg.error(e);
    }
  }

  more.addEventListener('click', () => busy(more, () => load_ledger(true)));

  // Reload the newest page when something new happened, without losing older pages
  // the player opened: only when they are still on the first page.
  let reload_timer = null;
  function reload_soon() {
    clearTimeout(reload_timer);
    reload_timer = setTimeout(() => {
      load_rounds();
      if (entries.length <= history_page) load_ledger(false);
    }, 300);
  }

  const off = [
    ctx.on_ready(() => { load_rounds(); load_ledger(false); }),
    ctx.store.subscribe(['rounds_changed'], reload_soon),
    ctx.store.subscribe(['balance'], (s, changed) => { if (changed.includes('balance')) reload_soon(); }),
  ];
  return () => {
    clearTimeout(reload_timer);
    off.forEach((f) => f());
  };
}

function rounds_table(rounds, currency) {
  const rows = rounds.map((r) => [
    time_el(r.opened_at_us),
    r.game,
    format_minor(r.stake, r.currency || currency),
    format_minor(r.win, r.currency || currency),
    status_badge(r.state),
    r.fairness
      ? h('a', { href: `#/fairness?round=${encodeURIComponent(r.round_id)}`, 'aria-label': `Verify round ${r.round_id}` }, 'Verify')
      : '—',
  ]);
  return table('Your latest rounds', ['When', 'Game', 'Stake', 'Win', 'State', 'Fairness'], rows,
    { empty: 'No rounds yet.', hide_caption: true });
}

function ledger_table(entries) {
  const rows = entries.map((e) => [
    String(e.seq),
    time_el(e.created_at_us),
    KIND_WORDS[e.kind] || e.kind,
    h('span', { class: e.amount < 0 ? 'neg' : e.amount > 0 ? 'pos' : null }, (e.amount > 0 ? '+' : '') + format_minor(e.amount, e.currency)),
    format_minor(e.balance_after, e.currency),
    e.round_id ? h('span', { class: 'mono' }, e.round_id) : e.source,
  ]);
  return table('Transactions', ['#', 'When', 'What', 'Amount', 'Balance after', 'Reference'], rows,
    { empty: 'No transactions yet.', hide_caption: true });
}
