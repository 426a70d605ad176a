#pragma once

// What a game studio integration implements. An adapter describes its games and
// produces round outcomes; the server's vendor_connection actor does everything
// around it: stake limits, the debit before and the credit after, refunds on failure,
// concurrency limits, timeouts and the circuit breaker. Adapters are plain C++: they
// know nothing of actors, sockets or the wallet.
//
// Registering one is a folder under vendors/ with a .cpp that calls
// register_adapter(), plus a [vendors.<id>] section in the config (see
// docs/vendor-integration.md).

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "vendors/seamless.hpp"

namespace agg::vendors {

struct game_info {
  std::string game_id;
  std::string name;
  std::string category;  // "slots", "dice", ...
  int64_t rtp_ppm = 0;   // theoretical return to player, parts per million
  int64_t stake_min = 1; // minor units
  int64_t stake_max = 0;
  int64_t stake_step = 1;              // a stake is a multiple of this
  std::vector<std::string> currencies; // empty: every currency
};

// What makes a round provably fair: anyone can recompute its outcome from these once
// the server seed is revealed.
struct fairness_proof {
  std::string server_seed_hash; // SHA-256 of the server seed, hex, shown before play
  std::string client_seed;
  int64_t nonce = 0;
};

struct round_context {
  int64_t player_id = 0;
  std::string game_id;
  std::string currency;
  int64_t stake = 0;
  std::string params_json; // game parameters from the player, e.g. {"target":50}
  std::string round_id;
};

struct round_outcome {
  int64_t win = 0;         // minor units
  std::string detail_json; // what the player sees: reels and lines, the roll, ...
  std::optional<fairness_proof> proof;
};

// A round the player asked for that the game refuses (bad parameters): nothing is
// debited. Any other exception from play() means the outcome is unknown.
class invalid_params : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

// Thrown by the provably fair methods of a studio that is not provably fair.
class not_provably_fair : public std::runtime_error {
public:
  not_provably_fair() : std::runtime_error("this studio is not provably fair") {}
};

// A game launch at a studio that runs its games itself (seamless wallet).
struct launch_context {
  int64_t player_id = 0;
  std::string game_id;
  std::string currency;
  std::string token; // the game session token the studio will present to our wallet
  std::string lang = "en";
  std::string country;
  std::string lobby_url;
};

// The provably fair seeds of one player with a studio.
struct seed_state {
  std::string server_seed_hash;
  std::string client_seed;
  int64_t next_nonce = 0;
};

struct revealed_seed {
  std::string server_seed; // hex: the secret, now public
  std::string server_seed_hash;
  std::string client_seed;
  int64_t last_nonce = -1; // the last nonce played with it, -1 if none
  seed_state next;         // the new commitment
};

class adapter {
public:
  virtual ~adapter() = default;

  virtual std::vector<game_info> games() const = 0;

  // Checks a round's game parameters before anything is debited; throws
  // invalid_params. Must not block.
  virtual void check(const round_context& /*ctx*/) const {}

  // The outcome of a round whose stake is already debited. May block (it then runs
  // on the vendor's worker threads); throws invalid_params for bad parameters.
  virtual round_outcome play(const round_context& ctx) = 0;

  // The same outcome, if it can be had at once without blocking (no I/O, no waiting);
  // nothing otherwise, and play() runs on a worker thread after the debit instead.
  // Called before the debit: the win then goes to the wallet right behind the bet, and
  // both are mostly made durable by one commit (an outcome whose bet is refused is
  // dropped unseen). Studios whose every round is cheap computation save a commit and
  // several thread hops per round with it.
  virtual std::optional<round_outcome> play_now(const round_context& /*ctx*/) {
    return std::nullopt;
  }

  // A cheap check that the studio can take rounds, where the studio has one
  // (has_health_check()): while a vendor's circuit is open it is asked every
  // health_probe_interval_ms, and the circuit closes as soon as it answers true. May
  // block (it runs on a worker thread).
  virtual bool has_health_check() const { return false; }
  virtual bool healthy() { return true; }

