#include "actors/risk/model.hpp"

#include "actors/risk/features.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

namespace agg::risk {

namespace {

constexpr const char* format_name = "agg-risk-model";

double sigmoid(double x) {
  return 1.0 / (1.0 + std::exp(-x));
}

std::vector<double> numbers(const nlohmann::json& j, const char* what, size_t n,
                            const std::string& origin) {
  if (!j.is_array() || j.size() != n)
    throw model_error(origin + ": '" + what + "' must be an array of " +
                      std::to_string(n) + " numbers");
  std::vector<double> out;
  for (const auto& x : j) {
    if (!x.is_number() || !std::isfinite(x.get<double>()))
      throw model_error(origin + ": '" + what + "' holds a value that is not a number");
    out.push_back(x.get<double>());
  }
  return out;
}

} // namespace

void risk_model::bind(const std::string& origin) {
  auto names = feature_names();
  index_.clear();
  for (const auto& f : features) {
    auto at = std::find(names.begin(), names.end(), f);
    if (at == names.end()) throw model_error(origin + ": unknown feature '" + f + "'");
    index_.push_back(static_cast<size_t>(at - names.begin()));
  }
  for (auto s : scale)
    if (!(s > 0)) throw model_error(origin + ": every 'scale' must be above 0");
}

risk_model risk_model::parse(const std::string& text, const std::string& origin) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception&) {
    throw model_error(origin + ": not JSON");
  }
  if (!j.is_object() || j.value("format", "") != format_name ||
      j.value("version", 0) != 1)
    throw model_error(origin + ": not an " + std::string(format_name) +
                      " version 1 file");
  risk_model m;
  const auto& f = j["features"];
  if (!f.is_array() || f.empty())
    throw model_error(origin + ": 'features' must be a non-empty array of names");
  for (const auto& name : f) {
    if (!name.is_string()) throw model_error(origin + ": a feature name is not a string");
    m.features.push_back(name.get<std::string>());
  }
  auto n = m.features.size();
  m.mean = numbers(j["mean"], "mean", n, origin);
  m.scale = numbers(j["scale"], "scale", n, origin);
  const auto& cs = j["classes"];
  if (!cs.is_array() || cs.empty())
    throw model_error(origin + ": 'classes' must be a non-empty array");
  for (const auto& c : cs) {
    if (!c.is_object() || !c["name"].is_string() || !c["bias"].is_number())
      throw model_error(origin + ": a class needs a 'name' and a 'bias'");
    model_class mc;
    mc.name = c["name"].get<std::string>();
    mc.bias = c["bias"].get<double>();
    mc.weights = numbers(c["weights"], "weights", n, origin);
    m.classes.push_back(std::move(mc));
  }
  if (j.contains("trained") && j["trained"].is_string()) m.trained = j["trained"];
  m.bind(origin);
  return m;
}

risk_model risk_model::load(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw model_error(path + ": cannot be read");
  std::ostringstream text;
  text << in.rdbuf();
  return parse(text.str(), path);
}

std::string risk_model::to_json() const {
  nlohmann::json j{{"format", format_name},
                   {"version", 1},
                   {"trained", trained},
                   {"features", features},
                   {"mean", mean},
                   {"scale", scale},
                   {"classes", nlohmann::json::array()}};
  for (const auto& c : classes)
    j["classes"].push_back({{"name", c.name}, {"bias", c.bias}, {"weights", c.weights}});
  return j.dump(1);
}

risk_score risk_model::score(const std::vector<double>& values) const {
  risk_score out;
  std::vector<double> z(features.size());
  for (size_t i = 0; i < features.size(); ++i)
    z[i] = index_[i] < values.size() ? (values[index_[i]] - mean[i]) / scale[i] : 0.0;
  size_t best = 0;
  double best_p = -1;
  for (size_t c = 0; c < classes.size(); ++c) {
    double logit = classes[c].bias;
    for (size_t i = 0; i < z.size(); ++i)
      logit += classes[c].weights[i] * z[i];
    auto p = sigmoid(logit);
    out.kinds.emplace_back(classes[c].name, p);
    if (p > best_p) {
      best_p = p;
      best = c;
    }
  }
  out.score = best_p;
  out.kind = classes[best].name;
  std::vector<score_reason> all;
  for (size_t i = 0; i < z.size(); ++i) {
    auto contribution = classes[best].weights[i] * z[i];
    if (contribution > 0)
      all.push_back({features[i], index_[i] < values.size() ? values[index_[i]] : 0.0,
                     contribution});
  }
  std::sort(all.begin(), all.end(), [](const score_reason& a, const score_reason& b) {
    return a.contribution > b.contribution;
  });
  if (all.size() > 3) all.resize(3);
  out.reasons = std::move(all);
  return out;
}

} // namespace agg::risk
