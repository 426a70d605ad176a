#include "gateway/operator_bodies.hpp"

#include "common/json_parse.hpp"
#include "persistence/bonus_parts.hpp"
#include "persistence/kyc.hpp"

namespace agg::gateway {

namespace {

using json = nlohmann::json;

api_error invalid_field(const std::string& message) {
  return {400, "invalid_field", message};
}

} // namespace

std::variant<json, api_error> decode_object(std::string_view body) {
  auto parsed = parse_json(body);
  if (parsed.fault == json_fault::too_deep)
    return api_error{400, "json_too_deep",
                     "arrays and objects may nest at most " +
                         std::to_string(json_depth_max) + " deep"};
  if (!parsed.is_object())
    return api_error{400, "malformed_json", "the body must be one JSON object"};
  return std::move(parsed.doc);
}

std::variant<register_request, api_error> decode_new_player(std::string_view body) {
  auto doc = decode_object(body);
  if (auto* err = std::get_if<api_error>(&doc)) return *err;
  const auto& obj = std::get<json>(doc);
  register_request r;
  r.open_session = false;
  for (auto [name, field] : {std::pair{"username", &r.username},
                             {"password", &r.password},
                             {"currency", &r.currency},
                             {"email", &r.email},
                             {"country", &r.country}}) {
    auto i = obj.find(name);
    if (i == obj.end() &&
        (std::string_view{name} == "email" || std::string_view{name} == "country"))
      continue;
    if (i == obj.end() || !i->is_string())
      return invalid_field(std::string{"'"} + name + "' must be a string");
    *field = i->get<std::string>();
  }
  return r;
}

std::variant<transfer_body, api_error> decode_transfer(std::string_view body,
                                                       const std::string& header_key) {
  auto doc = decode_object(body);
  if (auto* err = std::get_if<api_error>(&doc)) return *err;
  const auto& obj = std::get<json>(doc);
  transfer_body t;
  auto amount = obj.find("amount");
  if (amount == obj.end() || !amount->is_number_integer())
    return invalid_field("'amount' must be an integer of minor units");
  // An unsigned value beyond int64_t is no amount; the wallet refuses the rest
  // (zero, negative) with invalid_amount.
  if (amount->is_number_unsigned() &&
      amount->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX))
    return invalid_field("'amount' is out of range");
  t.amount = amount->get<int64_t>();
  t.idempotency_key = header_key;
  // The body's key wins when it is a non-empty string; its form (printable, at most
  // 128 characters) is the wallet's to check (invalid_request).
  if (auto k = obj.find("idempotency_key");
      k != obj.end() && k->is_string() && !k->get_ref<const std::string&>().empty())
    t.idempotency_key = k->get<std::string>();
  if (t.idempotency_key.empty())
    return invalid_field("an idempotency key is required (Idempotency-Key header or "
                         "'idempotency_key')");
  if (auto cur = obj.find("currency"); cur != obj.end() && !cur->is_null()) {
    if (!cur->is_string()) return invalid_field("'currency' must be a string");
    t.currency = cur->get<std::string>();
  }
  return t;
}

std::variant<kyc_change, api_error> decode_kyc(std::string_view body) {
  auto doc = decode_object(body);
  if (auto* err = std::get_if<api_error>(&doc)) return *err;
  const auto& obj = std::get<json>(doc);
  kyc_change k;
  auto status = obj.find("status");
  kyc_status s;
  if (status == obj.end() || !status->is_string() ||
      !kyc_status_from_string(status->get<std::string>(), s))
    return invalid_field("'status' must be unverified, pending, verified, rejected or "
                         "expired");
  k.status = static_cast<uint8_t>(s);
  if (auto level = obj.find("level"); level != obj.end() && !level->is_null()) {
    if (!level->is_number_integer() || level->get<int64_t>() < 0 ||
        level->get<int64_t>() > 100)
      return invalid_field("'level' must be an integer from 0 to 100");
    k.level = level->get<int64_t>();
  }
  if (auto reason = obj.find("reason"); reason != obj.end() && !reason->is_null()) {
    if (!reason->is_string() || reason->get_ref<const std::string&>().size() > 512)
      return invalid_field("'reason' must be a string of at most 512 bytes");
    k.reason = reason->get<std::string>();
  }
  return k;
}

std::variant<int64_t, api_error> decode_limit(std::string_view body) {
  auto doc = decode_object(body);
  if (auto* err = std::get_if<api_error>(&doc)) return *err;
  const auto& obj = std::get<json>(doc);
  auto amount = obj.find("amount");
  if (amount == obj.end())
    return invalid_field("'amount' is required: an integer, or null for no limit");
  if (amount->is_null()) return int64_t{-1};
  if (!amount->is_number_integer() || amount->get<int64_t>() < 0 ||
      (amount->is_number_unsigned() &&
       amount->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)))
    return invalid_field("'amount' must be an integer of at least 0, or null");
  return amount->get<int64_t>();
}

