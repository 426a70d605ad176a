#include "gateway/campaign_json.hpp"

#include <cstdlib>

namespace agg::gateway {

using json = nlohmann::json;

namespace {

json list_json(const std::string& list) {
  auto out = json::array();
  size_t start = 0;
  while (!list.empty()) {
    auto end = list.find(',', start);
    out.push_back(list.substr(start, end == std::string::npos ? end : end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return out;
}

json weights_json(const std::string& weights) {
  auto out = json::object();
  size_t start = 0;
  while (!weights.empty()) {
    auto end = weights.find(';', start);
    auto item = weights.substr(start, end == std::string::npos ? end : end - start);
    auto eq = item.rfind('=');
    if (eq != std::string::npos)
      out[item.substr(0, eq)] = std::strtoll(item.c_str() + eq + 1, nullptr, 10);
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return out;
}

const char* kind_name(uint8_t k) {
  return to_string(static_cast<campaign_kind>(k));
}

// The money terms of a kind, as both views show them.
void money_terms(const campaign& c, json& j) {
  switch (static_cast<campaign_kind>(c.kind)) {
    case campaign_kind::deposit_match:
      j["match_percent"] = c.match_pct;
      j["max_bonus"] = c.amount;
      j["min_deposit"] = c.min_deposit;
      j["wagering_base"] = c.wager_deposit ? "bonus_deposit" : "bonus";
      break;
    case campaign_kind::no_deposit:
      j["amount"] = c.amount;
      break;
    case campaign_kind::free_spins:
      j["vendor"] = c.vendor;
      j["game_id"] = c.game_id;
      j["rounds"] = c.rounds;
      j["bet"] = c.bet;
      j["max_win"] = c.max_win;
      break;
    case campaign_kind::cashback:
      j["cashback_percent"] = c.cashback_pct;
      j["period_days"] = c.period_days;
      j["max_bonus"] = c.amount;
      j["pay_as"] = c.pay_cash ? "cash" : "bonus";
      break;
  }
  j["wagering_multiplier"] = multiplier_json(c.wagering_x100);
  j["default_weight"] = c.default_weight;
  j["weights"] = weights_json(c.weights);
  j["max_stake"] = c.max_stake;
  j["expiry_days"] = c.expiry_days;
  j["max_conversion"] = c.max_conversion;
}

} // namespace

json multiplier_json(int64_t x100) {
  if (x100 % 100 == 0) return x100 / 100;
  return static_cast<double>(x100) / 100.0;
}

json campaign_json(const campaign& c) {
  json j{{"campaign_id", c.campaign_id},
         {"name", c.name},
         {"kind", kind_name(c.kind)},
         {"status", to_string(static_cast<campaign_status>(c.status))},
         {"code", c.code.empty() ? json(nullptr) : json(c.code)},
         {"currencies", list_json(c.currencies)},
         {"countries", list_json(c.countries)},
         {"starts_at_us", c.starts_us},
         {"ends_at_us", c.ends_us == 0 ? json(nullptr) : json(c.ends_us)},
         {"first_deposit", c.first_deposit},
         {"every_nth", c.every_nth},
         {"min_kyc_level", c.min_kyc_level},
         {"max_grants_per_player", c.max_grants},
         {"vendor_campaign", c.vendor_campaign},
         {"created_at_us", c.created_us},
         {"updated_at_us", c.updated_us}};
  money_terms(c, j);
  return j;
}

json offer_json(const campaign& c) {
  json j{{"campaign_id", c.campaign_id},
         {"name", c.name},
         {"kind", kind_name(c.kind)},
         {"ends_at_us", c.ends_us == 0 ? json(nullptr) : json(c.ends_us)}};
  money_terms(c, j);
  return j;
}

json figures_json(const campaign_figures& f) {
  return json{{"grants", f.grants},       {"active", f.active},
              {"granted", f.granted},     {"cost", f.converted},
              {"converted", f.converted}, {"forfeited", f.forfeited},
              {"expired", f.expired},     {"wagered", f.wagered}};
}

} // namespace agg::gateway
