#include "gateway/json_codec.hpp"

#include "gateway/campaign_json.hpp"
#include "persistence/event_json.hpp"

#include "common/crypto.hpp"
#include "common/currency.hpp"
#include "common/json_parse.hpp"
#include "persistence/kyc.hpp"

#include <nlohmann/json.hpp>

#include <array>

namespace agg::gateway {

namespace {

using json = nlohmann::json;

constexpr size_t id_len_max = 64;

struct op_name {
  const char* name;
  client_op op;
};

constexpr std::array<op_name, 28> ops = {{
    {"ping", client_op::ping},
    {"register", client_op::register_account},
    {"login", client_op::login},
    {"resume", client_op::resume},
    {"refresh", client_op::refresh},
    {"logout", client_op::logout},
    {"balance", client_op::balance},
    {"history", client_op::history},
    {"self_exclude", client_op::self_exclude},
    {"games", client_op::games},
    {"play", client_op::play},
    {"rounds", client_op::rounds},
    {"seeds", client_op::seeds},
    {"set_client_seed", client_op::set_client_seed},
    {"rotate_seed", client_op::rotate_seed},
    {"verify", client_op::verify},
    {"launch", client_op::launch},
    {"deposit", client_op::deposit},
    {"payments", client_op::payments},
    {"withdraw", client_op::withdraw},
    {"cancel_withdrawal", client_op::cancel_withdrawal},
    {"kyc", client_op::kyc},
    {"limits", client_op::limits},
    {"set_limit", client_op::set_limit},
    {"cool_off", client_op::cool_off},
    {"bonuses", client_op::bonuses},
    {"cancel_bonus", client_op::cancel_bonus},
    {"claim_bonus", client_op::claim_bonus},
}};

// Reads optional or required fields with their types checked.
class fields {
public:
  fields(const json& obj, decode_error& err) : obj_(obj), err_(err) {}

  // `shown`: the field's name in the error, when it is not `name` (a nested member).
  bool str(const char* name, std::string& out, bool required, size_t len_max = 256,
           const char* shown = nullptr) {
    if (!shown) shown = name;
    auto i = obj_.find(name);
    if (i == obj_.end() || i->is_null()) {
      if (required) return fail(shown, "is required");
      return true;
    }
    if (!i->is_string()) return fail(shown, "must be a string");
    out = i->get<std::string>();
    if (out.size() > len_max) return fail(shown, "is too long");
    return true;
  }

  // An optional currency code (common/currency.hpp).
  bool currency(const char* name, std::string& out) {
    if (!str(name, out, false, currency_len_max)) return false;
    if (!out.empty() && !valid_currency_code(out))
      return fail(name, "must be 3 to 8 characters of A-Z and 0-9");
    return true;
  }

  // An optional JSON object, kept as its text.
  bool object(const char* name, std::string& out) {
    auto i = obj_.find(name);
    if (i == obj_.end() || i->is_null()) return true;
    if (!i->is_object()) return fail(name, "must be an object");
    out = i->dump();
    return true;
  }

  // The optional `device` object: what a client says of its device. Every member is an
  // optional short string; the id (the client's fingerprint) at most 128 characters.
  bool device(device_info& out) {
    auto i = obj_.find("device");
    if (i == obj_.end() || i->is_null()) return true;
    if (!i->is_object()) return fail("device", "must be an object");
    fields d{*i, err_};
    return d.str("id", out.id, false, 128, "device.id") &&
           d.str("user_agent", out.user_agent, false, 256, "device.user_agent") &&
           d.str("platform", out.platform, false, 64, "device.platform") &&
           d.str("screen", out.screen, false, 32, "device.screen") &&
           d.str("timezone", out.timezone, false, 64, "device.timezone") &&
           d.str("language", out.language, false, 35, "device.language");
  }

  bool boolean(const char* name, bool& out) {
    auto i = obj_.find(name);
    if (i == obj_.end() || i->is_null()) return true;
    if (!i->is_boolean()) return fail(name, "must be true or false");
    out = i->get<bool>();
    return true;
  }

  bool required_integer(const char* name, int64_t& out, int64_t lo, int64_t hi) {
    if (!obj_.contains(name)) return fail(name, "is required");
    return integer(name, out, lo, hi);
  }

  bool integer(const char* name, int64_t& out, int64_t lo, int64_t hi) {
    auto i = obj_.find(name);
    if (i == obj_.end() || i->is_null()) return true;
    if (!i->is_number_integer()) return fail(name, "must be an integer");
    out = i->get<int64_t>();
    if (out < lo || out > hi) return fail(name, "is out of range");
    return true;
  }

private:
  bool fail(const char* name, const char* what) {
    err_.code = "invalid_field";
    err_.message = std::string{"'"} + name + "' " + what;
    return false;
  }

