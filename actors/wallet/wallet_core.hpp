#pragma once

// The wallet rules as a plain state struct, without actors: the wallet actor's
// handlers delegate here, and tests drive it directly.
//
// The core holds one player's balances and chain head as they will be once every
// submitted write commits, plus what it knows about transaction ids, rollback marks
// and rounds. Before apply() it must know every key a request touches: missing()
// names the unknown ones, learn() stores a storage lookup's answer (a key asked for
// and not returned is known to be absent).

#include "actors/core/messages.hpp"
#include "actors/core/wallet_errc.hpp"
#include "actors/wallet/id_filter.hpp"
#include "actors/wallet/recent_map.hpp"
#include "persistence/bonus_parts.hpp"

#include <map>
#include <optional>

namespace agg {

struct apply_outcome {
  wallet_errc error = wallet_errc::none;
  wallet_receipt receipt;            // valid when error is none
  std::optional<ledger_write> write; // a new entry to commit; none for reads, replays
  std::optional<ledger_write> then;  // an entry it set off (a bonus's conversion)
};

// The source of the wallet's bonus entries (grants and their ends).
inline constexpr const char* bonus_source = "bonus";

// The most free rounds one grant can hold.
inline constexpr int64_t free_rounds_max = 10'000;

class wallet_core {
public:
  // `ids` (optional, shared by the node's wallets) lets the core rule out ids that
  // were never written without asking storage; the core adds every id it writes.
  explicit wallet_core(const wallet_snapshot& snapshot, size_t cache_entries_max = 4096,
                       id_filter* ids = nullptr);

  // Adds the keys `req` needs that are not known yet to `out`.
  void missing(const wallet_request& req, lookup_request& out) const;

  // Learns as absent every key in `miss` that the id filter rules out, and removes
  // them from `miss`: what is left must be looked up.
  void rule_out(lookup_request& miss);

  // Stores a lookup's answer. Keys already known (for example written since the lookup
  // was sent) keep their newer value.
  void learn(const lookup_request& asked, const lookup_result& found);

  // Applies a request whose keys are all known. Validation errors and rule refusals
  // come back in error; a new entry comes back in write.
  apply_outcome apply(const wallet_request& req, int64_t now_us);

  // Drops cached facts older than what is committed, beyond the cache bound.
  void evict(int64_t committed_seq);

  // Forgets that keys were absent. Another player's wallet may write such a key at
  // any time, so absence is only trusted for the requests processed together with
  // the lookup that found it: call this whenever no request is waiting.
  void forget_absent();

  int64_t player_id() const { return player_id_; }
  int64_t last_seq() const { return last_seq_; }
  const hash256& last_hash() const { return last_hash_; }
  int64_t balance(const std::string& currency) const;
  const std::map<std::string, int64_t>& balances() const { return balances_; }
  // The bonus money of the active grants in `currency`.
  int64_t bonus_balance(const std::string& currency) const;
  // The active grants, oldest first.
  const std::vector<bonus_grant>& grants() const { return active_; }

  // Validates the fields of a request (ids, currency, amount) without any state.
  static wallet_errc validate(const wallet_request& req);

  // 3 to 8 characters of A-Z and 0-9 (ISO 4217 codes and a few more).
  static bool valid_currency(const std::string& c);

  // Money going out of a locked or self-excluded account is refused; money coming
  // in is not.
  void set_account_status(uint8_t status) { account_status_ = status; }
  uint8_t account_status() const { return account_status_; }
  bool active() const {
    return account_status_ == static_cast<uint8_t>(agg::account_status::active);
  }

