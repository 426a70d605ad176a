// aggregator-risk-train: trains the risk model (docs/risk.md) on a labelled population
// from the generator (population.hpp), played offline through the risk engine at
// several time scales (simulate.hpp), with liblinear's L2-regularized logistic
// regression, one model per kind of fraud against everyone else. Writes the model
// file and checks it on a population of another seed, printing one JSON line.
//
//   aggregator-risk-train [--seed N] [--check-seed M] [--size K] [--out FILE]
//                         [--review R] [--lock L]

#include "actors/risk/features.hpp"
#include "actors/risk/model.hpp"
#include "actors/risk/population.hpp"
#include "actors/risk/simulate.hpp"

#include <linear.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>

using namespace agg::risk;

namespace {

// The features a compressed timeline does not change: no clock time of day, no
// session lengths, no rates per minute (the evaluation plays the population faster
// than life).
const std::vector<std::string> model_features = {
    "bets_log",         "gap_cv",           "gap_entropy_bits",
    "gap_mode_share",   "stake_cv",         "stake_top_share",
    "game_switch_rate", "bonus_bet_share",  "bonus_low_weight_share",
    "fast_cashout",     "rtp_deviation",    "linked_group_log2",
    "linked_cashout",   "bonus_grants_log", "linked_bonus"};

const std::vector<std::pair<std::string, label>> kinds = {
    {"bot", label::bot}, {"ring", label::ring}, {"bonus_abuse", label::bonus_abuse}};

population_options sized(uint64_t seed, int k) {
  population_options o;
  o.seed = seed;
  o.humans *= k;
  o.households *= k;
  o.public_address *= 1; // one cafe: its address is public at any size
  o.bots *= k;
  o.rings *= k;
  o.abusers *= k;
  return o;
}

std::vector<sample> played(const std::vector<sim_player>& people, uint64_t seed,
                           const std::vector<double>& scales) {
  std::vector<sample> out;
  for (size_t i = 0; i < scales.size(); ++i) {
    replay_options r;
    r.seed = seed + i;
    r.time_scale = scales[i];
    r.jitter_ms = 2;
    r.rtt_ms = 4;
    auto s = replay(people, r);
    out.insert(out.end(), s.begin(), s.end());
  }
  return out;
}

void quiet(const char*) {}

risk_model train_model(const std::vector<sample>& samples, double c_param) {
  auto names = feature_names();
  std::vector<size_t> cols;
  risk_model m;
  for (const auto& f : model_features) {
    size_t at = 0;
    while (names[at] != f)
      ++at;
    double sum = 0, sq = 0;
    for (const auto& s : samples) {
      sum += s.values[at];
      sq += s.values[at] * s.values[at];
    }
    auto n = static_cast<double>(samples.size());
    auto mean = sum / n;
    auto sd = std::sqrt(std::max(0.0, sq / n - mean * mean));
    if (sd < 1e-9) continue; // constant in the population: nothing to learn
    cols.push_back(at);
    m.features.push_back(f);
    m.mean.push_back(mean);
    m.scale.push_back(sd);
  }
  auto d = cols.size();
  std::vector<std::vector<feature_node>> rows(samples.size());
  std::vector<feature_node*> x(samples.size());
  for (size_t r = 0; r < samples.size(); ++r) {
    for (size_t j = 0; j < d; ++j)
      rows[r].push_back({static_cast<int>(j + 1),
                         (samples[r].values[cols[j]] - m.mean[j]) / m.scale[j]});
    rows[r].push_back({static_cast<int>(d + 1), 1.0}); // the bias
    rows[r].push_back({-1, 0});
    x[r] = rows[r].data();
  }
  set_print_string_function(quiet);
  for (const auto& [name, truth] : kinds) {
    std::vector<double> y(samples.size());
    for (size_t r = 0; r < samples.size(); ++r)
      y[r] = samples[r].truth == truth ? 1 : -1;
    problem prob{};
    prob.l = static_cast<int>(samples.size());
    prob.n = static_cast<int>(d + 1);
    prob.y = y.data();
    prob.x = x.data();
    prob.bias = -1; // carried as the last feature, so that it is regularized alike
    parameter param{};
    param.solver_type = L2R_LR;
    param.eps = 1e-4;
    param.C = c_param;
    if (const char* err = check_parameter(&prob, &param)) {
      std::fprintf(stderr, "liblinear: %s\n", err);
      std::exit(2);
    }
    auto* lm = train(&prob, &param);
    // liblinear's decision value is positive for its first label.
    double sign = lm->label[0] == 1 ? 1 : -1;
    model_class c;
    c.name = name;
    for (size_t j = 0; j < d; ++j)
      c.weights.push_back(sign * lm->w[j]);
    c.bias = sign * lm->w[d];
    free_and_destroy_model(&lm);
    m.classes.push_back(std::move(c));
  }
  return m;
}

struct tally {
  int flagged = 0, right = 0, truth = 0;
};

} // namespace

