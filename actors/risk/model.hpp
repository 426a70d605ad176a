#pragma once

// The scoring model (docs/risk.md): one logistic regression per kind of fraud (bot,
// ring, bonus_abuse) over standardized features, trained offline by
// aggregator-risk-train and shipped as a JSON file (config/risk_model.json). A score is
// the highest of the kinds' probabilities; its reasons are the features that pushed
// that kind's probability up the most. No actors.

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace agg::risk {

// A model file that cannot be used; what() names the file and what is wrong.
struct model_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct score_reason {
  std::string feature;
  double value = 0;        // the player's value
  double contribution = 0; // to the kind's log-odds
};

struct risk_score {
  double score = 0;                                  // 0 to 1
  std::string kind;                                  // the kind that scored highest
  std::vector<score_reason> reasons;                 // at most three, the largest first
  std::vector<std::pair<std::string, double>> kinds; // every kind's probability
};

struct model_class {
  std::string name;
  double bias = 0;
  std::vector<double> weights; // per model feature, on standardized values
};

class risk_model {
public:
  // Throws model_error naming `origin` when the text is not a model of this server's
  // features.
  static risk_model parse(const std::string& text, const std::string& origin);
  static risk_model load(const std::string& path);
  std::string to_json() const;

  // `values` in feature_names() order.
  risk_score score(const std::vector<double>& values) const;

  std::vector<std::string> features; // the model's features, by name
  std::vector<double> mean;          // for standardizing, per model feature
  std::vector<double> scale;
  std::vector<model_class> classes;
  std::string trained; // what it was trained on, free text

private:
  std::vector<size_t> index_; // model feature -> feature_names() position
  void bind(const std::string& origin);
};

} // namespace agg::risk