std::variant<std::string, api_error> decode_required_reason(std::string_view body) {
  auto doc = decode_object(body);
  if (auto* err = std::get_if<api_error>(&doc)) return *err;
  const auto& obj = std::get<json>(doc);
  auto reason = obj.find("reason");
  if (reason == obj.end() || !reason->is_string() ||
      reason->get_ref<const std::string&>().empty() ||
      reason->get_ref<const std::string&>().size() > 512)
    return invalid_field("'reason' must be a string of 1 to 512 bytes");
  return reason->get<std::string>();
}

namespace {

// An optional integer field from lo to hi; `out` keeps its value when it is absent.
std::optional<api_error> int_field(const json& obj, const char* name, int64_t lo,
                                   int64_t hi, int64_t& out) {
  auto i = obj.find(name);
  if (i == obj.end() || i->is_null()) return std::nullopt;
  if (!i->is_number_integer() ||
      (i->is_number_unsigned() && i->get<uint64_t>() > static_cast<uint64_t>(hi)) ||
      i->get<int64_t>() < lo || i->get<int64_t>() > hi)
    return invalid_field(std::string{"'"} + name + "' must be an integer from " +
                         std::to_string(lo) + " to " + std::to_string(hi));
  out = i->get<int64_t>();
  return std::nullopt;
}

// The optional "weights" object ({"game:<id>": pct, "vendor:<id>": pct}) as the
// grant's weights text.
std::optional<api_error> weights_field(const json& obj, std::string& out) {
  auto w = obj.find("weights");
  if (w == obj.end() || w->is_null()) return std::nullopt;
  if (!w->is_object() || w->size() > 256)
    return invalid_field("'weights' must be an object of at most 256 entries");
  out.clear();
  for (const auto& [key, pct] : w->items()) {
    if (!pct.is_number_integer() || pct.get<int64_t>() < 0 || pct.get<int64_t>() > 100)
      return invalid_field("every weight must be an integer from 0 to 100");
    if (!out.empty()) out += ';';
    out += key + "=" + std::to_string(pct.get<int64_t>());
  }
  if (!valid_weights(out) || out.size() > 8'192)
    return invalid_field("'weights' keys must be \"game:<id>\" or \"vendor:<id>\"");
  return std::nullopt;
}

// An optional string field of 0 to `max` bytes.
std::optional<api_error> str_field(const json& obj, const char* name, size_t max,
                                   std::string& out) {
  auto i = obj.find(name);
  if (i == obj.end() || i->is_null()) return std::nullopt;
  if (!i->is_string() || i->get_ref<const std::string&>().size() > max)
    return invalid_field(std::string{"'"} + name + "' must be a string of at most " +
                         std::to_string(max) + " bytes");
  out = i->get<std::string>();
  return std::nullopt;
}

std::optional<api_error> bool_field(const json& obj, const char* name, bool& out) {
  auto i = obj.find(name);
  if (i == obj.end() || i->is_null()) return std::nullopt;
  if (!i->is_boolean())
    return invalid_field(std::string{"'"} + name + "' must be a boolean");
  out = i->get<bool>();
  return std::nullopt;
}

// An optional array of strings as a comma-separated list.
std::optional<api_error> list_field(const json& obj, const char* name, std::string& out) {
  auto i = obj.find(name);
  if (i == obj.end() || i->is_null()) return std::nullopt;
  if (!i->is_array() || i->size() > 64)
    return invalid_field(std::string{"'"} + name +
                         "' must be an array of at most 64 codes");
  out.clear();
  for (const auto& x : *i) {
    if (!x.is_string() || x.get_ref<const std::string&>().empty() ||
        x.get_ref<const std::string&>().size() > 8 ||
        x.get_ref<const std::string&>().find(',') != std::string::npos)
      return invalid_field(std::string{"'"} + name +
                           "' must hold codes of 1 to 8 characters");
    if (!out.empty()) out += ',';
    out += x.get<std::string>();
  }
  return std::nullopt;
}

// The wagering multiplier: a number from 0 to 1000, in hundredths.
std::optional<api_error> multiplier_field(const json& obj, int64_t& x100) {
  auto i = obj.find("wagering_multiplier");
  if (i == obj.end() || i->is_null()) return std::nullopt;
  if (!i->is_number() || i->get<double>() < 0 || i->get<double>() > 1000)
    return invalid_field("'wagering_multiplier' must be a number from 0 to 1000");
  x100 = static_cast<int64_t>(i->get<double>() * 100 + 0.5);
  return std::nullopt;
}

} // namespace

std::variant<campaign, api_error> decode_campaign(std::string_view body) {
  auto doc = decode_object(body);
  if (auto* err = std::get_if<api_error>(&doc)) return *err;
  const auto& obj = std::get<json>(doc);
  campaign c;
  auto kind = obj.find("kind");
  campaign_kind k;
  if (kind == obj.end() || !kind->is_string() ||
      !campaign_kind_from_string(kind->get<std::string>(), k))
    return invalid_field(
        "'kind' must be deposit_match, no_deposit, free_spins or cashback");
  c.kind = static_cast<uint8_t>(k);
  if (k == campaign_kind::cashback) c.max_grants = 0; // one grant per period
  auto name = obj.find("name");
  if (name == obj.end() || !name->is_string() ||
      name->get_ref<const std::string&>().empty())
    return invalid_field("'name' must be a string of 1 to 100 bytes");
  std::string pay_as = "bonus", base = "bonus";
  for (auto problem :
       {str_field(obj, "name", 100, c.name),
        str_field(obj, "code", 32, c.code),
        list_field(obj, "currencies", c.currencies),
        list_field(obj, "countries", c.countries),
        int_field(obj, "starts_at_us", 0, INT64_MAX, c.starts_us),
        int_field(obj, "ends_at_us", 0, INT64_MAX, c.ends_us),
        bool_field(obj, "first_deposit", c.first_deposit),
        int_field(obj, "every_nth", 1, 1'000, c.every_nth),
        int_field(obj, "min_kyc_level", 0, 1'000, c.min_kyc_level),
        int_field(obj, "max_grants_per_player", 0, 1'000'000, c.max_grants),
        int_field(obj, "match_percent", 1, 1'000, c.match_pct),
        int_field(obj, "amount", 1, amount_minor_max, c.amount),
        int_field(obj, "max_bonus", 0, amount_minor_max, c.amount),
        int_field(obj, "min_deposit", 0, amount_minor_max, c.min_deposit),
        int_field(obj, "cashback_percent", 1, 100, c.cashback_pct),
        int_field(obj, "period_days", 1, 366, c.period_days),
        str_field(obj, "pay_as", 8, pay_as),
        str_field(obj, "vendor", 64, c.vendor),
        str_field(obj, "game_id", 128, c.game_id),
        int_field(obj, "rounds", 1, 10'000, c.rounds),
        int_field(obj, "bet", 1, amount_minor_max, c.bet),
        int_field(obj, "max_win", 0, amount_minor_max, c.max_win),
        str_field(obj, "vendor_campaign", 128, c.vendor_campaign),
        multiplier_field(obj, c.wagering_x100),
        str_field(obj, "wagering_base", 16, base),
        int_field(obj, "default_weight", 0, 100, c.default_weight),
        weights_field(obj, c.weights),
        int_field(obj, "max_stake", 0, amount_minor_max, c.max_stake),
        int_field(obj, "expiry_days", 0, 3'650, c.expiry_days),
        int_field(obj, "max_conversion", 0, amount_minor_max, c.max_conversion)})
    if (problem) return *problem;
  if (pay_as != "bonus" && pay_as != "cash")
    return invalid_field("'pay_as' must be bonus or cash");
  if (base != "bonus" && base != "bonus_deposit")
    return invalid_field("'wagering_base' must be bonus or bonus_deposit");
  c.pay_cash = pay_as == "cash";
  c.wager_deposit = base == "bonus_deposit";
  return c;
}

std::variant<manual_grant, api_error> decode_manual_grant(std::string_view body,
                                                          int64_t now_us) {
  auto doc = decode_object(body);
  if (auto* err = std::get_if<api_error>(&doc)) return *err;
  const auto& obj = std::get<json>(doc);
  manual_grant m;
  auto& t = m.terms;
  t.campaign_id = "manual";
  int64_t multiplier = 0, days = 30;
  if (obj.find("amount") == obj.end())
    return invalid_field("'amount' is required: an integer from 1 to 1e15");
  for (auto problem :
       {int_field(obj, "amount", 1, amount_minor_max, t.amount),
        int_field(obj, "wagering_multiplier", 0, 200, multiplier),
        int_field(obj, "max_stake", 0, amount_minor_max, t.max_stake),
        int_field(obj, "max_conversion", 0, amount_minor_max, t.max_conversion),
        int_field(obj, "default_weight", 0, 100, t.default_weight),
        int_field(obj, "expires_in_days", 1, 3'650, days)})
    if (problem) return *problem;
  if (multiplier > 0 && t.amount > amount_minor_max / multiplier)
    return invalid_field("'amount' times 'wagering_multiplier' must be at most 1e15");
  t.wagering_required = t.amount * multiplier;
  t.expires_us = now_us + days * 86'400'000'000;
  if (auto problem = weights_field(obj, t.weights)) return *problem;
  auto reason = obj.find("reason");
  if (reason == obj.end() || !reason->is_string() ||
      reason->get_ref<const std::string&>().empty() ||
      reason->get_ref<const std::string&>().size() > 512)
    return invalid_field("'reason' must be a string of 1 to 512 bytes");
  m.reason = reason->get<std::string>();
  return m;
}

std::optional<std::string> decode_reason(std::string_view body) {
  if (body.empty()) return std::nullopt;
  auto parsed = parse_json(body);
  if (!parsed.is_object()) return std::nullopt;
  auto i = parsed.doc.find("reason");
  if (i == parsed.doc.end() || !i->is_string()) return std::nullopt;
  return i->get<std::string>();
}

} // namespace agg::gateway
