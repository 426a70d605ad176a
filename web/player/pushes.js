// Frames the server sends on its own (docs/protocol.md, "Pushes") turned into state:
// the balance, payments, bonus grants, rounds played elsewhere, vendor status, and the
// responsible-gaming pushes (reality_check, session_limit_reached). Unknown push types
// are ignored, as the protocol asks.
//
// The cash balance follows the ledger: a push carries the `seq` of its newest entry,
// and an older push never overwrites a newer one. Bonus money is not in pushes; it is
// read with `balance` after anything that may have moved it.

import { format_minor } from '/common/money.js';
import { announce } from './ui.js';

// Several changes in a burst (a bet and its win) need one `balance` read, not two.
const balance_read_delay_ms = 250;

export function create_wallet({ session, store }) {
  let pushes_seen = 0;
  let read_timer = null;

  function set_cash(currency, cash, seq) {
    const prev = store.state.balance;
    if (!prev || prev.currency !== currency) return false;
    if (seq && prev.seq && seq <= prev.seq) return false;
    store.set({ balance: { ...prev, cash, seq: seq || prev.seq } });
    return true;
  }

  // Reads cash and bonus. A push that arrived while the read was in flight is at
  // least as new as the read, so then only the bonus part is taken from it.
  async function read_balance() {
    if (store.state.auth !== 'ready') return;
    const seen = pushes_seen;
    const reply = await session.request('balance');
    const b = reply.balances && reply.balances[0];
    const prev = store.state.balance;
    if (!b || !prev || prev.currency !== b.currency) return;
    store.set({ balance: seen === pushes_seen
      ? { ...prev, cash: b.balance, bonus: b.bonus }
      : { ...prev, bonus: b.bonus } });
  }

  function read_balance_soon() {
    clearTimeout(read_timer);
    read_timer = setTimeout(() => read_balance().catch(() => {}), balance_read_delay_ms);
  }

  function on_balance_push(p) {
    pushes_seen += 1;
    if (!set_cash(p.currency, p.balance, p.seq)) return;
    const b = store.state.balance;
    // A bet may have spent bonus money, a bonus step moves it: read it again.
    if ((b.bonus && b.bonus > 0) || String(p.reason).startsWith('bonus')) read_balance_soon();
    const reason = String(p.reason || '');
    if (reason === 'deposit' || reason === 'withdrawal' || reason.startsWith('bonus')) {
      announce(`Balance ${format_minor(p.balance, p.currency)} after ${reason.replace(/_/g, ' ')}.`);
    }
  }

  return { read_balance, read_balance_soon, on_balance_push, set_cash };
}

// Payments are kept in a Map by id, newest first; a push replaces its payment.
export function merge_payment(store, payment) {
  const map = new Map(store.state.payments || []);
  const { id: _id, type: _type, ...fields } = payment;
  map.set(fields.payment_id, { ...(map.get(fields.payment_id) || {}), ...fields });
  const sorted = new Map([...map.entries()].sort((a, b) => b[1].created_us - a[1].created_us));
  store.set({ payments: sorted });
  return fields;
}

const PAYMENT_WORDS = {
  confirmed: 'confirmed', declined: 'declined', failed: 'failed', expired: 'expired',
  review: 'waiting for review', approved: 'approved', sent: 'sent', paid: 'paid',
  rejected: 'rejected', cancelled: 'cancelled',
};

export function describe_payment(p) {
  const what = p.kind === 'deposit' ? 'Deposit' : 'Withdrawal';
  const status = PAYMENT_WORDS[p.status] || p.status;
  return `${what} of ${format_minor(p.amount, p.currency)} ${status}.`;
}

export function install_pushes({ conn, store, wallet, on_reality_check, on_session_limit }) {
  conn.on('push', (p) => {
    switch (p.type) {
      case 'balance':
        if (p.currency !== undefined && p.seq !== undefined) wallet.on_balance_push(p);
        break;
      case 'payment': {
        const payment = merge_payment(store, p);
        store.set({ payment_event: payment });
        if (PAYMENT_WORDS[payment.status]) announce(describe_payment(payment));
        break;
      }
      case 'bonus':
        store.set({ bonus_event: p });
        wallet.read_balance_soon();
        break;
      case 'round':
        // A round played on another connection of this player.
        store.set({ last_round: p, rounds_changed: store.state.rounds_changed + 1 });
        break;
      case 'vendor_status':
        if (store.state.games) {
          store.set({ games: store.state.games.map((g) =>
            (g.vendor === p.vendor ? { ...g, available: p.available } : g)) });
        }
        break;
      case 'reality_check':
        on_reality_check(p);
        break;
      case 'session_limit_reached':
        on_session_limit();
        break;
      case 'error':
        // Errors without id: rate_limited (the frame was dropped) or internal_error
        // before a 1011 close. Shown by main.js through the store.
        store.set({ connection_error: p });
        break;
      default:
        break; // Unknown pushes are ignored (protocol.md, "Versioning").
    }
  });
}
