// The risk model (docs/risk.md): the shipped model file is what the trainer makes with
// the documented command, it tells bots and rings from honest players on a population
// of a seed it was not trained on (offline, at the evaluation's time scale), every
// score names its reasons, and a model file that cannot be used is refused with its
// name.

#include "actors/risk/features.hpp"
#include "actors/risk/model.hpp"
#include "actors/risk/population.hpp"
#include "actors/risk/simulate.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <unistd.h>

using namespace agg::risk;

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string temp_path(const char* name) {
  return "/tmp/agg_risk_" + std::to_string(::getpid()) + "_" + name;
}

} // namespace

TEST_CASE(
    "the shipped model is what aggregator-risk-train makes with seed 1 and size 8") {
  auto out = temp_path("model.json");
  auto cmd =
      std::string(RISK_TRAIN_PATH) + " --seed 1 --size 8 --out " + out + " > /dev/null";
  REQUIRE(std::system(cmd.c_str()) == 0);
  auto made = nlohmann::json::parse(slurp(out));
  auto shipped = nlohmann::json::parse(slurp(RISK_MODEL_PATH));
  std::remove(out.c_str());
  REQUIRE(made["features"] == shipped["features"]);
  REQUIRE(made["classes"].size() == shipped["classes"].size());
  for (size_t c = 0; c < made["classes"].size(); ++c) {
    auto& a = made["classes"][c];
    auto& b = shipped["classes"][c];
    CHECK(a["name"] == b["name"]);
    CHECK(a["bias"].get<double>() == Approx(b["bias"].get<double>()).margin(1e-6));
    for (size_t i = 0; i < a["weights"].size(); ++i)
      CHECK(a["weights"][i].get<double>() ==
            Approx(b["weights"][i].get<double>()).margin(1e-6));
  }
}

TEST_CASE("the shipped model finds bots and rings on an unseen population, offline") {
  auto m = risk_model::load(RISK_MODEL_PATH);
  double review = 0.5;
  for (uint64_t seed : {1001u, 1002u}) {
    population_options o;
    o.seed = seed;
    auto people = generate_population(o);
    replay_options r;
    r.seed = seed;
    r.time_scale = 1.0 / 60;
    r.jitter_ms = 2;
    r.rtt_ms = 4;
    std::map<int, risk_score> best;
    for (const auto& s : replay(people, r)) {
      auto sc = m.score(s.values);
      if (sc.score > best[s.player].score) best[s.player] = sc;
    }
    for (auto [name, truth] :
         {std::pair{"bot", label::bot}, std::pair{"ring", label::ring}}) {
      int flagged = 0, right = 0, total = 0;
      for (const auto& p : people) {
        auto& b = best[p.index];
        bool as = b.score >= review && b.kind == name;
        flagged += as ? 1 : 0;
        right += as && p.truth == truth ? 1 : 0;
        total += p.truth == truth ? 1 : 0;
      }
      INFO(name << " seed " << seed << ": " << right << " of " << flagged << " flagged, "
                << total << " in the population");
      REQUIRE(total > 0);
      CHECK(static_cast<double>(right) / std::max(1, flagged) >= 0.95);
      CHECK(static_cast<double>(right) / total >= 0.90);
    }
  }
}

TEST_CASE("a score names the features that raised it") {
  auto m = risk_model::load(RISK_MODEL_PATH);
  player_features bot;
  int64_t t = 1'700'000'000'000'000;
  for (int i = 0; i < 100; ++i)
    bot.add({risk_event::kind::bet, t + i * 2'000'000, 50, "dice", false, false});
  auto s = m.score(bot.values());
  CHECK(s.kind == "bot");
  CHECK(s.score > 0.9);
  REQUIRE(!s.reasons.empty());
  CHECK(s.reasons.size() <= 3);
  for (size_t i = 1; i < s.reasons.size(); ++i)
    CHECK(s.reasons[i - 1].contribution >= s.reasons[i].contribution);
  CHECK(s.kinds.size() == m.classes.size());
}

TEST_CASE("a model file that cannot be used is refused with its name") {
  CHECK_THROWS_WITH(risk_model::load("/nonexistent/risk.json"),
                    Catch::Contains("/nonexistent/risk.json"));
  CHECK_THROWS_WITH(risk_model::parse("{", "m.json"),
                    Catch::Contains("m.json: not JSON"));
  auto good = nlohmann::json::parse(slurp(RISK_MODEL_PATH));
  auto bad = good;
  bad["features"][0] = "shoe_size";
  CHECK_THROWS_WITH(risk_model::parse(bad.dump(), "m.json"),
                    Catch::Contains("unknown feature 'shoe_size'"));
  bad = good;
  bad["mean"].erase(0);
  CHECK_THROWS_WITH(risk_model::parse(bad.dump(), "m.json"), Catch::Contains("'mean'"));
  bad = good;
  bad["classes"][0]["weights"][0] = "x";
  CHECK_THROWS_AS(risk_model::parse(bad.dump(), "m.json"), model_error);
  bad = good;
  bad["format"] = "other";
  CHECK_THROWS_AS(risk_model::parse(bad.dump(), "m.json"), model_error);
  CHECK_NOTHROW(risk_model::parse(good.dump(), "m.json"));
}
