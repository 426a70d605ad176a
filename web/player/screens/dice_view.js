// Dice: the player picks a win chance (1 % to 98 %) and whether to roll under or
// over; the roll is 0.00 to 99.99. Shows the payout before the roll and the roll
// against the winning range after it.

import { h, clear } from '/common/dom.js';
import { format_minor, parse_decimal } from '/common/money.js';
import { field } from '../ui.js';
import { DICE_CHANCE_MIN, DICE_CHANCE_MAX, DICE_RANGE } from '../games_rules.js';

// Hundredths of a percent, shown as a percent with two decimals.
export function percent(hundredths) {
  return format_minor(hundredths, '');
}

export function dice_view(game, currency) {
  const chance = h('input', { name: 'chance', inputMode: 'decimal', value: '50.00', autocomplete: 'off', class: 'short' });
  const under = h('input', { type: 'radio', name: 'direction', value: 'under', checked: true, id: 'dice-under' });
  const over = h('input', { type: 'radio', name: 'direction', value: 'over', id: 'dice-over' });
  const payout_note = h('p', { class: 'hint', 'aria-live': 'polite' });
  const controls = h('div', { class: 'stack' },
    field('Win chance (%)', chance, '1.00 to 98.00'),
    h('fieldset', { class: 'radios' },
      h('legend', null, 'Win when the roll is'),
      h('label', { for: under.id }, under, ' Under the chance'),
      h('label', { for: over.id }, over, ' Over 100 minus the chance')),
    payout_note);

  function read_chance() {
    let c;
    try {
      c = parse_decimal(chance.value.replace('%', ''), 2);
    } catch (e) {
      throw new Error(`Win chance: ${e.message}`);
    }
    if (c < DICE_CHANCE_MIN || c > DICE_CHANCE_MAX) throw new Error('The win chance must be from 1.00 to 98.00 %.');
    return c;
  }

  function update_note() {
    try {
      const c = read_chance();
      const multiplier = (9900 / c).toFixed(4).replace(/0+$/, '').replace(/\.$/, '');
      const target = over.checked ? `${percent(DICE_RANGE - c)} or more` : `under ${percent(c)}`;
      payout_note.textContent = `Pays ×${multiplier} of the stake when the roll is ${target}.`;
    } catch (e) {
      payout_note.textContent = e.message;
    }
  }
  chance.addEventListener('input', update_note);
  under.addEventListener('change', update_note);
  over.addEventListener('change', update_note);
  update_note();

  const roll_value = h('output', { class: 'dice-roll' }, '—');
  const bar = h('div', { class: 'dice-bar', 'aria-hidden': 'true' });
  const stage = h('div', { class: 'dice-stage' }, h('p', { class: 'dice-label' }, 'Roll'), roll_value, bar);

  function draw_bar(c, is_over, roll) {
    clear(bar);
    const win_from = is_over ? DICE_RANGE - c : 0;
    const win_to = is_over ? DICE_RANGE : c;
    bar.append(h('span', { class: 'dice-win-zone', style: { left: `${win_from / 100}%`, width: `${(win_to - win_from) / 100}%` } }));
    if (roll !== undefined) bar.append(h('span', { class: 'dice-marker', style: { left: `${roll / 100}%` } }));
  }
  draw_bar(5000, false);

  return {
    action_label: 'Roll',
    idle_text: 'Choose a stake and a chance, then roll.',
    busy_text: 'Rolling…',
    rules_text: 'Roll a number from 0.00 to 99.99; win when it lands in your range. A win pays 99 % of stake × 100 ÷ chance.',
    controls,
    stage,
    params: () => ({ chance: read_chance(), over: over.checked }),
    start() { stage.classList.add('rolling'); },
    stop() { stage.classList.remove('rolling'); },
    show(round) {
      stage.classList.remove('rolling');
      const o = round.outcome;
      roll_value.textContent = percent(o.roll);
      roll_value.classList.toggle('won', o.win);
      roll_value.classList.toggle('lost', !o.win);
      draw_bar(o.chance, o.over, o.roll);
    },
    describe(round) {
      const o = round.outcome;
      const target = o.over ? `${percent(DICE_RANGE - o.chance)} or more` : `under ${percent(o.chance)}`;
      return `Rolled ${percent(o.roll)}, needed ${target}: ${o.win ? 'you win' : 'you lose'}.`;
    },
    short: (r) => (r.outcome ? `rolled ${percent(r.outcome.roll)}` : 'roll'),
  };
}
