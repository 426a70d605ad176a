#include "vendors/remote/remote_adapter.hpp"

#include "common/crypto.hpp"
#include "common/json_parse.hpp"
#include "common/log.hpp"
#include "vendors/remote/rgs_protocol.hpp"

#include <httplib.h>

namespace agg::vendors::remote {

namespace {

using json = nlohmann::json;

std::string setting(const adapter_env& env, const char* key,
                    const std::string& fallback = "") {
  return text_setting(env.settings, key, fallback);
}

std::string random_id() {
  return to_hex(random_bytes(12));
}

int64_t number(const adapter_env& env, const char* key, int64_t fallback, int64_t lo,
               int64_t hi) {
  return integer_setting(env.vendor_id, env.settings, key, fallback, lo, hi);
}

seed_state seed_state_of(const json& j) {
  return {j.at("server_seed_hash").get<std::string>(),
          j.at("client_seed").get<std::string>(), j.at("next_nonce").get<int64_t>()};
}

} // namespace

remote_adapter::remote_adapter(const adapter_env& env)
    : vendor_(env.vendor_id), url_(setting(env, "url")),
      timeout_ms_(number(env, "timeout_ms", 2000, 1, 3'600'000)),
      connect_timeout_ms_(number(env, "connect_timeout_ms", 500, 1, 60'000)) {
  if (url_.empty())
    throw std::invalid_argument("vendors." + vendor_ +
                                ".url: the studio's URL is required");
  auto secret_file = setting(env, "secret_file");
  if (secret_file.empty())
    throw std::invalid_argument("vendors." + vendor_ +
                                ".secret_file: the shared secret is required");
  secret_ = rgs::read_secret(secret_file);
  // The catalog; a studio that cannot be reached now starts with none (its games
  // come with the next start of the vendor connection).
  try {
    auto r = call("games", json::object());
    if (r.status != 200) refused("games", r);
    for (const auto& g : r.body.at("games"))
      games_.push_back(rgs::game_from_json(g));
    provably_fair_ = r.body.value("provably_fair", false);
  } catch (const std::exception& e) {
    log::warn("vendor", "no catalog",
              {{"vendor", vendor_}, {"url", url_}, {"error", e.what()}});
  }
}

remote_adapter::~remote_adapter() = default;

std::unique_ptr<httplib::Client> remote_adapter::take() {
  {
    std::lock_guard<std::mutex> guard{pool_mtx_};
    if (!pool_.empty()) {
      auto c = std::move(pool_.back());
      pool_.pop_back();
      return c;
    }
  }
  auto c = std::make_unique<httplib::Client>(url_);
  c->set_keep_alive(true);
  c->set_tcp_nodelay(true);
  c->set_connection_timeout(std::chrono::milliseconds{connect_timeout_ms_});
  c->set_read_timeout(std::chrono::milliseconds{timeout_ms_});
  c->set_write_timeout(std::chrono::milliseconds{timeout_ms_});
  return c;
}

void remote_adapter::give_back(std::unique_ptr<httplib::Client> c) {
  std::lock_guard<std::mutex> guard{pool_mtx_};
  if (pool_.size() < 64) pool_.push_back(std::move(c));
}

remote_adapter::reply remote_adapter::call(const std::string& op, const json& body) {
  auto path = std::string{rgs::path_prefix} + op;
  // A random request id makes two identical calls in one millisecond two requests,
  // not a replay.
  auto with_id = body;
  with_id["request_id"] = random_id();
  auto text = with_id.dump();
  auto ts = now_ms();
  auto sig = rgs::request_signature(secret_, ts, path, text);
  httplib::Headers headers{{rgs::timestamp_header, std::to_string(ts)},
                           {rgs::signature_header, sig}};
  auto client = take();
  auto res = client->Post(path, headers, text, "application/json");
  if (!res)
    throw std::runtime_error("vendor " + vendor_ + ": " + op + ": " +
                             httplib::to_string(res.error()));
  give_back(std::move(client)); // a connection that answered can serve again
  if (res->status >= 500)
    throw std::runtime_error("vendor " + vendor_ + ": " + op + ": HTTP " +
                             std::to_string(res->status));
  auto rts = rgs::parse_timestamp(res->get_header_value(rgs::timestamp_header));
  if (!rts ||
      !rgs::same_signature(res->get_header_value(rgs::signature_header),
                           rgs::response_signature(secret_, *rts, sig, res->body)))
    throw std::runtime_error("vendor " + vendor_ + ": " + op +
                             ": the answer is not signed with our secret");
  auto doc = parse_json(res->body).doc;
  if (doc.is_discarded() || !doc.is_object())
    throw std::runtime_error("vendor " + vendor_ + ": " + op +
                             ": the answer is not JSON");
  return {res->status, std::move(doc)};
}

void remote_adapter::refused(const std::string& op, const reply& r) const {
  auto code = r.body.contains("error") ? r.body["error"].value("code", "") : "";
  auto message = r.body.contains("error") ? r.body["error"].value("message", "") : "";
  if (code == "invalid_params") throw invalid_params(message);
  throw std::runtime_error("vendor " + vendor_ + ": " + op + " refused (" +
                           std::to_string(r.status) + " " + code + "): " + message);
}

round_outcome remote_adapter::play(const round_context& ctx) {
  auto r = call("play", rgs::to_json(ctx));
  if (r.status != 200) refused("play", r);
  return rgs::outcome_from_json(r.body);
}

std::optional<round_outcome> remote_adapter::resolve(const round_context& ctx) {
  auto r = call("status", json{{"round_id", ctx.round_id}});
  if (r.status != 200) refused("status", r);
  auto state = r.body.value("state", "");
  if (state == "played") return rgs::outcome_from_json(r.body);
  if (state == "void") return std::nullopt;
  throw std::runtime_error("vendor " + vendor_ + ": status: unknown state '" + state +
                           "'");
}

bool remote_adapter::healthy() {
  try {
    return call("health", json::object()).status == 200;
  } catch (const std::exception&) {
    return false;
  }
}

seed_state remote_adapter::seeds(int64_t player) {
  if (!provably_fair_) throw not_provably_fair{};
  auto r = call("seeds", json{{"player_id", player}});
  if (r.status != 200) refused("seeds", r);
  return seed_state_of(r.body);
}

revealed_seed remote_adapter::rotate_seed(int64_t player,
                                          const std::optional<std::string>& client_seed) {
  if (!provably_fair_) throw not_provably_fair{};
  json body{{"player_id", player}};
  if (client_seed) body["client_seed"] = *client_seed;
  auto r = call("rotate", body);
  if (r.status != 200) refused("rotate", r);
  revealed_seed out;
  out.server_seed = r.body.at("server_seed").get<std::string>();
  out.server_seed_hash = r.body.at("server_seed_hash").get<std::string>();
  out.client_seed = r.body.at("client_seed").get<std::string>();
  out.last_nonce = r.body.at("last_nonce").get<int64_t>();
  out.next = seed_state_of(r.body.at("next"));
  return out;
}

round_outcome remote_adapter::verify(const std::string& game_id,
                                     const std::string& params_json, int64_t stake,
                                     const std::string& server_seed_hex,
                                     const std::string& client_seed, int64_t nonce) {
  if (!provably_fair_) throw not_provably_fair{};
  auto r = call("verify", json{{"game_id", game_id},
                               {"params", params_json},
                               {"stake", stake},
                               {"server_seed", server_seed_hex},
                               {"client_seed", client_seed},
                               {"nonce", nonce}});
  if (r.status != 200) refused("verify", r);
  return rgs::outcome_from_json(r.body);
}

namespace {

const bool registered = register_adapter("remote", [](const adapter_env& env) {
  return std::make_unique<remote_adapter>(env);
});

} // namespace

} // namespace agg::vendors::remote
