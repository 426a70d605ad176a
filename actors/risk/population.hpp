#pragma once

// A labelled population of players for the risk model (docs/risk.md): honest people
// (right-skewed think times, varied stakes and games, one or two sessions, some in
// households that share an address, a device or a card, some behind a public
// address), bots (narrow or fixed timing, scripted stakes, one game, long sessions),
// multi-account rings (accounts sharing devices, an address and a card, little play,
// withdrawals together, each claiming the welcome bonus) and bonus abusers (alone:
// the bonus claimed, money in, a little play on one game, money out); a fifth of the
// honest players claim the bonus too. Each player is a script of actions in simulated
// time, the same for the offline trainer and for the evaluation that plays it over the
// real protocol. Deterministic for a seed. No actors, no storage.

#include <cstdint>
#include <string>
#include <vector>

namespace agg::risk {

enum class label : uint8_t { human = 0, bot = 1, ring = 2, bonus_abuse = 3 };

const char* to_string(label l);

struct sim_action {
  // claim: the player claims the welcome bonus code (a deposit match granted at the
  // next deposit).
  enum class kind : uint8_t { registration, deposit, bet, withdraw, claim };
  kind what = kind::bet;
  int64_t at_ms = 0;      // simulated time since the population's start
  int64_t amount = 0;     // a deposit or withdrawal, or a bet's stake (minor units)
  std::string game;       // bets: "slot-5x3" or "dice"
  std::string device;     // registration: the device fingerprint
  std::string address;    // registration: the client's address
  std::string instrument; // deposits and withdrawals: the card
};

struct sim_player {
  int index = 0;
  label truth = label::human;
  int group = -1; // a household's or a ring's number, -1 alone
  std::string username;
  std::string email;
  std::vector<sim_action> actions; // in time order; the first is the registration
};

struct population_options {
  uint64_t seed = 1;
  int humans = 60;         // besides households and the public address
  int households = 6;      // 2 to 4 people each
  int public_address = 12; // people behind one public address (a cafe's Wi-Fi)
  int bots = 16;
  int rings = 4; // 4 to 6 accounts each
  int abusers = 8;
};

std::vector<sim_player> generate_population(const population_options& opts);

} // namespace agg::risk
