// The player's session over the connection (docs/protocol.md, "Sessions and
// authentication"): register, login, resume after every reconnect, refresh before
// the token expires, logout; and the one place that notices a session has ended
// (token_expired, token_revoked, a session limit) and sends the player to log in.
//
// The token is kept in sessionStorage: it survives a reload and a dropped socket in
// this tab, and is gone when the tab closes.

import { device } from './fingerprint.js';
import { message_for } from './errors.js';

const token_key = 'agg.session';
// Refresh when this share of the token's life has passed, and never sooner than
// the floor (a clock far off could otherwise refresh in a loop).
const refresh_at_share = 0.75;
const refresh_floor_ms = 5_000;
// A resume that failed for a reason worth retrying (unavailable, timeout) is tried
// again after this wait while the socket stays open.
const resume_retry_ms = 3_000;
const ENDED_CODES = new Set(['token_expired', 'token_revoked', 'not_authenticated']);
const RESUME_FATAL = new Set([
  'token_invalid', 'token_expired', 'token_revoked', 'account_locked', 'account_self_excluded',
  'account_cooling_off', 'player_not_found', 'invalid_field',
]);

function load_saved() {
  try {
    const saved = JSON.parse(sessionStorage.getItem(token_key) || 'null');
    return saved && typeof saved.token === 'string' ? saved : null;
  } catch {
    return null;
  }
}

function save(session) {
  try {
    if (session) {
      sessionStorage.setItem(token_key, JSON.stringify({
        token: session.token, expires_at_us: session.expires_at_us, username: session.username,
      }));
    } else {
      sessionStorage.removeItem(token_key);
    }
  } catch {
    // Without storage the session simply does not survive a reload.
  }
}

export function create_session({ conn, store, on_ended }) {
  let refresh_timer = null;
  let resume_timer = null;
  let clock_offset_ms = 0; // server clock minus ours

  function session_fields(reply) {
    return {
      player_id: reply.player_id,
      username: reply.username,
      currency: reply.currency,
      token: reply.token,
      session_id: reply.session_id,
      expires_at_us: reply.expires_at_us,
    };
  }

  // A session reply (registered, logged_in, resumed, refreshed) makes us logged in.
  function accept(reply) {
    const session = session_fields(reply);
    save(session);
    const patch = { session, auth: 'ready' };
    const b = Array.isArray(reply.balances) &&
      reply.balances.find((x) => x.currency === reply.currency);
    if (b) {
      // seq 0: the reply says nothing of the ledger position, so the next push wins.
      patch.balance = { currency: b.currency, cash: b.balance, bonus: b.bonus, seq: 0 };
    } else if (!store.state.balance || store.state.balance.currency !== reply.currency) {
      patch.balance = { currency: reply.currency, cash: null, bonus: null, seq: 0 };
    }
    store.set(patch);
    schedule_refresh(session);
  }

  function schedule_refresh(session) {
    clearTimeout(refresh_timer);
    const now_server_ms = Date.now() + clock_offset_ms;
    const left_ms = session.expires_at_us / 1000 - now_server_ms;
    const wait_ms = Math.max(refresh_floor_ms, left_ms * refresh_at_share);
    refresh_timer = setTimeout(refresh, wait_ms);
  }

  async function refresh() {
    if (store.state.auth !== 'ready') return;
    try {
      accept(await conn.request('refresh'));
    } catch (e) {
      if (ENDED_CODES.has(e.code)) ended(e);
      // offline: the resume after the reconnect carries the still valid token, and
      // accept() schedules the next refresh.
    }
  }

  // The session is over on the server; forget it and ask the player to log in.
  function ended(reason_error, text) {
    clearTimeout(refresh_timer);
    save(null);
    store.set({ auth: 'anonymous', session: null, balance: null, payments: null, bonuses: null,
      limits: null, kyc: null, seeds: null, last_round: null });
    on_ended(text || message_for(reason_error));
  }

  async function measure_clock() {
    try {
      const t0 = Date.now();
      const pong = await conn.request('ping');
      const t1 = Date.now();
      clock_offset_ms = pong.server_time_us / 1000 - (t0 + t1) / 2;
    } catch {
      clock_offset_ms = 0;
    }
  }

  async function resume() {
    clearTimeout(resume_timer);
    const saved = load_saved();
    if (!saved) {
      store.set({ auth: 'anonymous' });
      return;
    }
    store.set({ auth: 'resuming' });
    try {
      accept(await conn.request('resume', { token: saved.token, device: await device() }));
    } catch (e) {
      if (RESUME_FATAL.has(e.code)) {
        ended(e);
      } else if (e.code !== 'offline') {
        // unavailable, storage_error, timeout: the token may still be good.
        resume_timer = setTimeout(resume, resume_retry_ms);
      }
    }
  }

  conn.on('open', async () => {
    await measure_clock();
    await resume();
  });
  conn.on('state', (state) => {
    store.set({ connection: state });
    if (state === 'waiting' && store.state.auth === 'ready') store.set({ auth: 'resuming' });
  });

  return {
    has_saved: () => Boolean(load_saved()),
    saved_username: () => (load_saved() || {}).username || '',

    async register(fields) {
      accept(await conn.request('register', { ...fields, device: await device() }));
    },

    // Resolves with the reply so that the caller can show `failed_logins`.
    async login(username, password) {
      const reply = await conn.request('login', { username, password, device: await device() });
      accept(reply);
      return reply;
    },

    async logout() {
      clearTimeout(refresh_timer);
      try {
        await conn.request('logout');
      } finally {
        // Whatever the answer, the connection is anonymous afterwards (protocol.md).
        save(null);
        store.set({ auth: 'anonymous', session: null, balance: null, payments: null,
          bonuses: null, limits: null, kyc: null, seeds: null, last_round: null });
      }
    },

    // cool_off and self_exclude leave the connection anonymous; so does a session
    // time limit. `text` is what the login screen says.
    ended_by_server(text) {
      ended(null, text);
    },

    // Every request that needs a login goes through here, so that an ended session
    // is noticed whichever screen asked.
    async request(type, fields, options) {
      try {
        return await conn.request(type, fields, options);
      } catch (e) {
        if (ENDED_CODES.has(e.code) && store.state.auth === 'ready') ended(e);
        throw e;
      }
    },

    // A new token for the same session, asked by the player; throws like request.
    async refresh_now() {
      try {
        const reply = await conn.request('refresh');
        accept(reply);
        return reply;
      } catch (e) {
        if (ENDED_CODES.has(e.code)) ended(e);
        throw e;
      }
    },

    server_now_ms: () => Date.now() + clock_offset_ms,
  };
}
