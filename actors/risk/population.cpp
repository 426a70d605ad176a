#include "actors/risk/population.hpp"

#include <algorithm>
#include <cmath>
#include <random>

namespace agg::risk {

const char* to_string(label l) {
  switch (l) {
    case label::human:
      return "human";
    case label::bot:
      return "bot";
    case label::ring:
      return "ring";
    case label::bonus_abuse:
      return "bonus_abuse";
  }
  return "unknown";
}

namespace {

constexpr int64_t second = 1'000;
constexpr int64_t minute = 60 * second;
const char* const games[] = {"slot-5x3", "dice"};

class builder {
public:
  explicit builder(uint64_t seed) : rng_(seed) {}

  double uniform(double lo, double hi) {
    return std::uniform_real_distribution<double>(lo, hi)(rng_);
  }
  int64_t between(int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng_);
  }
  bool chance(double p) { return uniform(0, 1) < p; }
  double normal(double sd) { return std::normal_distribution<double>(0, sd)(rng_); }
  // A right-skewed think time: log-normal with this median.
  int64_t think(double median_ms, double sigma) {
    return static_cast<int64_t>(median_ms * std::exp(normal(sigma)));
  }
  std::string token(const char* prefix) {
    static const char hex[] = "0123456789abcdef";
    std::string s = prefix;
    for (int i = 0; i < 16; ++i)
      s += hex[between(0, 15)];
    return s;
  }
  std::string address() {
    return "10." + std::to_string(between(0, 255)) + "." +
           std::to_string(between(0, 255)) + "." + std::to_string(between(1, 254));
  }

  sim_player& add(label truth, int group) {
    sim_player p;
    p.index = static_cast<int>(players_.size());
    p.truth = truth;
    p.group = group;
    p.username = "sim" + std::to_string(p.index) + "_" + token("").substr(0, 6);
    p.email = p.username + "@example.org";
    players_.push_back(std::move(p));
    return players_.back();
  }

  static void registration(sim_player& p, int64_t at, std::string device,
                           std::string address) {
    sim_action a;
    a.what = sim_action::kind::registration;
    a.at_ms = at;
    a.device = std::move(device);
    a.address = std::move(address);
    p.actions.push_back(std::move(a));
  }
  static void money(sim_player& p, sim_action::kind k, int64_t at, int64_t amount,
                    const std::string& card) {
    sim_action a;
    a.what = k;
    a.at_ms = at;
    a.amount = amount;
    a.instrument = card;
    p.actions.push_back(std::move(a));
  }
  static void claim(sim_player& p, int64_t at) {
    sim_action a;
    a.what = sim_action::kind::claim;
    a.at_ms = at;
    p.actions.push_back(std::move(a));
  }
  static void bet(sim_player& p, int64_t at, int64_t stake, const std::string& game) {
    sim_action a;
    a.at_ms = at;
    a.amount = stake;
    a.game = game;
    p.actions.push_back(std::move(a));
  }

