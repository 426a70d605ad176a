// The `device` object sent with register, login and resume (docs/protocol.md, "The
// device object"). Its `id` is a fingerprint: SHA-256 of properties the browser shows
// every page, computed once and kept in localStorage so that it stays the same when
// the window is resized or a font changes. The other members are sent as they are,
// cut to the server's byte limits (a longer one would refuse the whole login).

import { sha256, to_hex, utf8 } from './hash.js';

const storage_key = 'agg.device_id';

// Server limits per member, in bytes.
const LIMITS = { id: 128, user_agent: 256, platform: 64, screen: 32, timezone: 64, language: 35 };

function cut(text, bytes_max) {
  let s = String(text || '');
  // Cut by characters until the UTF-8 form fits: never splits a character.
  while (utf8(s).length > bytes_max) s = s.slice(0, -1);
  return s;
}

function timezone() {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || '';
  } catch {
    return '';
  }
}

function platform() {
  const uad = navigator.userAgentData;
  return (uad && uad.platform) || navigator.platform || '';
}

// Properties that stay put for one browser on one machine.
function stable_properties() {
  return [
    navigator.userAgent,
    (navigator.languages || [navigator.language]).join(','),
    platform(),
    navigator.hardwareConcurrency || 0,
    navigator.deviceMemory || 0,
    navigator.maxTouchPoints || 0,
    `${screen.width}x${screen.height}x${screen.colorDepth}`,
    timezone(),
  ].join('|');
}

function read_stored() {
  try {
    const v = localStorage.getItem(storage_key);
    return v && /^fp-[0-9a-f]{64}$/.test(v) ? v : null;
  } catch {
    return null; // Storage can be disabled; then the fingerprint is recomputed each time.
  }
}

export async function device_id() {
  const stored = read_stored();
  if (stored) return stored;
  const id = 'fp-' + to_hex(await sha256(utf8(stable_properties())));
  try {
    localStorage.setItem(storage_key, id);
  } catch {
    // See read_stored.
  }
  return id;
}

export async function device() {
  const d = {
    id: await device_id(),
    user_agent: navigator.userAgent,
    platform: platform(),
    screen: `${screen.width}x${screen.height}`,
    timezone: timezone(),
    language: navigator.language || '',
  };
  const out = {};
  for (const [k, v] of Object.entries(d)) if (v) out[k] = cut(v, LIMITS[k]);
  return out;
}
