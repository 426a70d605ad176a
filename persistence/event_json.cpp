#include "persistence/event_json.hpp"

#include "common/crypto.hpp"
#include "common/json_parse.hpp"

#include <nlohmann/json.hpp>

namespace agg {

std::string event_type(const feed_event& ev) {
  if (ev.is_money) {
    entry_kind k{};
    return std::string{"wallet."} +
           (entry_kind_from_int(ev.money.kind, k) ? to_string(k) : "unknown");
  }
  activity_kind k{};
  return std::string{"activity."} +
         (activity_kind_from_int(ev.activity.kind, k) ? to_string(k) : "unknown");
}

std::string to_json(const feed_event& ev) {
  nlohmann::json j;
  j["v"] = event_json_version;
  j["id"] = ev.gseq();
  j["type"] = event_type(ev);
  j["player_id"] = ev.player_id();
  j["at_us"] = ev.created_us();
  if (ev.is_money) {
    const auto& e = ev.money;
    j["seq"] = e.seq;
    j["source"] = e.source;
    j["tx_id"] = e.tx_id;
    j["ref_tx_id"] = e.ref_tx_id;
    j["round_id"] = e.round_id;
    j["currency"] = e.currency;
    j["amount"] = e.amount;
    j["balance_after"] = e.balance_after;
    j["hash"] = to_hex(e.hash);
    j["ghash"] = to_hex(e.ghash);
  } else {
    const auto& a = ev.activity;
    j["address"] = a.address;
    auto& d = j["device"] = nlohmann::json::object();
    auto put = [&](const char* key, const std::string& v) {
      if (!v.empty()) d[key] = v;
    };
    put("id", a.device.id);
    put("user_agent", a.device.user_agent);
    put("platform", a.device.platform);
    put("screen", a.device.screen);
    put("timezone", a.device.timezone);
    put("language", a.device.language);
    // The detail is an object the server wrote; anything else is carried as text.
    auto detail = parse_json(a.detail.empty() ? std::string_view{"{}"} : a.detail);
    if (detail.fault == json_fault::none && detail.doc.is_object())
      j["detail"] = std::move(detail.doc);
    else
      j["detail"] = nlohmann::json{{"text", a.detail}};
    j["hash"] = to_hex(a.hash);
    j["ghash"] = to_hex(a.ghash);
  }
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

} // namespace agg
