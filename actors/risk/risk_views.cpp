#include "actors/risk/risk_views.hpp"

#include "actors/risk/features.hpp"

namespace agg {

nlohmann::json case_json(const risk_case& c) {
  auto reasons = nlohmann::json::parse(c.reasons, nullptr, false);
  if (reasons.is_discarded()) reasons = nlohmann::json::array();
  nlohmann::json j{{"case_id", c.case_id},     {"player_id", c.player_id},
                   {"kind", c.kind},           {"score", c.score},
                   {"reasons", reasons},       {"group_size", c.group_size},
                   {"locked", c.locked},       {"status", c.status},
                   {"opened_us", c.opened_us}, {"updated_us", c.updated_us}};
  if (!c.subject.empty()) j["subject"] = c.subject;
  if (c.status != "open") {
    j["resolved_us"] = c.resolved_us;
    j["resolved_by"] = c.resolved_by;
    j["note"] = c.note;
  }
  return j;
}

std::string cases_json(const std::vector<risk_case>& cases) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& c : cases)
    items.push_back(case_json(c));
  nlohmann::json out{{"cases", items}};
  if (!cases.empty()) out["next_before"] = cases.back().case_id;
  return out.dump();
}

std::string reasons_json(const risk::risk_score& s) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : s.reasons)
    out.push_back(
        {{"feature", r.feature}, {"value", r.value}, {"contribution", r.contribution}});
  return out.dump();
}

std::string player_risk_json(risk_ptr self, int64_t player) {
  auto& st = self->state;
  evaluate(self, player, 0);
  auto& p = st.profiles[player];
  auto names = risk::feature_names();
  auto values = st.engine->features(player);
  nlohmann::json features = nlohmann::json::object();
  for (size_t i = 0; i < names.size() && i < values.size(); ++i)
    features[names[i]] = values[i];
  nlohmann::json kinds = nlohmann::json::object();
  for (const auto& [k, v] : p.last.kinds)
    kinds[k] = v;
  nlohmann::json cases = nlohmann::json::array();
  for (const auto& c : st.store->of_player(player))
    cases.push_back(case_json(c));
  return nlohmann::json{{"player_id", player},
                        {"score", p.last.score},
                        {"kind", p.last.kind},
                        {"reasons", nlohmann::json::parse(reasons_json(p.last))},
                        {"kinds", kinds},
                        {"features", features},
                        {"locked", p.locked},
                        {"review_score", st.opts.review_score},
                        {"lock_score", st.opts.lock_score},
                        {"cases", cases}}
      .dump();
}

std::string links_json(risk_ptr self, int64_t player) {
  auto& links = self->state.engine->links();
  auto group = links.group(player);
  // Every link within the group, once: from the lower id to the higher.
  nlohmann::json items = nlohmann::json::array();
  for (auto member : group)
    for (const auto& l : links.links_of(member))
      if (member < l.player)
        items.push_back({{"from", member},
                         {"to", l.player},
                         {"kind", risk::to_string(l.kind)},
                         {"value", l.value}});
  return nlohmann::json{{"player_id", player}, {"group", group}, {"links", items}}.dump();
}

} // namespace agg
