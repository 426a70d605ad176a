// Five Sevens (slot-5x3): the 5 x 3 reels as a table (a screen reader reads it row by
// row), the winning paylines drawn over it, and the list of line wins.

import { h, clear } from '/common/dom.js';
import { format_minor } from '/common/money.js';
import { PAYLINES, SYMBOLS, STRIPS } from '../games_rules.js';

const SHORT = { TEN: '10', JACK: 'J', QUEEN: 'Q', KING: 'K', ACE: 'A', BELL: '', SEVEN: '7', WILD: 'W' };
const ROW_NAMES = ['Top', 'Middle', 'Bottom'];
const LINE_COLOURS = ['#e5484d', '#3e63dd', '#30a46c', '#f76b15', '#8e4ec6', '#12a594', '#d6409f', '#ffb224', '#0090ff', '#a18072'];
const SVG = 'http://www.w3.org/2000/svg';

function svg(tag, attrs) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  return el;
}

// A bell drawn in SVG: no emoji font is needed.
function bell_icon() {
  const icon = svg('svg', { viewBox: '0 0 24 24', class: 'bell', 'aria-hidden': 'true', focusable: 'false' });
  icon.append(
    svg('path', { d: 'M12 3a6 6 0 0 0-6 6v4.5L4 17h16l-2-3.5V9a6 6 0 0 0-6-6z', fill: 'currentColor' }),
    svg('circle', { cx: '12', cy: '19.5', r: '2', fill: 'currentColor' }));
  return icon;
}

export function symbol_tile(name) {
  const tile = h('span', { class: ['symbol', `sym-${name.toLowerCase()}`] });
  if (name === 'BELL') tile.append(bell_icon());
  else tile.append(h('span', { 'aria-hidden': 'true' }, SHORT[name] || name.slice(0, 2)));
  tile.append(h('span', { class: 'visually-hidden' }, name.toLowerCase()));
  return tile;
}

// A table of the grid (grid[reel][row]) with the winning lines drawn on top.
export function reels_table(grid, wins, caption) {
  const winning = new Set();
  for (const w of wins) {
    PAYLINES[w.line - 1].slice(0, w.count).forEach((row, reel) => winning.add(`${reel}:${row}`));
  }
  // Three rows of five cells, top row first; the caption says so, since visually
  // hidden header cells would still take a column of the fixed layout.
  const table = h('table', { class: 'reels' },
    h('caption', { class: 'visually-hidden' }, `${caption}: 3 rows (top, middle, bottom) of 5 reels`),
    h('tbody', null, ROW_NAMES.map((_, row) => h('tr', null,
      grid.map((col, reel) => h('td', { class: winning.has(`${reel}:${row}`) ? 'win' : null },
        symbol_tile(col[row])))))));
  const overlay = svg('svg', { class: 'paylines', viewBox: '0 0 100 100', preserveAspectRatio: 'none', 'aria-hidden': 'true', focusable: 'false' });
  for (const w of wins) {
    const points = PAYLINES[w.line - 1].map((row, reel) => `${(reel + 0.5) * 20},${(row + 0.5) * (100 / 3)}`).join(' ');
    overlay.append(svg('polyline', { points, stroke: LINE_COLOURS[(w.line - 1) % LINE_COLOURS.length] }));
  }
  return h('div', { class: 'reels-wrap' }, table, overlay);
}

export function wins_list(wins, currency) {
  if (wins.length === 0) return h('p', { class: 'no-win' }, 'No winning lines.');
  return h('ul', { class: 'wins' }, wins.map((w) => h('li', null,
    h('span', { class: 'line-dot', style: { background: LINE_COLOURS[(w.line - 1) % LINE_COLOURS.length] }, 'aria-hidden': 'true' }),
    `Line ${w.line}: ${w.count} × ${w.symbol.toLowerCase()} pays ${format_minor(w.pay, currency)}`)));
}

// The reels as they stand before the first spin: stops 0 of each strip.
function start_grid() {
  return STRIPS.map((strip) => [0, 1, 2].map((row) => SYMBOLS[strip[row]]));
}

export function slot_view(game, currency) {
  const stage = h('div', { class: 'slot-stage' });
  const wins_box = h('div', { class: 'wins-box' });
  let grid = start_grid();
  const draw = (wins, caption) => {
    clear(stage).append(reels_table(grid, wins, caption), wins_box);
  };
  draw([], 'Reels before the first spin');
  return {
    action_label: 'Spin',
    idle_text: 'Choose a stake and spin.',
    busy_text: 'Spinning…',
    rules_text: '5 reels, 3 rows and 10 paylines; three or more of a kind from the left reel win, WILD stands in for any symbol.',
    controls: null,
    stage,
    params: () => null,
    start() { stage.classList.add('spinning'); },
    stop() { stage.classList.remove('spinning'); },
    show(round) {
      stage.classList.remove('spinning');
      grid = round.outcome.grid;
      draw(round.outcome.wins, 'Reels of the last spin');
      clear(wins_box).append(wins_list(round.outcome.wins, currency));
    },
    describe(round) {
      const wins = round.outcome.wins;
      if (wins.length === 0) return 'Spin result: no winning lines.';
      return `Spin result: ${wins.map((w) => `line ${w.line}, ${w.count} ${w.symbol.toLowerCase()}`).join('; ')}.`;
    },
    short: (r) => (r.outcome && r.outcome.wins && r.outcome.wins.length
      ? `${r.outcome.wins.length} winning line${r.outcome.wins.length === 1 ? '' : 's'}` : 'no win'),
  };
}
