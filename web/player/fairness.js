// Recomputes a built-in round in the browser from its revealed server seed, exactly
// as docs/vendor-integration.md ("Verifying a round by hand") describes and
// vendors/builtin/fair_random.cpp does:
//
//   block(cursor) = HMAC-SHA256(key = the seed's 32 raw bytes,
//                               message = "<client_seed>:<nonce>:<cursor>")
//   each block = eight big-endian 32-bit numbers, used in order;
//   uniform(n) = the next number r with r >= 2^32 mod n, then r mod n.
//   slot: five uniform(32) are the stops; dice: uniform(10000) is the roll.
//
// Nothing here asks the server: the point is an independent check.

import { hmac_sha256, sha256, from_hex, to_hex, utf8, hash_engine } from './hash.js';
import { slot_outcome, dice_outcome, DICE_RANGE, REELS, STRIP_LEN } from './games_rules.js';

// A verification draws a handful of numbers; a bound keeps a bad input from looping.
const blocks_max = 1000;

class FairStream {
  constructor(key, client_seed, nonce) {
    this.key_ = key;
    this.prefix_ = `${client_seed}:${nonce}:`;
    this.cursor_ = 0;
    this.block_ = null;
    this.used_ = 32;
  }

  async next_u32() {
    if (this.used_ + 4 > 32) {
      if (this.cursor_ >= blocks_max) throw new Error('too many random blocks');
      this.block_ = await hmac_sha256(this.key_, utf8(this.prefix_ + this.cursor_));
      this.cursor_ += 1;
      this.used_ = 0;
    }
    const b = this.block_;
    const i = this.used_;
    this.used_ += 4;
    // >>> 0 keeps it unsigned: (b[i] << 24) is negative for b[i] >= 128.
    return ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;
  }

  async uniform(n) {
    const threshold = 2 ** 32 % n;
    for (;;) {
      const r = await this.next_u32();
      if (r >= threshold) return r % n;
    }
  }
}

// SHA-256 of the seed's raw bytes, hex: what the server committed to.
export async function commitment_of(server_seed_hex) {
  const key = from_hex(server_seed_hex);
  if (!key) throw new Error('The server seed must be hex digits.');
  return to_hex(await sha256(key));
}

// {outcome, win, commitment, engine} of a round of `game` ('slot-5x3' or 'dice').
// `params` is the dice's {chance, over}; the slot takes none.
export async function recompute({ game, stake, params, server_seed, client_seed, nonce }) {
  const key = from_hex(server_seed);
  if (!key || key.length !== 32) throw new Error('The server seed must be 64 hex characters.');
  if (!Number.isSafeInteger(nonce) || nonce < 0) throw new Error('The nonce must be a whole number, 0 or more.');
  if (!Number.isSafeInteger(stake) || stake < 1) throw new Error('The stake must be a whole number of minor units.');
  const stream = new FairStream(key, client_seed, nonce);
  let result;
  if (game === 'slot-5x3') {
    if (stake % 10 !== 0) throw new Error('A slot stake is a multiple of 10 minor units.');
    const stops = [];
    for (let r = 0; r < REELS; r += 1) stops.push(await stream.uniform(STRIP_LEN));
    result = slot_outcome(stops, stake);
  } else if (game === 'dice') {
    const chance = params && params.chance;
    const over = Boolean(params && params.over);
    if (!Number.isInteger(chance) || chance < 100 || chance > 9800) {
      throw new Error('The dice chance must be 100 to 9800 (hundredths of a percent).');
    }
    const roll = await stream.uniform(DICE_RANGE);
    result = dice_outcome(roll, stake, chance, over);
  } else {
    throw new Error(`The browser cannot recompute the game ${game}.`);
  }
  return { ...result, commitment: to_hex(await sha256(key)), engine: hash_engine() };
}

// Deep equality of two outcomes as JSON values, ignoring key order (the server
// sorts keys; the client must not depend on it).
export function same_outcome(a, b) {
  return canonical(a) === canonical(b);
}

function canonical(v) {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}
