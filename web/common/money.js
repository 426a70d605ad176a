// Money on the wire is an integer count of minor units (docs/protocol.md,
// "Conventions"). These helpers turn minor units into text and back without
// ever passing through floating point: a float cannot hold 0.1 exactly, and a
// player who types "0.10" must be charged exactly 10 cents.
//
// Exports (stable; the operator console imports them from /common/money.js):
//   format_minor(amount, currency) -> "1,234.50 EUR"
//   parse_minor(text, currency)    -> Number of minor units, or throws Error
//   currency_decimals(currency)    -> digits after the decimal point
//   parse_decimal(text, decimals)  -> the integer count of 10^-decimals units

// ISO 4217 currencies whose minor unit is not 1/100. The server's own list is
// configured (`currency_exponents`) and not sent to players, so we keep the
// common ISO exceptions here; everything else has 2 decimals, which is also the
// server's default.
const EXPONENTS = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0,
  RWF: 0, UGX: 0, UYI: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
};

// Beyond 2^53 - 1 a Number no longer counts every unit; the server's own
// ceilings (10^15 for stakes and payments) stay well below it.
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

export function currency_decimals(currency) {
  const code = String(currency || '').toUpperCase();
  return Object.prototype.hasOwnProperty.call(EXPONENTS, code) ? EXPONENTS[code] : 2;
}

// Groups of three digits with a thin, unambiguous separator (",").
function group_thousands(digits) {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

// format_minor(123456, 'EUR') -> "1,234.56 EUR"; format_minor(-5, 'EUR') -> "-0.05 EUR".
// Pass currency '' (or null) to get the number alone.
export function format_minor(amount, currency) {
  const n = typeof amount === 'bigint' ? amount : Number(amount);
  if (typeof n === 'number' && !Number.isInteger(n)) return '—';
  const negative = n < 0;
  // Work on the decimal string of the absolute value: exact for any integer.
  let digits = (negative ? -n : n).toString();
  const d = currency_decimals(currency);
  let text;
  if (d === 0) {
    text = group_thousands(digits);
  } else {
    digits = digits.padStart(d + 1, '0');
    const whole = digits.slice(0, digits.length - d);
    const frac = digits.slice(digits.length - d);
    text = group_thousands(whole) + '.' + frac;
  }
  if (negative) text = '-' + text;
  return currency ? text + ' ' + String(currency).toUpperCase() : text;
}

// parse_minor("12.5", "EUR") -> 1250. Accepts an optional leading "-" or "+",
// thousands separators ("," or spaces) in the whole part, the currency code after
// the amount, and at most as many decimals as the currency has. Throws an Error
// whose message can be shown to the player as is.
export function parse_minor(text, currency) {
  let s = String(text == null ? '' : text).trim();
  // Allow the player to type the currency code after the amount ("10 EUR").
  if (currency) {
    const code = String(currency).toUpperCase();
    if (s.toUpperCase().endsWith(code)) s = s.slice(0, s.length - code.length).trim();
  }
  return parse_decimal(s, currency_decimals(currency));
}

// parse_decimal("25.5", 2) -> 2550: a decimal number as an integer count of
// 10^-decimals, by string manipulation only (a float would round 0.29 * 100 to
// 28.999...). Throws an Error with a message for people.
export function parse_decimal(text, decimals) {
  const d = decimals;
  let s = String(text == null ? '' : text).trim();
  if (s === '') throw new Error('Enter an amount.');
  let sign = 1;
  if (s[0] === '-' || s[0] === '+') {
    if (s[0] === '-') sign = -1;
    s = s.slice(1).trim();
  }
  const m = /^(\d{1,3}(?:[, ]\d{3})+|\d*)(?:\.(\d*))?$/.exec(s);
  if (!m || (m[1] === '' && (m[2] === undefined || m[2] === ''))) {
    throw new Error('Enter a number, for example ' +
      (d === 0 ? '25' : '25.' + '0'.repeat(d)) + '.');
  }
  const whole = m[1].replace(/[, ]/g, '') || '0';
  const frac = m[2] || '';
  if (frac.length > d) {
    throw new Error(d === 0
      ? 'Use a whole number, without decimals.'
      : `Use at most ${d} decimal${d === 1 ? '' : 's'}.`);
  }
  const digits = (whole + frac.padEnd(d, '0')).replace(/^0+(?=\d)/, '');
  // Compare as strings of digits: longer means larger, equal length compares
  // lexically. This keeps the check exact without BigInt.
  const max = String(MAX_SAFE);
  if (digits.length > max.length || (digits.length === max.length && digits > max)) {
    throw new Error('That number is too large.');
  }
  const value = Number(digits);
  return sign < 0 && value !== 0 ? -value : value;
}