  // Bets over a wager or loss limit are refused before the debit (wager_limit_reached,
  // loss_limit_reached); `totals` is what was wagered and lost in the limits' periods.
  void set_limits(const play_limits& limits, const play_totals& totals);
  const play_limits& limits() const { return limits_; }
  const play_totals& totals() const { return totals_; }

private:
  // What the wallet remembers of one transaction id.
  struct tx_fact {
    int64_t player_id = 0;
    uint8_t kind = 0;
    std::string currency;
    std::string round_id;
    std::string ref_tx_id;
    int64_t amount = 0;
    int64_t balance_after = 0;
    int64_t seq = 0;
    int64_t created_us = 0;
    std::string bonus;       // its bonus parts (bonus_parts.hpp)
    int64_t bonus_total = 0; // their sum (what moved the pockets)
    int64_t whole = 0;       // cash and every part, lapsed ones too: as asked for
  };
  struct mark_fact {
    int64_t player_id = 0;
    int64_t seq = 0; // the rollback entry that wrote it, 0 when read from storage
  };
  struct round_fact {
    round_record round;
    int64_t seq = 0; // last entry that changed it
  };

  // Known facts: a null optional means known to be absent.
  const std::optional<tx_fact>* known_tx(const std::string& source,
                                         const std::string& id) const;
  const std::optional<mark_fact>* known_mark(const std::string& source,
                                             const std::string& id) const;
  const std::optional<round_fact>* known_round(const std::string& source,
                                               const std::string& id) const;

  round_record fresh_round(const std::string& source, const std::string& round_id,
                           const std::string& currency) const;
  apply_outcome replay_or_duplicate(const wallet_request& req, const tx_fact& fact) const;
  apply_outcome apply_debit(const wallet_request& req, int64_t now_us);
  apply_outcome apply_credit(const wallet_request& req, int64_t now_us);
  apply_outcome apply_rollback(const wallet_request& req, int64_t now_us);
  apply_outcome apply_transfer(const wallet_request& req, int64_t now_us);
  apply_outcome apply_grant(const wallet_request& req, int64_t now_us);
  // A bet that is a free round of the grant req.grant_id: nothing taken from the
  // player, one round fewer left.
  apply_outcome apply_free_round(const wallet_request& req,
                                 std::optional<round_record> round, int64_t now_us);
  // Credits a free round's win to its grant (up to its max_win), with the wagering
  // it adds; `first_win` settles the round. A converted grant's win is cash.
  void pay_free_round(const std::string& grant_id, int64_t amount, bool first_win,
                      std::vector<bonus_part>& parts, std::vector<bonus_grant>& changed,
                      int64_t& to_cash, int64_t now_us);
  apply_outcome apply_end(const wallet_request& req, int64_t now_us);
  // The conversion of the oldest active grant in `currency` once its wagering is done.
  std::optional<ledger_write> convert_if_due(const std::string& currency, int64_t now_us);
  bonus_grant* active_grant(const std::string& grant_id);
  // Gives `amount` of a bet's part back to its grant: into the pocket while the grant
  // is active, as cash once it converted, to no one (lapsed) otherwise.
  void return_share(const std::string& grant_id, int64_t amount,
                    std::vector<bonus_part>& parts, std::vector<bonus_grant>& changed,
                    int64_t& to_cash, int64_t now_us);
  // The limit a stake would break, or none.
  wallet_errc over_limit(const std::string& currency, int64_t stake, int64_t now_us);
  // Appends a new entry moving `amount` (signed), with the round's new state and the
  // rollback mark it carries, and returns its outcome.
  apply_outcome write_entry(const wallet_request& req, entry_kind kind, int64_t amount,
                            const std::string& currency, const std::string& round_id,
                            const std::optional<round_record>& round, bool mark_rollback,
                            int64_t now_us, const std::vector<bonus_part>& parts = {},
                            std::vector<bonus_grant> changed = {});

  int64_t player_id_;
  uint8_t account_status_;
  size_t cache_max_;
  id_filter* ids_;
  mutable std::string key_buf_; // the key of the latest lookup (no allocation per lookup)
  int64_t last_seq_;
  hash256 last_hash_;
  std::map<std::string, int64_t> balances_;
  play_limits limits_;
  play_totals totals_;
  std::vector<bonus_grant> active_;      // oldest first
  std::map<std::string, uint8_t> ended_; // grant id -> grant_status, lately ended
  std::vector<std::string> absent_txs_, absent_marks_, absent_rounds_;
  recent_map<std::optional<tx_fact>> txs_;
  recent_map<std::optional<mark_fact>> marks_;
  recent_map<std::optional<round_fact>> rounds_;
};

} // namespace agg