int main(int argc, char** argv) {
  uint64_t seed = 1, check_seed = 2;
  int size = 4;
  double review = 0.5, lock = 0.9, c_param = 1.0;
  std::string out = "risk_model.json";
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i];
    std::string v = argv[i + 1];
    if (k == "--seed")
      seed = std::stoull(v);
    else if (k == "--check-seed")
      check_seed = std::stoull(v);
    else if (k == "--size")
      size = std::stoi(v);
    else if (k == "--out")
      out = v;
    else if (k == "--review")
      review = std::stod(v);
    else if (k == "--lock")
      lock = std::stod(v);
    else if (k == "--c")
      c_param = std::stod(v);
    else {
      std::fprintf(stderr, "unknown option %s\n", k.c_str());
      return 2;
    }
  }
  const std::vector<double> scales = {1.0, 1.0 / 20, 1.0 / 60, 1.0 / 120};
  auto people = generate_population(sized(seed, size));
  auto samples = played(people, seed * 1'000, scales);
  auto m = train_model(samples, c_param);
  m.trained = "aggregator-risk-train --seed " + std::to_string(seed) + " --size " +
              std::to_string(size) + ": " + std::to_string(people.size()) + " players, " +
              std::to_string(samples.size()) +
              " samples at time scales 1, 1/20, 1/60, "
              "1/120";
  m = risk_model::parse(m.to_json(), out); // what the server will read
  std::ofstream(out) << m.to_json() << "\n";

  // The check: another population at the evaluation's time scale; a player is
  // flagged with the kind of its highest score at or above `review`.
  auto check = generate_population(sized(check_seed, 1));
  replay_options r;
  r.seed = check_seed * 1'000;
  r.time_scale = 1.0 / 60;
  r.jitter_ms = 2;
  r.rtt_ms = 4;
  std::map<int, risk_score> best;
  std::map<int, bool> held; // scored at or above review at a withdrawal
  for (const auto& s : replay(check, r)) {
    auto sc = m.score(s.values);
    auto& b = best[s.player];
    if (sc.score > b.score) b = sc;
    if (s.withdrawal && sc.score >= review) held[s.player] = true;
  }
  std::map<std::string, tally> t;
  int humans_flagged = 0, humans = 0, fraud_paid = 0, withdrawing_humans_held = 0;
  for (const auto& p : check) {
    auto& b = best[p.index];
    bool flagged = b.score >= review;
    for (const auto& [name, truth] : kinds) {
      if (p.truth == truth) ++t[name].truth;
      if (flagged && b.kind == name) {
        ++t[name].flagged;
        if (p.truth == truth) ++t[name].right;
      }
    }
    if (p.truth == label::human) {
      ++humans;
      if (flagged) {
        ++humans_flagged;
        if (std::getenv("RISK_TRAIN_VERBOSE")) {
          std::cerr << "human " << p.index << " group " << p.group << " bets "
                    << p.actions.size() << " " << b.kind << " " << b.score << ":";
          for (const auto& x : b.reasons)
            std::cerr << " " << x.feature << "=" << x.value;
          std::cerr << "\n";
        }
      }
      bool withdraws =
          !p.actions.empty() && p.actions.back().what == sim_action::kind::withdraw;
      if (withdraws && held[p.index]) ++withdrawing_humans_held;
    } else if (p.truth != label::bonus_abuse && !held[p.index]) {
      ++fraud_paid;
    }
  }
  nlohmann::json line{{"bench", "risk_train"},
                      {"train_players", people.size()},
                      {"train_samples", samples.size()},
                      {"check_players", check.size()},
                      {"review", review},
                      {"lock", lock},
                      {"humans_flagged", humans_flagged},
                      {"humans", humans},
                      {"withdrawing_humans_held", withdrawing_humans_held},
                      {"fraud_not_held_at_withdrawal", fraud_paid}};
  for (const auto& [name, x] : t) {
    line[name + "_precision"] =
        x.flagged ? static_cast<double>(x.right) / x.flagged : 0.0;
    line[name + "_recall"] = x.truth ? static_cast<double>(x.right) / x.truth : 0.0;
  }
  std::cout << line.dump() << "\n";
  std::cout << "model written to " << out << "; on seed " << check_seed << ": ";
  for (const auto& [name, x] : t)
    std::cout << name << " precision " << (x.flagged ? 100.0 * x.right / x.flagged : 0)
              << "% recall " << (x.truth ? 100.0 * x.right / x.truth : 0) << "%; ";
  std::cout << humans_flagged << " of " << humans << " honest players flagged\n";
  return 0;
}
