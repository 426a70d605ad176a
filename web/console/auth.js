// Who is signed in and what their role allows.
//
// The key is kept in sessionStorage, never localStorage: it dies with the tab, so a
// shared back-office machine does not keep an operator's key after they close it.
// The role comes from GET /v1/whoami; screens ask `can(action)` to hide what the
// role cannot do. The server still decides: a 403 is handled like any error.

import { set_key, whoami } from './api.js';

const storage_key = 'agg.console.key';

const rank = { read_only: 1, support: 2, admin: 3 };

// The minimum role of each write (docs/openapi.yaml, "Roles", and each route).
const needs = {
  'player.create': 'support',
  'player.lock': 'support',
  'player.unlock': 'support',
  'player.kyc': 'support',
  'player.limit': 'support',
  'wallet.deposit': 'admin',
  'wallet.withdraw': 'admin',
  'bonus.grant': 'admin',
  'bonus.revoke': 'support',
  'withdrawal.approve': 'admin',
  'withdrawal.reject': 'support',
  'campaign.write': 'admin',
  'risk.resolve': 'support',
  'risk.address': 'admin',
  'risk.reload': 'admin',
  'audit.read': 'admin',
};

let current = null; // {name, role}

export function operator() {
  return current;
}

export function can(action) {
  const need = needs[action];
  if (!need) throw new Error(`unknown action ${action}`);
  return Boolean(current) && (rank[current.role] || 0) >= rank[need];
}

// Checks the key with the server; on success keeps it for this tab.
export async function sign_in(key) {
  const who = await whoami(key);
  if (!rank[who.role]) throw new Error(`unknown role ${who.role}`);
  sessionStorage.setItem(storage_key, key);
  set_key(key);
  current = { name: who.name, role: who.role };
  return current;
}

// At page load: the key of this tab's earlier sign-in, checked again (its role may
// have changed since). Resolves null when there is none or it is refused.
export async function resume() {
  const key = sessionStorage.getItem(storage_key);
  if (!key) return null;
  try {
    return await sign_in(key);
  } catch (e) {
    sessionStorage.removeItem(storage_key);
    throw e;
  }
}

export function sign_out() {
  sessionStorage.removeItem(storage_key);
  set_key('');
  current = null;
}