  const json& obj_;
  decode_error& err_;
};

// The vendor a request is for: the built-in studio unless named.
bool vendor(fields& f, client_request& r) {
  if (!f.str("vendor", r.vendor, false, 64)) return false;
  if (r.vendor.empty()) r.vendor = "builtin";
  return true;
}

bool read_fields(client_op op, fields& f, client_request& r) {
  switch (op) {
    case client_op::register_account:
      return f.str("username", r.username, true) && f.str("password", r.password, true) &&
             f.str("currency", r.currency, true) && f.str("email", r.email, false) &&
             f.str("country", r.country, false, 8) && f.device(r.device);
    case client_op::login:
      return f.str("username", r.username, true) && f.str("password", r.password, true) &&
             f.device(r.device);
    case client_op::resume:
      return f.str("token", r.token, true, 1024) && f.device(r.device);
    case client_op::balance:
      return f.currency("currency", r.currency);
    case client_op::history:
    case client_op::rounds:
      return f.integer("before_seq", r.before_seq, 0, INT64_MAX) &&
             f.integer("limit", r.limit, 1, 10'000);
    case client_op::play:
      return vendor(f, r) && f.str("game", r.game_id, true) &&
             f.required_integer("stake", r.stake, 1, amount_minor_max) &&
             f.object("params", r.params_json) &&
             f.str("free_round", r.free_round, false, 64);
    case client_op::seeds:
    case client_op::rotate_seed:
      return vendor(f, r);
    case client_op::launch:
      return f.str("vendor", r.vendor, true, 64) && f.str("game", r.game_id, true) &&
             f.str("lang", r.lang, false, 16) && f.str("country", r.country, false, 8) &&
             f.str("lobby_url", r.lobby_url, false, 2048);
    case client_op::set_client_seed:
      return vendor(f, r) && f.str("client_seed", r.client_seed, true, 64);
    case client_op::deposit:
    case client_op::withdraw:
      return f.required_integer("amount", r.amount, 1, amount_minor_max) &&
             f.str("provider", r.provider, true, 32) &&
             f.str("instrument", r.instrument, true, 64) &&
             f.currency("currency", r.currency) &&
             (r.op != static_cast<uint8_t>(client_op::withdraw) ||
              f.boolean("forfeit_bonus", r.forfeit_bonus));
    case client_op::self_exclude:
      return f.integer("days", r.days, 183, 36'500);
    case client_op::cool_off:
      return f.required_integer("hours", r.hours, 24, 1'008);
    case client_op::set_limit:
      return f.str("limit", r.limit_name, true, 32) &&
             f.integer("amount", r.limit_amount, 0, amount_minor_max);
    case client_op::cancel_withdrawal:
      return f.str("payment_id", r.payment_id, true, 64);
    case client_op::cancel_bonus:
      return f.str("grant_id", r.grant_id, true, 64);
    case client_op::claim_bonus:
      return f.str("code", r.code, true, 32);
    case client_op::payments:
      return f.integer("before_us", r.before_us, 0, INT64_MAX) &&
             f.integer("limit", r.limit, 1, 10'000);
    case client_op::verify:
      return vendor(f, r) && f.str("game", r.game_id, true) &&
             f.required_integer("stake", r.stake, 1, amount_minor_max) &&
             f.object("params", r.params_json) &&
             f.str("server_seed", r.server_seed, true, 64) &&
             f.str("client_seed", r.client_seed, true, 64) &&
             f.required_integer("nonce", r.nonce, 0, INT64_MAX);
    default:
      return true;
  }
}

} // namespace

json payment_json(const payment_view& p) {
  json j{{"payment_id", p.payment_id}, {"kind", p.kind},
         {"player_id", p.player_id},   {"status", p.status},
         {"provider", p.provider},     {"currency", p.currency},
         {"amount", p.amount},         {"instrument", p.instrument},
         {"created_us", p.created_us}, {"updated_us", p.updated_us},
         {"expires_us", p.expires_us}};
  if (!p.fingerprint.empty()) j["fingerprint"] = p.fingerprint;
  if (!p.reason.empty()) j["reason"] = p.reason;
  if (!p.reservation.empty()) j["reservation"] = p.reservation;
  if (!p.reviewer.empty()) j["reviewer"] = p.reviewer;
  return j;
}

json limits_json(const limits_view& v) {
  json limits = json::object();
  for (size_t i = 0; i < v.values.size(); ++i) {
    const auto& l = v.values[i];
    if (!l.any()) continue;
    json one{{"amount", l.amount >= 0 ? json(l.amount) : json(nullptr)}};
    if (l.pending_from_us > 0) {
      one["pending"] = l.pending >= 0 ? json(l.pending) : json(nullptr);
      one["pending_from_us"] = l.pending_from_us;
    }
    limits[to_string(static_cast<limit_kind>(i + 1))] = std::move(one);
  }
  return json{{"player_id", v.player_id}, {"currency", v.currency}, {"limits", limits}};
}

json entry_json(const ledger_entry& e) {
  entry_kind kind;
  auto j = json{{"seq", e.seq},
                {"kind", entry_kind_from_int(e.kind, kind) ? to_string(kind) : "unknown"},
                {"source", e.source},
                {"tx_id", e.tx_id},
                {"ref_tx_id", e.ref_tx_id},
                {"round_id", e.round_id},
                {"currency", e.currency},
                {"amount", e.amount},
                {"balance_after", e.balance_after},
                {"created_at_us", e.created_us},
                {"hash", to_hex(e.hash)}};
  if (auto parts = bonus_parts_json(e.bonus); !parts.is_null()) j["bonus"] = parts;
  return j;
}

json bonus_json(const bonus_grant& g) {
  grant_status status;
  json j{
      {"grant_id", g.grant_id},
      {"player_id", g.player_id},
      {"campaign_id", g.campaign_id},
      {"currency", g.currency},
      {"status", grant_status_from_int(g.status, status) ? to_string(status) : "unknown"},
      {"amount", g.amount},
      {"balance", g.balance},
      {"wagering_required", g.wagering_required},
      {"wagered", g.wagered},
      {"max_stake", g.max_stake},
      {"max_conversion", g.max_conversion},
      {"default_weight", g.default_weight},
      {"weights", g.weights},
      {"expires_us", g.expires_us},
      {"created_us", g.created_us},
      {"updated_us", g.updated_us}};
  if (!g.vendor.empty()) {
    j["free_rounds"] = json{{"vendor", g.vendor},
                            {"game_id", g.game_id},
                            {"left", g.free_rounds},
                            {"unsettled", g.free_open},
                            {"bet", g.free_bet},
                            {"max_win", g.max_win},
                            {"won", g.won},
                            {"wagering_multiplier", multiplier_json(g.wagering_x100)}};
  }
  if (g.status == static_cast<uint8_t>(grant_status::converted))
    j["converted"] = g.converted;
  if (g.status != static_cast<uint8_t>(grant_status::active))
    j["forfeited"] = g.forfeited;
  return j;
}

json kyc_json(const account_view& a) {
  json j{{"status", to_string(static_cast<kyc_status>(a.kyc_status))},
         {"level", a.kyc_level},
         {"updated_us", a.kyc_updated_us}};
  if (!a.kyc_reason.empty()) j["reason"] = a.kyc_reason;
  return j;
}

namespace {

void put_id(json& j, const std::string& id) {
  if (!id.empty()) j["id"] = json::parse(id, nullptr, false);
}

json grant_json(const login_grant& g) {
  json j{{"player_id", g.player_id},   {"username", g.username},
         {"currency", g.currency},     {"token", g.token},
         {"session_id", g.session_id}, {"expires_at_us", g.expires_us}};
  // The owner hears of the failed logins since the last one.
  if (g.failed_logins > 0)
    j["failed_logins"] = {{"count", g.failed_logins},
                          {"last_at_us", g.last_failed_login_us}};
  return j;
}

json balances_json(const std::vector<currency_balance>& bs) {
  auto out = json::array();
  for (const auto& b : bs)
    out.push_back({{"currency", b.currency}, {"balance", b.balance}, {"bonus", b.bonus}});
  return out;
}

// The ledger's name of what changed the balance, as history shows it.
const char* push_reason(uint8_t op) {
  entry_kind kind;
  return entry_kind_from_int(op, kind) ? to_string(kind) : "unknown";
}

json round_json(const round_result& r) {
  json j{{"vendor", r.vendor},
         {"round_id", r.round_id},
         {"game", r.game_id},
         {"currency", r.currency},
         {"stake", r.stake},
         {"win", r.win},
         {"balance", r.balance},
         {"created_at_us", r.created_us},
         {"outcome", parse_json(r.detail_json.empty() ? "{}" : r.detail_json).doc}};
  if (r.nonce >= 0)
    j["fairness"] = {{"server_seed_hash", r.server_seed_hash},
                     {"client_seed", r.client_seed},
                     {"nonce", r.nonce}};
  return j;
}

const char* round_state(const round_record& r) {
  if (r.credited) return "settled";
  if (r.rolled_back()) return "rolled_back";
  if (r.closed) return "closed";
  return "open";
}

struct encoder {
  json operator()(const out_error& m) const {
    json j{{"type", "error"}, {"code", m.code}, {"message", m.message}};
    if (m.retry_at_us > 0) j["retry_at_us"] = m.retry_at_us;
    put_id(j, m.id);
    return j;
  }
  json operator()(const out_pong& m) const {
    json j{{"type", "pong"}, {"server_time_us", m.server_time_us}};
    put_id(j, m.id);
    return j;
  }
  json operator()(const out_session& m) const {
    json j = grant_json(m.grant);
    j["type"] = m.type;
    if (!m.balances.empty()) j["balances"] = balances_json(m.balances);
    put_id(j, m.id);
    return j;
  }
  json operator()(const out_ack& m) const {
    json j{{"type", m.type}};
    put_id(j, m.id);
    return j;
  }
  json operator()(const out_balance& m) const {
    json j{{"type", "balance"}, {"balances", balances_json(m.balances)}};
    put_id(j, m.id);
    return j;
  }
  json operator()(const out_balance_push& m) const {
    return json{{"type", "balance"},
                {"currency", m.push.currency},
                {"balance", m.push.balance},
                {"seq", m.push.seq},
                {"reason", push_reason(m.push.op)}};
  }
  json operator()(const out_games& m) const {
    auto games = json::array();
    for (const auto& g : m.catalog.games)
      games.push_back({{"vendor", g.vendor},
                       {"game", g.game_id},
                       {"name", g.name},
                       {"category", g.category},
                       {"rtp_ppm", g.rtp_ppm},
                       {"stake_min", g.stake_min},
                       {"stake_max", g.stake_max},
                       {"stake_step", g.stake_step},
                       {"currencies", g.currencies},
                       {"available", g.available},
                       {"start", g.launched ? "launch" : "play"}});
    json j{{"type", "games"}, {"games", std::move(games)}};
    put_id(j, m.id);
    return j;
  }
  json operator()(const out_round& m) const {
    json j = round_json(m.round);
    j["type"] = "round";
    put_id(j, m.id);
    return j;
  }
  json operator()(const out_rounds& m) const {
    auto rounds = json::array();
    for (const auto& r : m.page.rounds) {
      auto detail = parse_json(r.detail.empty() ? "{}" : r.detail).doc;
      json one{{"vendor", r.source},          {"round_id", r.round_id},
               {"game", r.game_id},           {"currency", r.currency},
               {"stake", r.bet_total},        {"win", r.win_total},
               {"refund", r.refund_total},    {"state", round_state(r)},
               {"opened_at_us", r.opened_us}, {"updated_at_us", r.updated_us}};
      if (detail.is_object() && detail.contains("outcome"))
        one["outcome"] = detail["outcome"];
      if (detail.is_object() && detail.contains("fairness"))
        one["fairness"] = detail["fairness"];
      rounds.push_back(std::move(one));
    }
    json j{{"type", "rounds"}, {"rounds", std::move(rounds)}};
    put_id(j, m.id);
    return j;
  }
  json operator()(const out_seeds& m) const {
    json j{{"type", "seeds"},
           {"vendor", m.seeds.vendor},
           {"server_seed_hash", m.seeds.server_seed_hash},
           {"client_seed", m.seeds.client_seed},
           {"next_nonce", m.seeds.next_nonce}};
    put_id(j, m.id);
    return j;
  }
  json operator()(const out_seeds_rotated& m) const {
    const auto& r = m.reveal;
    json j{{"type", "seeds_rotated"},
           {"vendor", r.vendor},
           {"revealed",
            {{"server_seed", r.server_seed},
             {"server_seed_hash", r.server_seed_hash},
             {"client_seed", r.client_seed},
             {"last_nonce", r.last_nonce}}},
           {"next",
            {{"server_seed_hash", r.next.server_seed_hash},
             {"client_seed", r.next.client_seed},
             {"next_nonce", r.next.next_nonce}}}};
    put_id(j, m.id);
    return j;
  }
  json operator()(const out_launch& m) const {
    json j{{"type", "launched"},
           {"vendor", m.launch.vendor},
           {"game", m.launch.game_id},
           {"url", m.launch.url}};
    put_id(j, m.id);
    return j;
  }
  json operator()(const out_verified& m) const {
    json j = round_json(m.round);
    j["type"] = "verified";
    j.erase("round_id");
    j.erase("balance");
    j.erase("created_at_us");
    put_id(j, m.id);
    return j;
  }
  json operator()(const out_vendor_status& m) const {
    json j{{"type", "vendor_status"},
           {"vendor", m.status.vendor},
           {"available", m.status.available}};
    if (!m.status.available && m.status.retry_at_us > 0)
      j["retry_at_us"] = m.status.retry_at_us;
    return j;
  }
  json operator()(const out_reality_check& m) const {
    return json{{"type", "reality_check"},
                {"elapsed_s", m.elapsed_us / 1'000'000},
                {"stakes", m.stakes},
                {"wins", m.wins},
                {"net", m.wins - m.stakes}};
  }
  json operator()(const out_bonuses& m) const {
    auto list = json::array();
    for (const auto& g : m.page.grants)
      list.push_back(bonus_json(g));
    auto offers = json::array();
    for (const auto& c : m.page.campaigns)
      offers.push_back(offer_json(c));
    json j{{"type", "bonuses"},
           {"bonuses", std::move(list)},
           {"campaigns", std::move(offers)}};
    put_id(j, m.id);
    return j;
  }
  json operator()(const out_bonus& m) const {
    json j = bonus_json(m.grant);
    j["type"] = "bonus";
    if (!m.event.empty()) j["event"] = m.event;
    put_id(j, m.id);
    return j;
  }
  json operator()(const out_claim& m) const {
    json j{{"type", "bonus_claimed"},
           {"campaign", offer_json(m.claim.offer)},
           {"granted", m.claim.granted}};
    if (m.claim.granted) j["bonus"] = bonus_json(m.claim.grant);
    put_id(j, m.id);
    return j;
  }
  json operator()(const out_limits& m) const {
    json j = limits_json(m.limits);
    j["type"] = "limits";
    put_id(j, m.id);
    return j;
  }
  json operator()(const out_kyc& m) const {
    json j = kyc_json(m.account);
    j["type"] = "kyc";
    put_id(j, m.id);
    return j;
  }
  json operator()(const out_payment& m) const {
    json j = payment_json(m.payment);
    j["type"] = "payment";
    put_id(j, m.id);
    return j;
  }
  json operator()(const out_payments& m) const {
    auto list = json::array();
    for (const auto& p : m.page.payments)
      list.push_back(payment_json(p));
    json j{{"type", "payments"},
           {"payments", std::move(list)},
           {"reserved", m.page.reserved}};
    if (m.page.next_before_us > 0) j["next_before_us"] = m.page.next_before_us;
    put_id(j, m.id);
    return j;
  }
  json operator()(const out_history& m) const {
    auto entries = json::array();
    for (const auto& e : m.entries)
      entries.push_back(entry_json(e));
    json j{{"type", "history"}, {"entries", std::move(entries)}};
    if (m.next_before_seq > 0) j["next_before_seq"] = m.next_before_seq;
    put_id(j, m.id);
    return j;
  }
};

} // namespace

bool decode_request(std::string_view frame, client_request& out, decode_error& err) {
  auto parsed = parse_json(frame);
  if (parsed.fault == json_fault::too_deep) {
    err = {"", "json_too_deep",
           "arrays and objects may nest at most " + std::to_string(json_depth_max) +
               " deep"};
    return false;
  }
  if (!parsed.is_object()) {
    err = {"", "malformed_json", "a frame must be one JSON object"};
    return false;
  }
  const auto& doc = parsed.doc;
  if (auto id = doc.find("id"); id != doc.end()) {
    bool ok = id->is_number_integer() ||
              (id->is_string() && id->get_ref<const std::string&>().size() <= id_len_max);
    if (!ok) {
      err = {"", "invalid_field",
             "'id' must be an integer or a string of at most 64 characters"};
      return false;
    }
    out.id = id->dump();
  }
  err.id = out.id;
  auto type = doc.find("type");
  if (type == doc.end() || !type->is_string()) {
    err.code = "invalid_field";
    err.message = "'type' is required and must be a string";
    return false;
  }
  const auto& name = type->get_ref<const std::string&>();
  const op_name* found = nullptr;
  for (const auto& o : ops)
    if (name == o.name) found = &o;
  if (found == nullptr) {
    err.code = "unknown_type";
    err.message = "unknown request type";
    return false;
  }
  out.op = static_cast<uint8_t>(found->op);
  fields f{doc, err};
  return read_fields(found->op, f, out);
}

std::string encode(const server_message& msg) {
  return std::visit(encoder{}, msg).dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string encode_welcome(std::string_view server_name, int64_t idle_timeout_ms) {
  return json{{"type", "welcome"},
              {"protocol", protocol_version},
              {"server", server_name},
              {"idle_timeout_ms", idle_timeout_ms}}
      .dump();
}

} // namespace agg::gateway
