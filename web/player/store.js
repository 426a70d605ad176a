// The app's state in one place, so that a push that changes the balance (or a
// payment, or a grant) updates every screen that shows it. Screens read `store.state`
// and subscribe to the keys they draw; `set` notifies only the listeners of the keys
// that changed.

export function create_store(initial) {
  const state = { ...initial };
  const listeners = new Set(); // {keys: Set|null, fn}

  function set(patch) {
    const changed = [];
    for (const [key, value] of Object.entries(patch)) {
      if (state[key] !== value) {
        state[key] = value;
        changed.push(key);
      }
    }
    if (changed.length === 0) return;
    for (const l of [...listeners]) {
      // A listener removed by an earlier one (a screen unmounted) is not called.
      if (!listeners.has(l)) continue;
      if (!l.keys || changed.some((k) => l.keys.has(k))) l.fn(state, changed);
    }
  }

  // subscribe(['balance', 'session'], fn) -> unsubscribe function.
  function subscribe(keys, fn) {
    const l = { keys: keys ? new Set(keys) : null, fn };
    listeners.add(l);
    return () => listeners.delete(l);
  }

  return { state, set, subscribe };
}

// The state the app starts with; every key a screen may subscribe to is named here.
export function initial_state() {
  return {
    connection: 'idle', // Connection.state
    auth: 'anonymous', // anonymous | resuming | ready
    session: null, // {player_id, username, currency, token, session_id, expires_at_us}
    // Cash from pushes and replies, with the ledger seq it stands at; bonus money
    // from `balance` replies only (pushes do not carry it).
    balance: null, // {currency, cash, bonus, seq}
    games: null, // the `games` list
    payments: null, // Map payment_id -> payment, newest first by created_us
    reserved: 0,
    bonuses: null, // {bonuses, campaigns}
    limits: null, // the `limits` reply
    kyc: null,
    seeds: null, // the `seeds` reply
    revealed: [], // seeds_rotated replies kept by the app (the server keeps no list)
    last_round: null, // the latest `round` reply or push
    rounds_changed: 0, // bumped when a round is played, so lists can refresh
    bonus_event: null, // the latest bonus push
    payment_event: null, // the latest payment push
    connection_error: null, // the latest error frame without id
  };
}
