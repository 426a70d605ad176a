// Bonuses (docs/bonus.md): the player's grants from `bonuses` with their wagering
// progress, kept live by bonus pushes; `claim_bonus` with a code; `cancel_bonus`
// after a confirmation; and the campaigns open to the player.

import { h, clear } from '/common/dom.js';
import { format_minor } from '/common/money.js';
import { field, form_messages, busy, on_submit, Refusal, section, status_badge, table, time_el, confirm_dialog, announce } from '../ui.js';

const EVENT_WORDS = {
  granted: 'You received a bonus', converted: 'Your bonus turned into cash',
  forfeited: 'A bonus was forfeited', expired: 'A bonus expired',
};

export function mount(ctx, root) {
  const currency = ctx.store.state.session.currency;
  const active_box = h('div', null, h('p', { class: 'loading' }, 'Loading bonuses…'));
  const ended_box = h('div');
  const campaigns_box = h('div');
  const msg = form_messages();

  root.append(
    h('h1', null, 'Bonuses'),
    h('p', { class: 'lede' }, 'Bonus money is spent after your cash. It turns into cash once you have wagered enough with it; until then it cannot be withdrawn.'),
    section('Claim a bonus', claim_form(ctx, reload)),
    section('Active bonuses', ...msg.nodes, active_box),
    section('Offers for you', campaigns_box),
    section('Past bonuses', ended_box));

  async function reload() {
    try {
      const reply = await ctx.session.request('bonuses');
      ctx.store.set({ bonuses: { bonuses: reply.bonuses || [], campaigns: reply.campaigns || [] } });
    } catch (e) {
      msg.error(e);
    }
  }

  function draw() {
    const data = ctx.store.state.bonuses;
    if (!data) return;
    const active = data.bonuses.filter((g) => g.status === 'active');
    const ended = data.bonuses.filter((g) => g.status !== 'active');
    clear(active_box).append(active.length
      ? h('ul', { class: 'grants' }, active.map((g) => grant_card(ctx, g, msg, reload)))
      : h('p', { class: 'empty' }, 'No active bonus.'));
    clear(ended_box).append(table('Past bonuses', ['Given', 'Amount', 'Status', 'Became cash', 'Lost'],
      ended.map((g) => [time_el(g.created_us), format_minor(g.amount, g.currency), status_badge(g.status),
        format_minor(g.converted || 0, g.currency), format_minor(g.forfeited || 0, g.currency)]),
      { empty: 'None.', hide_caption: true }));
    clear(campaigns_box).append(data.campaigns.length
      ? h('ul', { class: 'plain-list' }, data.campaigns.map((c) => h('li', null, h('strong', null, c.name), ' — ', campaign_terms(c, currency))))
      : h('p', { class: 'empty' }, 'No offers right now.'));
  }

  // A push changes one grant; an end or a new grant is read again in full.
  function on_push(s) {
    const p = s.bonus_event;
    if (!p || !s.bonuses) return;
    if (p.event && p.event !== 'progress') {
      announce(`${EVENT_WORDS[p.event] || 'A bonus changed'}.`);
      reload();
      return;
    }
    const bonuses = s.bonuses.bonuses.map((g) => (g.grant_id === p.grant_id
      ? { ...g, balance: p.balance ?? g.balance, wagered: p.wagered ?? g.wagered,
        wagering_required: p.wagering_required ?? g.wagering_required, status: p.status ?? g.status }
      : g));
    ctx.store.set({ bonuses: { ...s.bonuses, bonuses } });
  }

  const off = [
    ctx.on_ready(reload),
    ctx.store.subscribe(['bonuses'], draw),
    ctx.store.subscribe(['bonus_event'], on_push),
  ];
  return () => off.forEach((f) => f());
}

function grant_card(ctx, g, msg, reload) {
  const required = g.wagering_required || 0;
  const done = Math.min(g.wagered || 0, required);
  const pct = required > 0 ? Math.floor((done * 100) / required) : 100;
  const label_id = `grant-${g.grant_id}`;
  const cancel = h('button', {
    type: 'button', class: 'secondary small', 'aria-label': `Cancel bonus of ${format_minor(g.amount, g.currency)}`,
    onclick: () => busy(cancel, async () => {
      const yes = await confirm_dialog({
        title: 'Cancel this bonus?',
        body: [`The ${format_minor(g.balance, g.currency)} left in it is lost for good. Your cash is not touched.`],
        confirm_label: 'Cancel the bonus', cancel_label: 'Keep it', danger: true,
      });
      if (!yes) return;
      try {
        await ctx.session.request('cancel_bonus', { grant_id: g.grant_id });
        msg.ok('The bonus was cancelled.');
        reload();
        ctx.wallet.read_balance_soon();
      } catch (e) {
        msg.error(e);
      }
    }),
  }, 'Cancel bonus');
  return h('li', { class: 'grant' },
    h('h3', { id: label_id }, `${format_minor(g.amount, g.currency)} bonus`, g.campaign_id !== 'manual' ? ` (${g.campaign_id})` : ''),
    h('p', null, 'Left: ', h('strong', null, format_minor(g.balance, g.currency)),
      g.expires_us ? [' · expires ', time_el(g.expires_us)] : '',
      g.max_stake ? ` · largest stake ${format_minor(g.max_stake, g.currency)}` : ''),
    required > 0
      ? [h('label', { for: `${label_id}-progress`, class: 'progress-label' },
        `Wagering: ${format_minor(done, g.currency)} of ${format_minor(required, g.currency)} (${pct} %)`),
      h('progress', { id: `${label_id}-progress`, max: required, value: done })]
      : h('p', null, 'No wagering needed.'),
    g.free_rounds && h('p', null, `Free rounds left: ${g.free_rounds.left} on ${g.free_rounds.game_id}.`),
    cancel);
}

function campaign_terms(c, currency) {
  switch (c.kind) {
    case 'deposit_match': return `${c.match_percent} % of your next deposit up to ${format_minor(c.max_bonus, currency)}`;
    case 'no_deposit': return `${format_minor(c.amount, currency)} bonus`;
    case 'free_spins': return `${c.rounds} free rounds on ${c.game_id}`;
    case 'cashback': return `${c.cashback_percent} % cashback`;
    default: return c.kind;
  }
}

function claim_form(ctx, reload) {
  const code = h('input', { name: 'code', autocomplete: 'off', autocapitalize: 'characters', maxLength: 32 });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Claim bonus');
  const msg = form_messages();
  // One line (code, button, then messages): the claim sits above the list it adds to.
  return h('form', {
    class: 'inline-form', noValidate: true,
    onsubmit: on_submit(msg, submit, {
      read: () => {
        if (!code.value.trim()) throw new Refusal('Enter a bonus code.');
        return code.value.trim();
      },
      send: async (text) => {
        const r = await ctx.session.request('claim_bonus', { code: text });
        msg.ok(r.granted ? `Claimed: ${r.campaign.name}. The bonus is yours.` : `Claimed: ${r.campaign.name}. It applies to your next qualifying deposit.`);
        code.value = '';
        reload();
        ctx.wallet.read_balance_soon();
      },
    }),
  }, field('Bonus code', code), submit, ...msg.nodes);
}
