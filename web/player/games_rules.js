// The built-in studio's games as data: the slot's reel strips, paylines and paytable,
// and the dice's payout (docs/vendor-integration.md, "The built-in studio";
// vendors/builtin/slot_game.cpp and dice_game.cpp). The slot screen draws paylines
// from here, and the fairness check recomputes outcomes from here, independently of
// the server.

export const SYMBOLS = ['TEN', 'JACK', 'QUEEN', 'KING', 'ACE', 'BELL', 'SEVEN', 'WILD'];
const WILD = 7;

// strip_table in slot_game.cpp, by symbol index.
export const STRIPS = [
  [0, 1, 2, 0, 3, 1, 4, 0, 5, 2, 1, 6, 0, 3, 2, 1, 4, 0, 7, 3, 1, 2, 0, 5, 4, 3, 0, 1, 6, 2, 5, 4],
  [1, 0, 3, 2, 0, 4, 1, 5, 0, 2, 3, 1, 6, 0, 4, 2, 1, 0, 3, 5, 7, 2, 1, 0, 4, 3, 6, 1, 0, 2, 5, 3],
  [2, 3, 0, 1, 4, 0, 2, 5, 1, 0, 6, 3, 2, 1, 0, 4, 5, 0, 1, 3, 2, 7, 0, 4, 1, 2, 6, 0, 3, 5, 1, 0],
  [0, 4, 1, 3, 0, 2, 5, 1, 0, 6, 2, 3, 1, 0, 4, 2, 7, 1, 0, 3, 5, 2, 0, 1, 4, 6, 0, 3, 1, 2, 0, 5],
  [3, 0, 2, 1, 5, 0, 4, 1, 2, 0, 3, 6, 1, 0, 2, 4, 0, 1, 7, 5, 3, 0, 2, 1, 6, 0, 4, 3, 1, 0, 5, 2],
];
export const STRIP_LEN = 32;
export const REELS = 5;
export const ROWS = 3;

// Row per reel (0 = top) of lines 1 to 10.
export const PAYLINES = [
  [1, 1, 1, 1, 1],
  [0, 0, 0, 0, 0],
  [2, 2, 2, 2, 2],
  [0, 1, 2, 1, 0],
  [2, 1, 0, 1, 2],
  [0, 0, 1, 2, 2],
  [2, 2, 1, 0, 0],
  [1, 0, 0, 0, 1],
  [1, 2, 2, 2, 1],
  [0, 1, 1, 1, 0],
];

// Line bets paid for 3, 4 and 5 of a kind, by symbol index.
export const PAYTABLE = [
  [11, 20, 51],
  [11, 25, 61],
  [16, 31, 81],
  [20, 41, 122],
  [25, 61, 163],
  [41, 122, 407],
  [81, 245, 1222],
  [122, 509, 3054],
];

// slot_game::line_pay: the better of the WILD-only run and the run of the first
// non-WILD symbol (WILD substituting), both from reel 1; a tie reports the WILDs.
function line_pay(symbols) {
  let wilds = 0;
  while (wilds < REELS && symbols[wilds] === WILD) wilds += 1;
  let best = { pay: 0, symbol: WILD, count: 0 };
  if (wilds >= 3) best = { pay: PAYTABLE[WILD][wilds - 3], symbol: WILD, count: wilds };
  if (wilds === REELS) return best;
  const sym = symbols[wilds];
  let run = wilds;
  while (run < REELS && (symbols[run] === sym || symbols[run] === WILD)) run += 1;
  if (run >= 3 && PAYTABLE[sym][run - 3] > best.pay) {
    best = { pay: PAYTABLE[sym][run - 3], symbol: sym, count: run };
  }
  return best;
}

// The outcome object the server reports for given stops (slot_detail in studio.cpp),
// and the round's win.
export function slot_outcome(stops, stake) {
  const line_bet = Math.floor(stake / PAYLINES.length);
  const grid_idx = stops.map((stop, r) =>
    [0, 1, 2].map((row) => STRIPS[r][(stop + row) % STRIP_LEN]));
  const wins = [];
  let pay = 0;
  PAYLINES.forEach((rows, l) => {
    const w = line_pay(rows.map((row, r) => grid_idx[r][row]));
    if (w.pay > 0) {
      wins.push({ count: w.count, line: l + 1, pay: w.pay * line_bet, symbol: SYMBOLS[w.symbol] });
      pay += w.pay;
    }
  });
  return {
    outcome: {
      game: 'slot-5x3',
      grid: grid_idx.map((col) => col.map((s) => SYMBOLS[s])),
      line_bet,
      stops: [...stops],
      wins,
    },
    win: pay * line_bet,
  };
}

export const DICE_RANGE = 10_000;
export const DICE_CHANCE_MIN = 100;
export const DICE_CHANCE_MAX = 9800;
const DICE_PAYOUT_NUMERATOR = 9900;

// floor(stake * 9900 / chance), split the way dice_game::payout splits it
// (stake = q*chance + r) so that no product grows needlessly: exact while the
// payout stays below 2^53, far above any stake the catalog allows.
export function dice_payout(stake, chance) {
  const q = Math.floor(stake / chance);
  const r = stake % chance;
  return q * DICE_PAYOUT_NUMERATOR + Math.floor((r * DICE_PAYOUT_NUMERATOR) / chance);
}

export function dice_outcome(roll, stake, chance, over) {
  const win = over ? roll >= DICE_RANGE - chance : roll < chance;
  return {
    outcome: { chance, game: 'dice', over, roll, win },
    win: win ? dice_payout(stake, chance) : 0,
  };
}
