#include "gateway/json_codec.hpp"

#include "persistence/chain_hash.hpp"

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

constexpr std::array<op_name, 9> ops = {{
    {"ping", client_op::ping},
    {"register", client_op::register_account},
    {"login", client_op::login},
    {"resume", client_op::resume},
    {"refresh", client_op::refresh},
    {"logout", client_op::logout},
    {"balance", client_op::balance},
    {"history", client_op::history},
    {"self_exclude", client_op::self_exclude},
}};

// Reads optional or required fields with their types checked.
class fields {
public:
  fields(const json& obj, decode_error& err) : obj_(obj), err_(err) {}

  bool str(const char* name, std::string& out, bool required, size_t len_max = 256) {
    auto i = obj_.find(name);
    if (i == obj_.end() || i->is_null()) {
      if (required) return fail(name, "is required");
      return true;
    }
    if (!i->is_string()) return fail(name, "must be a string");
    out = i->get<std::string>();
    if (out.size() > len_max) return fail(name, "is too long");
    return true;
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

bool read_fields(client_op op, fields& f, client_request& r) {
  switch (op) {
    case client_op::register_account:
      return f.str("username", r.username, true) && f.str("password", r.password, true) &&
             f.str("currency", r.currency, true) && f.str("email", r.email, false);
    case client_op::login:
      return f.str("username", r.username, true) && f.str("password", r.password, true);
    case client_op::resume:
      return f.str("token", r.token, true, 1024);
    case client_op::balance:
      return f.str("currency", r.currency, false);
    case client_op::history:
      return f.integer("before_seq", r.before_seq, 0, INT64_MAX) &&
             f.integer("limit", r.limit, 1, 10'000);
    default:
      return true;
  }
}

void put_id(json& j, const std::string& id) {
  if (!id.empty()) j["id"] = json::parse(id, nullptr, false);
}

json grant_json(const login_grant& g) {
  return json{{"player_id", g.player_id},   {"username", g.username},
              {"currency", g.currency},     {"token", g.token},
              {"session_id", g.session_id}, {"expires_at_us", g.expires_us}};
}

json balances_json(const std::vector<currency_balance>& bs) {
  auto out = json::array();
  for (const auto& b : bs)
    out.push_back({{"currency", b.currency}, {"balance", b.balance}});
  return out;
}

json entry_json(const ledger_entry& e) {
  entry_kind kind;
  return json{{"seq", e.seq},
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
}

struct encoder {
  json operator()(const out_error& m) const {
    json j{{"type", "error"}, {"code", m.code}, {"message", m.message}};
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
                {"reason", to_string(static_cast<wallet_op>(m.push.op))}};
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
  auto doc = json::parse(frame, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    err = {"", "malformed_json", "a frame must be one JSON object"};
    return false;
  }
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