  // An honest player: one or two sessions of right-skewed think times, stakes that
  // move now and then, a favourite game and visits to the other, sometimes a
  // withdrawal of part of the money at the end.
  void human(sim_player& p, const std::string& device, const std::string& address,
             const std::string& card) {
    auto t = between(0, 10 * minute);
    registration(p, t, device, address);
    if (chance(0.2)) claim(p, t + between(1 * second, 4 * second));
    auto deposit = 10'000 * between(2, 10);
    t += between(5 * second, 60 * second);
    money(p, sim_action::kind::deposit, t, deposit, card);
    bool casual = chance(0.15);
    int sessions = casual ? 1 : static_cast<int>(between(1, 2));
    auto median = uniform(2'500, 8'000);
    auto sigma = uniform(0.6, 1.1);
    // Valid on both games: the dice take 100 and up, the slot multiples of 10.
    const int64_t steps[] = {100, 200, 500, 1'000};
    auto stake = steps[between(0, 3)];
    auto favourite = between(0, 1);
    for (int s = 0; s < sessions; ++s) {
      if (s > 0) t += between(5 * minute, 30 * minute);
      auto bets = casual ? between(8, 15) : between(20, 60);
      for (int64_t b = 0; b < bets; ++b) {
        t += think(median, sigma);
        if (chance(0.05)) t += between(30 * second, 3 * minute);
        if (chance(0.2)) stake = steps[between(0, 3)];
        auto game = chance(0.75) ? games[favourite] : games[1 - favourite];
        bet(p, t, stake, game);
      }
    }
    if (!casual && chance(0.5)) {
      t += between(10 * second, 2 * minute);
      money(p, sim_action::kind::withdraw, t,
            static_cast<int64_t>(static_cast<double>(deposit) * uniform(0.1, 0.4)), card);
    }
  }

  // A bot: fixed or narrow timing, a fixed stake or a short scripted cycle, one game,
  // a long run, most of the money out at the end.
  void bot(sim_player& p) {
    auto t = between(0, 10 * minute);
    registration(p, t, token("dev-"), address());
    auto card = token("card-");
    auto deposit = 10'000 * between(5, 20);
    t += between(2 * second, 20 * second);
    money(p, sim_action::kind::deposit, t, deposit, card);
    auto base = uniform(1'000, 4'000);
    bool fixed = chance(0.5);
    auto spread = fixed ? uniform(0.0, 0.03) : uniform(0.02, 0.10);
    std::vector<int64_t> cycle{100 * between(1, 10)};
    if (chance(0.4)) {
      cycle.push_back(cycle[0] * 2);
      if (chance(0.5)) cycle.push_back(cycle[0] * 4);
    }
    auto game = games[between(0, 1)];
    auto bets = between(70, 140);
    for (int64_t b = 0; b < bets; ++b) {
      auto gap = fixed ? base * (1 + normal(spread)) : base * (1 + uniform(0, spread));
      t += std::max<int64_t>(200, static_cast<int64_t>(gap));
      bet(p, t, cycle[static_cast<size_t>(b) % cycle.size()], game);
    }
    t += between(1 * second, 10 * second);
    money(p, sim_action::kind::withdraw, t,
          static_cast<int64_t>(static_cast<double>(deposit) * uniform(0.5, 0.9)), card);
  }

  // A ring: accounts opened close together from a device or two, most from one
  // address, paid in with the same card, a little play at the lowest stake, and
  // nearly all of the money out at about the same time.
  void ring(int group) {
    auto start = between(0, 10 * minute);
    std::vector<std::string> devices{token("dev-")};
    if (chance(0.5)) devices.push_back(token("dev-"));
    auto address_shared = address();
    auto card = token("card-");
    auto members = between(4, 6);
    std::vector<size_t> mine;
    int64_t last = 0;
    for (int64_t m = 0; m < members; ++m) {
      auto& p = add(label::ring, group);
      mine.push_back(static_cast<size_t>(p.index));
      auto t = start + between(0, 3 * minute);
      registration(p, t, devices[static_cast<size_t>(m) % devices.size()],
                   chance(0.7) ? address_shared : address());
      claim(p, t + between(1 * second, 4 * second));
      auto deposit = 10'000 * between(2, 5);
      t += between(10 * second, 60 * second);
      money(p, sim_action::kind::deposit, t, deposit,
            chance(0.8) ? card : token("card-"));
      auto bets = between(6, 18);
      auto median = uniform(2'000, 5'000);
      auto stake = 100 * between(1, 2);
      for (int64_t b = 0; b < bets; ++b) {
        t += think(median, 0.7);
        bet(p, t, stake, "dice");
      }
      last = std::max(last, t);
    }
    for (auto i : mine) {
      auto& p = players_[i];
      auto paid =
          std::find_if(p.actions.begin(), p.actions.end(), [](const sim_action& a) {
            return a.what == sim_action::kind::deposit;
          });
      money(p, sim_action::kind::withdraw, last + between(10 * second, 60 * second),
            static_cast<int64_t>(static_cast<double>(paid->amount) * uniform(0.8, 0.95)),
            paid->instrument);
    }
  }

  // A bonus abuser, alone: money in, a little play on one game, money out.
  void abuser(sim_player& p) {
    auto t = between(0, 10 * minute);
    registration(p, t, token("dev-"), address());
    if (chance(0.7)) claim(p, t + between(1 * second, 4 * second));
    auto card = token("card-");
    auto deposit = 10'000 * between(2, 10);
    t += between(10 * second, 60 * second);
    money(p, sim_action::kind::deposit, t, deposit, card);
    auto bets = between(8, 20);
    auto median = uniform(2'000, 6'000);
    auto game = games[between(0, 1)];
    auto stake = 100 * between(1, 2);
    for (int64_t b = 0; b < bets; ++b) {
      t += think(median, 0.8);
      bet(p, t, stake, game);
    }
    t += between(10 * second, 60 * second);
    money(p, sim_action::kind::withdraw, t,
          static_cast<int64_t>(static_cast<double>(deposit) * uniform(0.8, 0.95)), card);
  }

  std::vector<sim_player> take() {
    for (auto& p : players_)
      std::stable_sort(
          p.actions.begin(), p.actions.end(),
          [](const sim_action& a, const sim_action& b) { return a.at_ms < b.at_ms; });
    return std::move(players_);
  }

  std::mt19937_64 rng_;
  std::vector<sim_player> players_;
};

} // namespace

std::vector<sim_player> generate_population(const population_options& opts) {
  builder b(opts.seed);
  for (int i = 0; i < opts.humans; ++i) {
    auto& p = b.add(label::human, -1);
    auto index = static_cast<size_t>(p.index);
    b.human(b.players_[index], b.token("dev-"), b.address(), b.token("card-"));
  }
  int group = 0;
  for (int h = 0; h < opts.households; ++h, ++group) {
    auto address = b.address();
    auto device = b.chance(0.5) ? b.token("dev-") : std::string{};
    auto card = b.chance(0.4) ? b.token("card-") : std::string{};
    auto size = b.between(2, 4);
    for (int64_t m = 0; m < size; ++m) {
      auto index = static_cast<size_t>(b.add(label::human, group).index);
      b.human(b.players_[index], device.empty() ? b.token("dev-") : device, address,
              card.empty() ? b.token("card-") : card);
    }
  }
  auto cafe = b.address();
  for (int i = 0; i < opts.public_address; ++i) {
    auto index = static_cast<size_t>(b.add(label::human, -1).index);
    b.human(b.players_[index], b.token("dev-"), cafe, b.token("card-"));
  }
  for (int i = 0; i < opts.bots; ++i) {
    auto index = static_cast<size_t>(b.add(label::bot, -1).index);
    b.bot(b.players_[index]);
  }
  for (int r = 0; r < opts.rings; ++r, ++group)
    b.ring(group);
  for (int i = 0; i < opts.abusers; ++i) {
    auto index = static_cast<size_t>(b.add(label::bonus_abuse, -1).index);
    b.abuser(b.players_[index]);
  }
  return b.take();
}

} // namespace agg::risk
