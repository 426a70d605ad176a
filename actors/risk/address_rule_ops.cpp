// The risk service's edge protection (risk_service.hpp): credential stuffing cases
// from failed logins, and the operators' address rules.

#include "actors/core/risk_errc.hpp"
#include "actors/events/activity_log.hpp"
#include "actors/risk/feed_input.hpp"
#include "actors/risk/risk_state.hpp"
#include "actors/risk/risk_views.hpp"
#include "common/log.hpp"

#include <nlohmann/json.hpp>

namespace agg {

namespace {

void stuffing_case(risk_ptr self, const std::string& subject, int64_t at_us) {
  auto& st = self->state;
  try {
    if (st.store->open_about(subject)) return;
    risk_case c;
    c.kind = "stuffing";
    c.subject = subject;
    c.score = 1;
    c.reasons = nlohmann::json::array({{{"feature", "failed_login_accounts"},
                                        {"value", st.stuffing->accounts(subject)},
                                        {"contribution", 0}}})
                    .dump();
    c.opened_us = at_us;
    c.updated_us = at_us;
    st.store->open(c);
    if (st.opts.stats) st.opts.stats->risk_cases.inc("stuffing");
    log::warn("risk", "credential stuffing",
              {{"subject", subject}, {"case_id", c.case_id}});
  } catch (const db::error& e) {
    log::error("risk", "case not written", {{"subject", subject}, {"error", e.what()}});
  }
}

nlohmann::json rule_json(const address_rule& r) {
  return {{"cidr", r.cidr},
          {"action", r.action},
          {"note", r.note},
          {"created_us", r.created_us},
          {"created_by", r.created_by}};
}

} // namespace

void failed_login(risk_ptr self, const activity_record& a) {
  auto& st = self->state;
  auto detail = nlohmann::json::parse(a.detail, nullptr, false);
  if (!detail.is_object() || !detail["username"].is_string()) return;
  auto username = detail["username"].get<std::string>();
  for (auto lower = username.begin(); lower != username.end(); ++lower)
    *lower = static_cast<char>(std::tolower(static_cast<unsigned char>(*lower)));
  if (is_client_address(a.address)) {
    auto subject = "address:" + a.address;
    if (st.stuffing->failed(subject, username, a.created_us))
      stuffing_case(self, subject, a.created_us);
  }
  if (!a.device.id.empty()) {
    auto subject = "device:" + a.device.id;
    if (st.stuffing->failed(subject, username, a.created_us))
      stuffing_case(self, subject, a.created_us);
  }
}

void publish_rules(risk_ptr self) {
  auto& st = self->state;
  if (!st.opts.rules) return;
  std::vector<std::pair<std::string, std::string>> pairs;
  try {
    for (const auto& r : st.store->rules())
      pairs.emplace_back(r.cidr, r.action);
  } catch (const db::error& e) {
    log::error("risk", "address rules not read", {{"error", e.what()}});
    return;
  }
  st.opts.rules->set(pairs);
}

caf::expected<std::string> address_rule_op(risk_ptr self, const std::string& op,
                                           const std::string& body) {
  auto& st = self->state;
  if (op == "rules") {
    auto items = nlohmann::json::array();
    for (const auto& r : st.store->rules())
      items.push_back(rule_json(r));
    return nlohmann::json{{"rules", items}}.dump();
  }
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (!j.is_object() || !j["cidr"].is_string())
    return make_error(risk_errc::invalid_rule);
  auto net = cidr_set::parse_one(j["cidr"].get<std::string>());
  if (!net) return make_error(risk_errc::invalid_rule);
  address_rule r;
  r.cidr = cidr_set::canonical(*net);
  r.created_by = j.value("by", std::string{"operator"});
  r.created_us = now_us();
  activity_record record;
  if (op == "rule") {
    if (!j["action"].is_string()) return make_error(risk_errc::invalid_rule);
    r.action = j["action"].get<std::string>();
    r.note = j.value("note", std::string{});
    if (r.action != "allow" && r.action != "deny")
      return make_error(risk_errc::invalid_rule);
    st.store->put_rule(r);
    record =
        make_activity(activity_kind::address_rule_set, 0, "operator:" + r.created_by, {},
                      {{"cidr", r.cidr}, {"action", r.action}, {"note", r.note}});
  } else {
    if (!st.store->remove_rule(r.cidr)) return make_error(risk_errc::rule_not_found);
    record = make_activity(activity_kind::address_rule_removed, 0,
                           "operator:" + r.created_by, {}, {{"cidr", r.cidr}});
  }
  publish_rules(self);
  record_activity(self, {std::move(record)}, std::chrono::seconds{15}, [](bool) {});
  log::info("risk", op == "rule" ? "address rule set" : "address rule removed",
            {{"cidr", r.cidr}, {"action", r.action}, {"by", r.created_by}});
  return rule_json(r).dump();
}

} // namespace agg
