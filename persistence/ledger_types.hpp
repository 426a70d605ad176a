#pragma once

// Plain data of the wallet ledger, shared by the stores and the wallet logic.
// Money is int64_t minor units; every amount here is signed as applied to the balance.

#include "common/crypto.hpp"
#include "persistence/play_limits.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace agg {

enum class entry_kind : uint8_t {
  deposit = 1,
  withdrawal = 2,
  bet = 3,
  win = 4,
  rollback = 5,
  // Bonus money (docs/bonus.md): a grant puts money in its pocket; conversion turns
  // it into cash (at most the grant's maximum), forfeit and expiry take it away.
  bonus_grant = 6,
  bonus_conversion = 7,
  bonus_forfeit = 8,
  bonus_expiry = 9,
};

const char* to_string(entry_kind k);
// Returns false for an unknown code.
bool entry_kind_from_int(int64_t code, entry_kind& out);

// One append-only, hash-chained row of a player's ledger. `seq` counts the player's
// entries from 1; `hash = SHA-256(prev_hash || canonical(entry))`. `gseq` is its place
// in the global order of everything committed (global_chain.hpp), given by the writer
// at commit, and `ghash` links it to the record before it in that order.
struct ledger_entry {
  int64_t player_id = 0;
  int64_t seq = 0;
  uint8_t kind = 0;      // entry_kind
  std::string source;    // vendor id, or "operator"
  std::string tx_id;     // unique per source
  std::string ref_tx_id; // the bet a win or rollback refers to
  std::string round_id;
  std::string currency;
  int64_t amount = 0; // signed delta applied to the balance
  int64_t balance_after = 0;
  int64_t created_us = 0; // unix time, microseconds
  // The bonus pockets this entry moved (bonus_parts.hpp), empty for cash alone;
  // `amount` and `balance_after` are always the cash.
  std::string bonus;
  hash256 prev_hash{};
  hash256 hash{};
  int64_t gseq = 0; // 0 until committed
  hash256 ghash{};
  // Not chained, not stored: the round's game, for the event feed's consumers (set by
  // the wallet, read back from the round on reads of the log).
  std::string game;
};

// The state of one game round, keyed by (source, round_id).
struct round_record {
  std::string source;
  std::string round_id;
  int64_t player_id = 0;
  std::string currency;
  int64_t bet_count = 0;
  int64_t open_bet_count = 0;    // bets not rolled back
  int64_t rolled_back_count = 0; // includes rollbacks of bets never seen
  int64_t bet_total = 0;         // gross stakes, minor units, positive
  int64_t win_total = 0;
  int64_t refund_total = 0;
  bool credited = false; // a win was applied: the round is settled
  bool closed = false;
  int64_t opened_us = 0;
  int64_t updated_us = 0;
  std::string game_id; // set by the round's first bet
  std::string detail;  // the outcome as the studio described it (JSON), set by the win

  // Every bet was rolled back (or only rollbacks were seen) and nothing was paid.
  bool rolled_back() const {
    return rolled_back_count > 0 && open_bet_count == 0 && !credited;
  }
};

// A marker that the bet (source, tx_id) was rolled back, or that a rollback arrived
// before the bet was ever seen (a tombstone that refuses the late bet).
struct rollback_mark {
  std::string source;
  std::string tx_id;
  int64_t player_id = 0;
};

struct currency_balance {
  std::string currency;
  int64_t balance = 0; // cash
  int64_t bonus = 0;   // the active grants' money (a wallet's answer; 0 in storage)
};

enum class grant_status : uint8_t {
  active = 1,
  converted = 2,
  forfeited = 3,
  expired = 4,
};

const char* to_string(grant_status s);
bool grant_status_from_int(int64_t code, grant_status& out);

// One bonus grant: a copy of its campaign's terms when it was given, and its state.
// The wallet keeps a player's active grants; every entry that changes one carries its
// new state to storage in the same commit.
struct bonus_grant {
  std::string grant_id; // "bon_" and 24 hex digits
  int64_t player_id = 0;
  std::string campaign_id;
  std::string currency;
  uint8_t status = 1;  // grant_status
  int64_t amount = 0;  // granted
  int64_t balance = 0; // the pocket now
  int64_t wagering_required = 0;
  int64_t wagered = 0;          // stakes times their weight, so far
  int64_t max_stake = 0;        // the largest bet while it is active; 0: none
  int64_t max_conversion = 0;   // the most it can turn into cash; 0: no cap
  int64_t default_weight = 100; // percent of a stake that counts, 0 to 100
  std::string weights;          // "game:<id>=<pct>;vendor:<id>=<pct>", exceptions
  int64_t expires_us = 0;
  int64_t created_us = 0;
  int64_t updated_us = 0;
  int64_t converted = 0; // cash it became
  int64_t forfeited = 0; // what was taken away at its end
  // Free rounds (a free-spins campaign): `free_rounds` left to play, each a bet of
  // `free_bet` on `game_id` of `vendor` that costs the player nothing; `free_open`
  // played and not settled yet. Their wins fill the pocket, at most `max_win` in all
  // (0: no cap; `won` so far), and add wagering_x100 / 100 times themselves to the
  // requirement. The grant is wagered and converts only once every round is settled.
  std::string vendor;
  std::string game_id;
  int64_t free_rounds = 0;
  int64_t free_open = 0;
  int64_t free_bet = 0;
  int64_t max_win = 0;
  int64_t won = 0;
  int64_t wagering_x100 = 0;

  bool playing() const { return free_rounds > 0 || free_open > 0; }
};

// What a wallet needs to start serving a player.
struct wallet_snapshot {
  int64_t player_id = 0;
  int64_t last_seq = 0;
  hash256 last_hash{};
  std::vector<currency_balance> balances;
  // account_status of the player's account; active for a wallet without an account.
  uint8_t account_status = 1;
  // The wager and loss limits, and what was wagered and lost in their periods (read
  // from the ledger only when the player has such limits).
  play_limits limits;
  play_totals totals;
  // Active bonus grants, oldest first, and those ended recently (what a late win of a
  // bet they paid for needs to know).
  std::vector<bonus_grant> grants;
};

// One entry to append plus the side effects it carries, in the order the wallet
// applied them.
struct ledger_write {
  ledger_entry entry;
  bool mark_rollback = false; // insert rollback_mark(entry.source, entry.ref_tx_id)
  bool has_round = false;
  round_record round;              // the round's full state after this entry
  std::vector<bonus_grant> grants; // the full state of each grant it changed
};

// Largest amount accepted in one operation: keeps every sum far from overflow.
constexpr int64_t amount_minor_max = 1'000'000'000'000'000; // 1e15

} // namespace agg
