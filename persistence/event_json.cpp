#include "persistence/event_json.hpp"

#include "common/crypto.hpp"
#include "common/json_parse.hpp"
#include "persistence/bonus_parts.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string_view>

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

namespace {

// True when `s` can be written between quotes as it is: printable ASCII without a quote
// or a backslash (every identifier the server writes; anything else takes the general
// path, which escapes and replaces invalid UTF-8).
bool plain(std::string_view s) {
  for (unsigned char c : s)
    if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') return false;
  return true;
}

void field(std::string& out, const char* key, std::string_view v) {
  out.append(key).push_back('"');
  out.append(v).push_back('"');
}

void field(std::string& out, const char* key, int64_t v) {
  out.append(key).append(std::to_string(v));
}

// A money event written directly, with the keys in the order the general path writes
// them (sorted): the same text, without building a document first.
std::optional<std::string> money_json(const feed_event& ev) {
  const auto& e = ev.money;
  if (!e.bonus.empty()) return std::nullopt; // its parts: the general path
  auto type = event_type(ev);
  for (std::string_view s : {std::string_view{e.source}, std::string_view{e.tx_id},
                             std::string_view{e.ref_tx_id}, std::string_view{e.round_id},
                             std::string_view{e.currency}, std::string_view{type}})
    if (!plain(s)) return std::nullopt;
  std::string out;
  out.reserve(512);
  field(out, "{\"amount\":", e.amount);
  field(out, ",\"at_us\":", e.created_us);
  field(out, ",\"balance_after\":", e.balance_after);
  field(out, ",\"currency\":", e.currency);
  field(out, ",\"ghash\":", to_hex(e.ghash));
  field(out, ",\"hash\":", to_hex(e.hash));
  field(out, ",\"id\":", e.gseq);
  field(out, ",\"player_id\":", e.player_id);
  field(out, ",\"ref_tx_id\":", e.ref_tx_id);
  field(out, ",\"round_id\":", e.round_id);
  field(out, ",\"seq\":", e.seq);
  field(out, ",\"source\":", e.source);
  field(out, ",\"tx_id\":", e.tx_id);
  field(out, ",\"type\":", type);
  field(out, ",\"v\":", int64_t{event_json_version});
  out.push_back('}');
  return out;
}

} // namespace

std::string to_json(const feed_event& ev) {
  if (ev.is_money)
    if (auto fast = money_json(ev)) return std::move(*fast);
  return to_json_document(ev);
}

nlohmann::json bonus_parts_json(const std::string& bonus) {
  std::vector<bonus_part> parts;
  if (bonus.empty() || !parse_parts(bonus, parts)) return nullptr;
  auto list = nlohmann::json::array();
  for (const auto& p : parts) {
    nlohmann::json part{{"grant_id", p.grant_id}, {"amount", p.amount}};
    if (p.lapsed) part["lapsed"] = true;
    if (p.free) part["free_round"] = true;
    list.push_back(std::move(part));
  }
  return list;
}

std::string to_json_document(const feed_event& ev) {
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
    if (auto parts = bonus_parts_json(e.bonus); !parts.is_null()) j["bonus"] = parts;
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