  // -- studios that can say what became of a round ---------------------------------
  // True when resolve() asks the studio; otherwise a round whose outcome is unknown
  // is refunded at once.
  virtual bool resolvable() const { return false; }
  // After play() failed with the outcome unknown (a timeout, a lost connection):
  // what the studio did with the round. An outcome: it was played, and is paid.
  // Nothing: it was not, and the studio will never play it; the stake is refunded.
  // Throws when the studio cannot say; the stake is then refunded too (by rule, an
  // outcome nobody can show is void). May block (it runs on a worker thread).
  virtual std::optional<round_outcome> resolve(const round_context& /*ctx*/) {
    return std::nullopt;
  }

  // -- studios that run their games and call our wallet (seamless wallet) -----------
  // True when rounds come to us as wallet calls instead of play().
  virtual bool seamless() const { return false; }
  // The URL to send the player to. May block (it runs on a worker thread).
  virtual std::string launch(const launch_context& /*ctx*/) {
    throw std::logic_error("this studio does not launch games");
  }
  // True when give_free_rounds() reaches the studio.
  virtual bool gives_free_rounds() const { return false; }
  // Gives free rounds to a player at the studio; throws when the studio refuses or
  // cannot be reached. Giving the same reward_id again must not give it twice. May
  // block (it runs on a worker thread).
  virtual void give_free_rounds(const free_rounds_award& /*award*/) {
    throw std::logic_error("this studio does not give free rounds");
  }
  // A URL showing a past round's details. May block.
  virtual std::string round_details(const std::string& /*round_id*/, int64_t /*player*/) {
    throw std::logic_error("this studio has no round details");
  }

  // -- provably fair studios ---------------------------------------------------------
  virtual bool provably_fair() const { return false; }
  virtual seed_state seeds(int64_t /*player*/) { throw not_provably_fair{}; }
  // Reveals the current server seed and commits to a new one; the new pair uses
  // `client_seed` when given (a player setting their own), else a fresh random one.
  // Throws invalid_params for an unusable client seed.
  virtual revealed_seed rotate_seed(int64_t /*player*/,
                                    const std::optional<std::string>& /*client_seed*/) {
    throw not_provably_fair{};
  }
  // Recomputes an outcome from revealed seeds; nothing is stored.
  virtual round_outcome verify(const std::string& /*game_id*/,
                               const std::string& /*params_json*/, int64_t /*stake*/,
                               const std::string& /*server_seed_hex*/,
                               const std::string& /*client_seed*/, int64_t /*nonce*/) {
    throw not_provably_fair{};
  }
};

// Where an adapter keeps the per-player seeds of a provably fair studio. The server
// implements it on its database.
struct stored_seeds {
  std::string server_seed_hex;
  std::string client_seed;
  int64_t next_nonce = 0;
  int64_t nonce_reserved = 0; // nonces below this may have been used before a restart
};

class seed_repository {
public:
  virtual ~seed_repository() = default;
  virtual std::optional<stored_seeds> load(const std::string& vendor, int64_t player) = 0;
  virtual void save(const std::string& vendor, int64_t player, const stored_seeds& s) = 0;
  // In one transaction: records the retired seed (so that its rounds can be verified
  // later) and stores the new one. A crash never leaves a revealed seed in use.
  virtual void rotate(const std::string& vendor, int64_t player, const revealed_seed& old,
                      const stored_seeds& next) = 0;
};

// What the server hands an adapter factory: the vendor's id, its config section as
// strings, and services.
struct adapter_env {
  std::string vendor_id;
  std::map<std::string, std::string> settings;
  seed_repository* seeds = nullptr;
};

using adapter_factory = std::function<std::unique_ptr<adapter>(const adapter_env&)>;

// A setting of the vendor's section as text; `fallback` when absent.
std::string text_setting(const std::map<std::string, std::string>& settings,
                         const std::string& key, const std::string& fallback = "");

// An integer setting of the vendor's section: `fallback` when absent; throws
// std::invalid_argument naming "vendors.<id>.<key>" when it is not a whole decimal
// integer within [lo, hi].
int64_t integer_setting(const std::string& vendor_id,
                        const std::map<std::string, std::string>& settings,
                        const std::string& key, int64_t fallback, int64_t lo, int64_t hi);

// Makes `kind` available to the config ("kind" in a [vendors.<id>] section).
// Returns true, so that a static initializer can call it.
bool register_adapter(const std::string& kind, adapter_factory factory);

// The factory of `kind`, or an empty function.
adapter_factory find_adapter(const std::string& kind);

std::vector<std::string> adapter_kinds();

} // namespace agg::vendors
