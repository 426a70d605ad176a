// A responsible-gaming limit's amount as typed (docs/responsible_gaming.md), read
// the same way by the player app and the operator console, so that a player and
// support get the same refusal for the same text: money limits in minor units,
// time limits (reality check, session length) in whole minutes up to a day.
//
// Exports:
//   minutes_max                                  -> the largest time limit, in minutes
//   parse_limit_amount(text, minutes, currency)  -> minor units or minutes, or throws Error

import { parse_minor } from './money.js';

export const minutes_max = 1440;

// Throws an Error whose message can be shown as is. Zero is a valid money limit
// (no deposits at all); a time limit of zero minutes would mean nothing.
export function parse_limit_amount(text, minutes, currency) {
  if (!minutes) {
    const v = parse_minor(text, currency);
    if (v < 0) throw new Error('A limit cannot be negative.');
    return v;
  }
  const t = String(text).trim();
  if (!/^\d+$/.test(t) || Number(t) < 1 || Number(t) > minutes_max) {
    throw new Error(`Enter whole minutes from 1 to ${minutes_max}.`);
  }
  return Number(t);
}
