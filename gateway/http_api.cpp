#include "gateway/http_api.hpp"

#include "common/log.hpp"
#include "gateway/ask.hpp"
#include "gateway/campaign_json.hpp"
#include "gateway/cluster_http.hpp"
#include "gateway/http_files.hpp"
#include "gateway/http_listener.hpp"
#include "gateway/json_codec.hpp"
#include "gateway/operator_bodies.hpp"

#include "actors/bonus/bonus_service.hpp"
#include "actors/core/bonus_errc.hpp"
#include "actors/core/cashier_errc.hpp"
#include "actors/core/pam_errc.hpp"
#include "actors/core/risk_errc.hpp"
#include "actors/core/vendor_errc.hpp"
#include "actors/core/wallet_errc.hpp"
#include "common/clock.hpp"
#include "common/crypto.hpp"
#include "common/json_parse.hpp"
#include "payments/provider.hpp"
#include "persistence/event_json.hpp"

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <charconv>
#include <thread>
#include <variant>

namespace agg::gateway {

namespace {

using json = nlohmann::json;

int role_rank(const std::string& role) {
  return role == "admin" ? 3 : role == "support" ? 2 : role == "read_only" ? 1 : 0;
}

std::string new_request_id() {
  return to_hex(random_bytes(8));
}

// The HTTP status for an error from the wallets or the account service.
int status_of(const caf::error& err) {
  if (err.category() == cashier_error_category()) {
    switch (static_cast<cashier_errc>(err.code())) {
      case cashier_errc::unknown_provider:
      case cashier_errc::payment_not_found:
      case cashier_errc::player_not_found:
        return 404;
      case cashier_errc::provider_unavailable:
      case cashier_errc::storage_error:
        return 503;
      case cashier_errc::kyc_required:
      case cashier_errc::account_not_active:
      case cashier_errc::risk_refused:
      case cashier_errc::bonus_refused:
      case cashier_errc::deposit_limit_reached:
        return 403;
      case cashier_errc::not_cancellable:
      case cashier_errc::not_reviewable:
        return 409;
      default:
        return 400;
    }
  }
  if (err.category() == wallet_error_category()) {
    switch (static_cast<wallet_errc>(err.code())) {
      case wallet_errc::invalid_request:
      case wallet_errc::invalid_amount:
        return 400;
      case wallet_errc::insufficient_funds:
      case wallet_errc::account_blocked:
      case wallet_errc::wager_limit_reached:
      case wallet_errc::loss_limit_reached:
      case wallet_errc::bonus_stake_too_high:
      case wallet_errc::free_round_mismatch:
      case wallet_errc::balance_overflow:
        return 422;
      case wallet_errc::bonus_not_found:
        return 404;
      case wallet_errc::storage_error:
      case wallet_errc::unavailable:
      case wallet_errc::not_owner:
        return 503;
      default:
        return 409;
    }
  }
  if (err.category() == vendor_error_category()) {
    switch (static_cast<vendor_errc>(err.code())) {
      case vendor_errc::unknown_game:
        return 404;
      case vendor_errc::invalid_params:
        return 400;
      default:
        return 503;
    }
  }
  if (err.category() == bonus_error_category()) {
    switch (static_cast<bonus_errc>(err.code())) {
      case bonus_errc::campaign_not_found:
      case bonus_errc::invalid_code:
        return 404;
      case bonus_errc::code_taken:
      case bonus_errc::already_claimed:
      case bonus_errc::campaign_ended:
        return 409;
      case bonus_errc::storage_error:
        return 503;
      default:
        return 422;
    }
  }
  if (err.category() == risk_error_category()) {
    switch (static_cast<risk_errc>(err.code())) {
      case risk_errc::case_not_found:
      case risk_errc::rule_not_found:
        return 404;
      case risk_errc::case_resolved:
        return 409;
      case risk_errc::model_refused:
        return 422;
      case risk_errc::catching_up:
      case risk_errc::storage_error:
        return 503;
      default:
        return 400;
    }
  }
  if (err.category() == pam_error_category()) {
    switch (static_cast<pam_errc>(err.code())) {
      case pam_errc::username_taken:
        return 409;
      case pam_errc::player_not_found:
        return 404;
      case pam_errc::storage_error:
        return 503;
      case pam_errc::account_locked:
      case pam_errc::account_self_excluded:
      case pam_errc::account_cooling_off:
      case pam_errc::invalid_credentials:
        return 403;
      default:
        return 400;
    }
  }
  return 503;
}

json account_json(const account_view& a) {
  account_status status;
  status = static_cast<account_status>(a.status);
  return json{{"player_id", a.player_id},
              {"username", a.username},
              {"email", a.email},
              {"currency", a.currency},
              {"country", a.country},
              {"status", to_string(status)},
              {"created_at_us", a.created_us},
              {"updated_at_us", a.updated_us},
              {"kyc", kyc_json(a)}};
}

json receipt_json(const wallet_receipt& r) {
  return json{{"player_id", r.player_id},
              {"currency", r.currency},
              {"amount", r.amount},
              {"balance", r.balance},
              {"seq", r.seq},
              {"created_at_us", r.created_us},
              {"replayed", r.replayed}};
}

// One request's context: who calls and how to answer.
struct call {
  const httplib::Request& req;
  httplib::Response& res;
  std::string request_id;
  const api_key* key = nullptr;

  void reply(int status, const json& body) {
    res.status = status;
    res.set_header("X-Request-Id", request_id);
    res.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace),
                    "application/json");
  }

  void fail(int status, const std::string& code, const std::string& message) {
    reply(status, json{{"error", {{"code", code}, {"message", message}}},
                       {"request_id", request_id}});
  }

  void fail(const api_error& e) { fail(e.status, e.code, e.message); }
};

} // namespace

std::vector<api_key> parse_api_keys(const std::vector<std::string>& entries) {
  std::vector<api_key> out;
  for (const auto& e : entries) {
    auto a = e.find(':');
    auto b = e.find(':', a + 1);
    if (a == std::string::npos || b == std::string::npos) continue;
    out.push_back({e.substr(0, a), e.substr(a + 1, b - a - 1), e.substr(b + 1)});
  }
  return out;
}

struct http_api::impl {
  http_options opts;
  caf::actor_system& sys;
  node& n;
  http_listener listener;
  httplib::Server& srv;

  impl(http_options o, caf::actor_system& s, node& nd)
      : opts(std::move(o)), sys(s), n(nd),
        listener("the operator API", static_cast<size_t>(opts.threads),
                 opts.body_bytes_max),
        srv(listener.server()) {}

  // -- plumbing -----------------------------------------------------------------------

  // How long GET /v1/cluster waits for a node's status.
  std::chrono::milliseconds status_timeout() const {
    return std::chrono::milliseconds{n.options().cluster.connection_timeout_ms};
  }

  template <class R, class Handle, class... Ts>
  std::variant<R, caf::error> ask(const Handle& h, Ts&&... xs) {
    return gateway::ask<R>(sys, opts.request_timeout, h, std::forward<Ts>(xs)...);
  }

  const api_key* find_key(const httplib::Request& req) {
    std::string given = req.get_header_value("X-API-Key");
    auto auth = req.get_header_value("Authorization");
    if (given.empty() && auth.rfind("Bearer ", 0) == 0) given = auth.substr(7);
    if (given.empty()) return nullptr;
    for (const auto& k : opts.keys)
      if (same_secret(k.key, given)) return &k;
    return nullptr;
  }

  // Wraps a handler with authentication, the role check and error safety.
  template <class F>
  httplib::Server::Handler guarded(int min_rank, F f) {
    return [this, min_rank, f](const httplib::Request& req, httplib::Response& res) {
      n.stats()->http_requests.fetch_add(1, std::memory_order_relaxed);
      // In a cluster, a call another node serves goes there (cluster_http.hpp).
      if (opts.cluster && pass_on(sys, *opts.cluster, opts.request_timeout, req, res))
        return;
      auto rid = req.get_header_value("X-Request-Id");
      call c{req, res, rid.empty() || rid.size() > 64 ? new_request_id() : rid};
      c.key = find_key(req);
      // Rank 0: no key (the caller authenticates otherwise, e.g. a provider's
      // signature).
      if (min_rank > 0 && c.key == nullptr)
        return deny(c, 401, "unauthorized", "a valid API key is required");
      if (min_rank > 0 && role_rank(c.key->role) < min_rank)
        return deny(c, 403, "forbidden", "the key's role does not allow this");
      try {
        f(c);
      } catch (const std::exception& e) {
        log::error("http", "handler failed", {{"path", req.path}, {"error", e.what()}});
        c.fail(500, "internal_error", "internal error");
      }
    };
  }

  void deny(call& c, int status, const std::string& code, const std::string& message) {
    n.stats()->errors.inc(code);
    c.fail(status, code, message);
  }

  void fail(call& c, const caf::error& err) {
    auto code = error_code_of(err);
    n.stats()->errors.inc(code);
    c.fail(status_of(err), code, sys.render(err));
  }

  std::optional<int64_t> player_of(call& c) {
    const auto& m = c.req.matches;
    int64_t id = 0;
    auto s = m.size() > 1 ? m[1].str() : std::string{};
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), id);
    if (ec != std::errc{} || p != s.data() + s.size() || id <= 0) {
      c.fail(404, "player_not_found", "no such player");
      return std::nullopt;
    }
    return id;
  }

  void audit(call& c, const std::string& action, const std::string& target,
             const json& detail) {
    audit_record r{now_us(),
                   c.key->name,
                   c.key->role,
                   action,
                   target,
                   c.request_id,
                   detail.dump(-1, ' ', false, json::error_handler_t::replace)};
    auto done = ask<bool>(n.accounts(), audit_atom_v, r);
    if (std::holds_alternative<caf::error>(done))
      log::error("http", "audit record failed",
                 {{"action", action},
                  {"target", target},
                  {"error", sys.render(std::get<caf::error>(done))}});
  }

  // -- routes ---------------------------------------------------------------------------

  void routes() {
    srv.Get("/health", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(R"({"status":"ok"})", "application/json");
    });
    srv.Get("/ready", [this](const httplib::Request&, httplib::Response& res) {
      auto live = ask<int64_t>(n.wallets(), stats_atom_v);
      bool ready = std::holds_alternative<int64_t>(live) && n.accounts() && n.logins();
      std::string body = ready ? R"({"status":"ready"})" : R"({"status":"not_ready"})";
      if (opts.cluster) ready = cluster_ready(*opts.cluster, ready, body);
      res.status = ready ? 200 : 503;
      res.set_content(body, "application/json");
    });
    if (opts.cluster) {
      srv.Get("/v1/cluster", guarded(1, [this](call& c) {
                c.res.set_content(cluster_json(sys, *opts.cluster, status_timeout()),
                                  "application/json");
              }));
    }
    srv.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
      res.set_content(n.stats()->prometheus() + campaign_metrics() +
                          (opts.cluster ? cluster_metrics(*opts.cluster) : ""),
                      "text/plain; version=0.0.4");
    });
    srv.Get("/v1/whoami", guarded(1, [](call& c) {
              c.reply(200, json{{"name", c.key->name}, {"role", c.key->role}});
            }));
    serve_files(srv, opts.files);
    srv.Get("/v1/bonus/campaigns", guarded(1, [this](call& c) { campaigns(c, ""); }));
    srv.Post("/v1/bonus/campaigns",
             guarded(3, [this](call& c) { save_campaign(c, ""); }));
    srv.Get(R"(/v1/bonus/campaigns/(cmp_[0-9a-f]{24}))",
            guarded(1, [this](call& c) { campaigns(c, c.req.matches[1].str()); }));
    srv.Put(R"(/v1/bonus/campaigns/(cmp_[0-9a-f]{24}))",
            guarded(3, [this](call& c) { save_campaign(c, c.req.matches[1].str()); }));
    srv.Post(R"(/v1/bonus/campaigns/(cmp_[0-9a-f]{24})/(pause|resume|end))",
             guarded(3, [this](call& c) { campaign_status_change(c); }));
    srv.Get("/v1/risk/cases", guarded(1, [this](call& c) { risk_cases(c); }));
    srv.Get(R"(/v1/risk/cases/(\d+))", guarded(1, [this](call& c) {
              risk_read(c, "case", std::stoll(c.req.matches[1].str()));
            }));
    srv.Post(R"(/v1/risk/cases/(\d+)/resolve)",
             guarded(2, [this](call& c) { resolve_case(c); }));
    srv.Post("/v1/risk/model/reload", guarded(3, [this](call& c) { reload_model(c); }));
    srv.Get("/v1/risk/addresses",
            guarded(1, [this](call& c) { risk_read(c, "rules", 0); }));
    srv.Post("/v1/risk/addresses",
             guarded(3, [this](call& c) { address_rule(c, "rule"); }));
    srv.Delete("/v1/risk/addresses",
               guarded(3, [this](call& c) { address_rule(c, "unrule"); }));
    srv.Get(R"(/v1/players/(\d+)/risk)", guarded(1, [this](call& c) {
              if (auto p = player_of(c); p && account_of(c, *p))
                risk_read(c, "player", *p);
            }));
    srv.Get(R"(/v1/players/(\d+)/links)", guarded(1, [this](call& c) {
              if (auto p = player_of(c); p && account_of(c, *p))
                risk_read(c, "links", *p);
            }));
    srv.Post("/v1/players", guarded(2, [this](call& c) { create_player(c); }));
    srv.Get("/v1/players", guarded(1, [this](call& c) { find_player(c); }));
    srv.Get(R"(/v1/players/(\d+))", guarded(1, [this](call& c) { get_player(c); }));
    srv.Post(R"(/v1/players/(\d+)/lock)",
             guarded(2, [this](call& c) { set_status(c, account_status::locked); }));
    srv.Post(R"(/v1/players/(\d+)/unlock)",
             guarded(2, [this](call& c) { set_status(c, account_status::active); }));
    srv.Post(R"(/v1/players/(\d+)/deposits)",
             guarded(3, [this](call& c) { transfer(c, wallet_op::deposit); }));
    srv.Post(R"(/v1/players/(\d+)/withdrawals)",
             guarded(3, [this](call& c) { transfer(c, wallet_op::withdraw); }));
    srv.Get(R"(/v1/players/(\d+)/balance)", guarded(1, [this](call& c) { balance(c); }));
    srv.Get("/v1/events", guarded(1, [this](call& c) { events(c); }));
    srv.Post(R"(/v1/payments/([a-z0-9_\-]{1,32})/callback)",
             guarded(0, [this](call& c) { payment_callback(c); }));
    srv.Get(R"(/v1/players/(\d+)/payments)",
            guarded(1, [this](call& c) { payments(c); }));
    srv.Put(R"(/v1/players/(\d+)/kyc)", guarded(2, [this](call& c) { set_kyc(c); }));
    srv.Get("/v1/withdrawals", guarded(1, [this](call& c) { withdrawals(c); }));
    srv.Get(R"(/v1/players/(\d+)/limits)", guarded(1, [this](call& c) { limits(c); }));
    srv.Put(R"(/v1/players/(\d+)/limits/([a-z_]{1,32}))",
            guarded(2, [this](call& c) { set_limit(c); }));
    srv.Get(R"(/v1/withdrawals/(pay_[0-9a-f]{24}))",
            guarded(1, [this](call& c) { withdrawal(c); }));
    srv.Post(R"(/v1/withdrawals/(pay_[0-9a-f]{24})/approve)",
             guarded(3, [this](call& c) { review(c, true); }));
    srv.Post(R"(/v1/withdrawals/(pay_[0-9a-f]{24})/reject)",
             guarded(2, [this](call& c) { review(c, false); }));
    srv.Get(R"(/v1/players/(\d+)/ledger)", guarded(1, [this](call& c) { ledger(c); }));
    srv.Get(R"(/v1/players/(\d+)/bonuses)", guarded(1, [this](call& c) { bonuses(c); }));
    srv.Post(R"(/v1/players/(\d+)/bonuses)",
             guarded(3, [this](call& c) { grant_bonus(c); }));
    srv.Post(R"(/v1/players/(\d+)/bonuses/([A-Za-z0-9_\-]{1,64})/revoke)",
             guarded(2, [this](call& c) { revoke_bonus(c); }));
    srv.Get(R"(/v1/players/(\d+)/timeline)",
            guarded(1, [this](call& c) { timeline(c); }));
    srv.Get("/v1/audit", guarded(3, [this](call& c) { audit_trail(c); }));
    srv.Get(R"(/v1/vendors/([A-Za-z0-9_.\-]+)/reconciliation)",
            guarded(1, [this](call& c) { reconciliation(c); }));
    srv.Get(R"(/v1/vendors/([A-Za-z0-9_.\-]+)/rounds/([^/]+))",
            guarded(1, [this](call& c) { round_details(c); }));
  }

  // -- risk (docs/risk.md) ----------------------------------------------------------

  // Asks the risk service; answers its JSON, or fails. False when it failed.
  bool risk_ask(call& c, const std::string& op, int64_t id, const std::string& arg,
                json& out) {
    auto risk = n.risk();
    if (!risk) {
      c.fail(404, "risk_disabled", "the risk engine is off (risk_enabled=false)");
      return false;
    }
    auto text = ask<std::string>(risk, risk_atom_v, op, id, arg);
    if (auto* err = std::get_if<caf::error>(&text)) {
      fail(c, *err);
      return false;
    }
    out = json::parse(std::get<std::string>(text));
    return true;
  }

  void risk_read(call& c, const std::string& op, int64_t id) {
    json out;
    if (risk_ask(c, op, id, "", out)) c.reply(200, out);
  }

  void risk_cases(call& c) {
    auto status = c.req.get_param_value("status");
    if (!status.empty() && status != "open" && status != "cleared" &&
        status != "confirmed")
      return c.fail(400, "invalid_parameter",
                    "status must be open, cleared or confirmed");
    auto before = int_param(c, "before", 0, 0, INT64_MAX);
    if (!before) return;
    json out;
    if (risk_ask(c, "cases", *before, status, out)) c.reply(200, out);
  }

  void resolve_case(call& c) {
    auto id = std::stoll(c.req.matches[1].str());
    auto body = json::parse(c.req.body, nullptr, false);
    if (!body.is_object() || !body["outcome"].is_string() ||
        (body.contains("note") &&
         (!body["note"].is_string() || body["note"].get<std::string>().size() > 500)))
      return c.fail(400, "invalid_outcome",
                    "the body is {\"outcome\": \"cleared\" or \"confirmed\", "
                    "\"note\": at most 500 characters}");
    json arg{{"outcome", body["outcome"]},
             {"note", body.value("note", std::string{})},
             {"by", c.key->name}};
    auto target = "risk_case:" + std::to_string(id);
    json out;
    if (!risk_ask(c, "resolve", id, arg.dump(), out)) {
      audit(c, "risk.case.resolve", target,
            {{"outcome", arg["outcome"]}, {"failed", true}});
      return;
    }
    audit(c, "risk.case.resolve", target,
          {{"outcome", arg["outcome"]},
           {"note", arg["note"]},
           {"player_id", out["player_id"]}});
    c.reply(200, out);
  }

  // Sets (a body {"cidr", "action", "note"}) or removes (?cidr=) an address rule.
  void address_rule(call& c, const std::string& op) {
    json arg;
    if (op == "rule") {
      auto body = json::parse(c.req.body, nullptr, false);
      if (!body.is_object() || !body["cidr"].is_string() || !body["action"].is_string() ||
          (body.contains("note") &&
           (!body["note"].is_string() || body["note"].get<std::string>().size() > 500)))
        return c.fail(400, "invalid_rule",
                      "the body is {\"cidr\": a network, \"action\": \"allow\" or "
                      "\"deny\", \"note\": at most 500 characters}");
      arg = {{"cidr", body["cidr"]},
             {"action", body["action"]},
             {"note", body.value("note", std::string{})}};
    } else {
      arg = {{"cidr", c.req.get_param_value("cidr")}};
    }
    arg["by"] = c.key->name;
    json out;
    bool ok = risk_ask(c, op, 0, arg.dump(), out);
    auto detail = arg;
    detail.erase("by");
    if (!ok) detail["failed"] = true;
    audit(c, op == "rule" ? "risk.address.set" : "risk.address.remove",
          "address:" + arg["cidr"].get<std::string>(), detail);
    if (ok) c.reply(200, out);
  }

  void reload_model(call& c) {
    json out;
    bool ok = risk_ask(c, "reload", 0, "", out);
    audit(c, "risk.model.reload", "risk_model", {{"reloaded", ok}});
    if (ok) c.reply(200, out);
  }

  void create_player(call& c) {
    auto decoded = decode_new_player(c.req.body);
    if (auto* e = std::get_if<api_error>(&decoded)) return c.fail(*e);
    auto& r = std::get<register_request>(decoded);
    r.address = "operator:" + c.key->name;
    auto out = ask<login_grant>(n.logins(), register_atom_v, r);
    json detail{{"username", r.username}, {"currency", r.currency}};
    if (auto* err = std::get_if<caf::error>(&out)) {
      detail["error"] = error_code_of(*err);
      audit(c, "player.create", "username:" + r.username, detail);
      return fail(c, *err);
    }
    auto& g = std::get<login_grant>(out);
    audit(c, "player.create", "player:" + std::to_string(g.player_id), detail);
    auto view = ask<account_view>(n.accounts(), account_atom_v, g.player_id);
    if (auto* a = std::get_if<account_view>(&view)) return c.reply(201, account_json(*a));
    fail(c, std::get<caf::error>(view));
  }

  void get_player(call& c) {
    auto player = player_of(c);
    if (!player) return;
    auto a = account_of(c, *player);
    if (!a) return;
    auto j = account_json(*a);
    auto bal = read_balance(*player, a->currency);
    if (auto* r = std::get_if<wallet_receipt>(&bal)) j["balance"] = r->balance;
    c.reply(200, j);
  }

  // GET /v1/players?username=: the account of one username, as GET /v1/players/{id}
  // answers it, in a list (empty when there is none).
  void find_player(call& c) {
    auto username = c.req.get_param_value("username");
    if (username.empty() || username.size() > 64)
      return c.fail(400, "invalid_field", "'username' must be given (at most 64 bytes)");
    auto view = ask<account_view>(n.accounts(), account_atom_v, username);
    if (auto* err = std::get_if<caf::error>(&view)) {
      if (error_code_of(*err) == "player_not_found")
        return c.reply(200, json{{"players", json::array()}});
      return fail(c, *err);
    }
    auto& a = std::get<account_view>(view);
    auto j = account_json(a);
    auto bal = read_balance(a.player_id, a.currency);
    if (auto* r = std::get_if<wallet_receipt>(&bal)) j["balance"] = r->balance;
    c.reply(200, json{{"players", json::array({j})}});
  }

  std::variant<wallet_receipt, caf::error> read_balance(int64_t player,
                                                        const std::string& currency) {
    wallet_request q;
    q.player_id = player;
    q.op = static_cast<uint8_t>(wallet_op::balance);
    q.currency = currency;
    return ask<wallet_receipt>(n.wallets(), wallet_atom_v, q);
  }

  void set_status(call& c, account_status status) {
    auto player = player_of(c);
    if (!player) return;
    auto code = static_cast<uint8_t>(status);
    auto out = ask<account_view>(n.accounts(), status_atom_v, *player, code,
                                 "operator:" + c.key->name);
    auto action = status == account_status::locked ? "player.lock" : "player.unlock";
    json detail{{"status", to_string(status)}};
    if (auto reason = decode_reason(c.req.body)) detail["reason"] = *reason;
    if (auto* err = std::get_if<caf::error>(&out)) {
      detail["error"] = error_code_of(*err);
      audit(c, action, "player:" + std::to_string(*player), detail);
      return fail(c, *err);
    }
    // The live wallet refuses (or accepts again) money going out at once.
    auto told = ask<bool>(n.wallets(), status_atom_v, *player, code);
    audit(c, action, "player:" + std::to_string(*player), detail);
    if (auto* err = std::get_if<caf::error>(&told)) return fail(c, *err);
    c.reply(200, account_json(std::get<account_view>(out)));
  }

  // The player's account; answers 404 (or the error) and returns nothing without one.
  std::optional<account_view> account_of(call& c, int64_t player) {
    auto view = ask<account_view>(n.accounts(), account_atom_v, player);
    if (auto* err = std::get_if<caf::error>(&view)) {
      fail(c, *err);
      return std::nullopt;
    }
    return std::get<account_view>(view);
  }

  void transfer(call& c, wallet_op op) {
    auto player = player_of(c);
    if (!player) return;
    auto decoded = decode_transfer(c.req.body, c.req.get_header_value("Idempotency-Key"));
    if (auto* e = std::get_if<api_error>(&decoded)) return c.fail(*e);
    auto& t = std::get<transfer_body>(decoded);
    auto account = account_of(c, *player);
    if (!account) return;
    const std::string& currency = account->currency;
    if (t.currency && *t.currency != currency)
      return c.fail(400, "invalid_currency",
                    "'currency' must be the account's currency, " + currency);
    const auto& key = t.idempotency_key;
    wallet_request q;
    q.player_id = *player;
    q.op = static_cast<uint8_t>(op);
    q.source = "operator";
    q.tx_id = key;
    q.currency = currency;
    q.amount = t.amount;
    auto out = ask<wallet_receipt>(n.wallets(), wallet_atom_v, q);
    auto action = op == wallet_op::deposit ? "wallet.deposit" : "wallet.withdraw";
    json detail{{"amount", q.amount}, {"currency", currency}, {"idempotency_key", key}};
    if (auto* err = std::get_if<caf::error>(&out)) {
      detail["error"] = error_code_of(*err);
      audit(c, action, "player:" + std::to_string(*player), detail);
      return fail(c, *err);
    }
    auto& r = std::get<wallet_receipt>(out);
    detail["seq"] = r.seq;
    detail["replayed"] = r.replayed;
    audit(c, action, "player:" + std::to_string(*player), detail);
    c.reply(r.replayed ? 200 : 201, receipt_json(r));
  }

  void balance(call& c) {
    auto player = player_of(c);
    if (!player) return;
    auto account = account_of(c, *player);
    if (!account) return;
    auto currency = c.req.get_param_value("currency");
    if (currency.empty()) currency = account->currency;
    auto out = read_balance(*player, currency);
    if (auto* err = std::get_if<caf::error>(&out)) return fail(c, *err);
    auto& r = std::get<wallet_receipt>(out);
    c.reply(
        200,
        json{{"player_id", *player}, {"currency", r.currency}, {"balance", r.balance}});
  }

  std::optional<int64_t> int_param(call& c, const char* name, int64_t fallback,
                                   int64_t lo, int64_t hi) {
    if (!c.req.has_param(name)) return fallback;
    auto s = c.req.get_param_value(name);
    int64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || p != s.data() + s.size() || v < lo || v > hi) {
      c.fail(400, "invalid_field", std::string{"'"} + name + "' is out of range");
      return std::nullopt;
    }
    return v;
  }

  // A page of the event log after a position (docs/events.md), for polling consumers.
  void events(call& c) {
    auto after = int_param(c, "after", 0, 0, INT64_MAX);
    auto limit = after ? int_param(c, "limit", 100, 1, 1'000) : std::nullopt;
    if (!limit) return;
    auto out = ask<event_batch>(n.feed(), events_atom_v, *after, *limit);
    if (auto* err = std::get_if<caf::error>(&out)) return fail(c, *err);
    auto& page = std::get<event_batch>(out);
    std::string body = "{\"events\":[";
    for (size_t i = 0; i < page.events.size(); ++i) {
      if (i > 0) body += ',';
      body += to_json(page.events[i]);
    }
    auto next = page.events.empty() ? *after : page.events.back().gseq();
    body += "],\"next_after\":" + std::to_string(next) + "}";
    c.res.status = 200;
    c.res.set_header("X-Request-Id", c.request_id);
    c.res.set_content(body, "application/json");
  }

  // A payment provider's callback: authenticated by its signature (docs/cashier.md).
  void payment_callback(call& c) {
    payment_callback_in in;
    in.provider = c.req.matches[1].str();
    for (const auto& [name, value] : c.req.headers) {
      std::string lower = name;
      for (auto& ch : lower)
        ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      in.header_names.push_back(std::move(lower));
      in.header_values.push_back(value);
    }
    in.body = c.req.body;
    in.address = c.req.remote_addr;
    auto out = ask<callback_outcome>(n.cashier(), callback_atom_v, std::move(in));
    if (auto* err = std::get_if<caf::error>(&out)) return fail(c, *err);
    auto& o = std::get<callback_outcome>(out);
    if (o.code.empty()) return c.reply(200, json{{"status", "ok"}});
    n.stats()->errors.inc(o.code);
    c.fail(static_cast<int>(o.http_status), o.code, o.message);
  }

  void payments(call& c) {
    auto player = player_of(c);
    if (!player || !account_of(c, *player)) return;
    auto before = int_param(c, "before_us", 0, 0, INT64_MAX);
    auto limit = before ? int_param(c, "limit", 50, 1, 500) : std::nullopt;
    if (!limit) return;
    auto out = ask<payment_page>(n.cashier(), payments_atom_v, *player, *before, *limit);
    if (auto* err = std::get_if<caf::error>(&out)) return fail(c, *err);
    auto& page = std::get<payment_page>(out);
    auto j = page_json(page);
    j["player_id"] = *player;
    j["reserved"] = page.reserved;
    c.reply(200, j);
  }

  json page_json(const payment_page& page) {
    auto list = json::array();
    for (const auto& p : page.payments)
      list.push_back(payment_json(p));
    json j{{"payments", std::move(list)}};
    if (page.next_before_us > 0) j["next_before_us"] = page.next_before_us;
    return j;
  }

  void set_kyc(call& c) {
    auto player = player_of(c);
    if (!player) return;
    auto decoded = decode_kyc(c.req.body);
    if (auto* e = std::get_if<api_error>(&decoded)) return c.fail(*e);
    auto& k = std::get<kyc_change>(decoded);
    k.player_id = *player;
    k.by = "operator:" + c.key->name;
    json detail{{"status", to_string(static_cast<kyc_status>(k.status))},
                {"level", k.level}};
    if (!k.reason.empty()) detail["reason"] = k.reason;
    auto out = ask<account_view>(n.accounts(), kyc_atom_v, k);
    if (auto* err = std::get_if<caf::error>(&out)) detail["error"] = error_code_of(*err);
    audit(c, "player.kyc", "player:" + std::to_string(*player), detail);
    if (auto* err = std::get_if<caf::error>(&out)) return fail(c, *err);
    c.reply(200, account_json(std::get<account_view>(out)));
  }

  void limits(call& c) {
    auto player = player_of(c);
    if (!player) return;
    auto out = ask<limits_view>(n.limits(), limits_atom_v, *player);
    if (auto* err = std::get_if<caf::error>(&out)) return fail(c, *err);
    c.reply(200, limits_json(std::get<limits_view>(out)));
  }

  void set_limit(call& c) {
    auto player = player_of(c);
    if (!player) return;
    limit_kind kind;
    if (!limit_kind_from_string(c.req.matches[2].str(), kind))
      return c.fail(404, "invalid_limit", "no such limit");
    auto decoded = decode_limit(c.req.body);
    if (auto* e = std::get_if<api_error>(&decoded)) return c.fail(*e);
    limit_change change{*player, static_cast<uint8_t>(kind), std::get<int64_t>(decoded),
                        "operator:" + c.key->name};
    json detail{{"limit", to_string(kind)}, {"amount", change.amount}};
    auto out = ask<limits_view>(n.limits(), limits_atom_v, change);
    if (auto* err = std::get_if<caf::error>(&out)) detail["error"] = error_code_of(*err);
    audit(c, "player.limit", "player:" + std::to_string(*player), detail);
    if (auto* err = std::get_if<caf::error>(&out)) return fail(c, *err);
    c.reply(200, limits_json(std::get<limits_view>(out)));
  }

  void withdrawals(call& c) {
    payments::payment_status status{};
    auto name = c.req.get_param_value("status");
    if (!name.empty() && (!payments::payment_status_from_string(name, status) ||
                          status == payments::payment_status::created ||
                          status == payments::payment_status::pending ||
                          status == payments::payment_status::confirmed ||
                          status == payments::payment_status::expired))
      return c.fail(400, "invalid_field",
                    "status must be a withdrawal's status (docs/cashier.md)");
    auto before = int_param(c, "before_us", 0, 0, INT64_MAX);
    auto limit = before ? int_param(c, "limit", 50, 1, 500) : std::nullopt;
    if (!limit) return;
    auto out = ask<payment_page>(n.cashier(), withdrawals_atom_v,
                                 int64_t{static_cast<uint8_t>(status)}, *before, *limit);
    if (auto* err = std::get_if<caf::error>(&out)) return fail(c, *err);
    c.reply(200, page_json(std::get<payment_page>(out)));
  }

  void withdrawal(call& c) {
    auto out = ask<payment_view>(n.cashier(), payments_atom_v, c.req.matches[1].str());
    if (auto* err = std::get_if<caf::error>(&out)) return fail(c, *err);
    auto& v = std::get<payment_view>(out);
    if (v.kind != "payout") return c.fail(404, "payment_not_found", "no such withdrawal");
    c.reply(200, payment_json(v));
  }

  void review(call& c, bool approve) {
    auto decoded = decode_required_reason(c.req.body);
    if (auto* e = std::get_if<api_error>(&decoded)) return c.fail(*e);
    withdrawal_review r{c.req.matches[1].str(), approve, std::get<std::string>(decoded),
                        c.key->name};
    auto action = approve ? "withdrawal.approve" : "withdrawal.reject";
    json detail{{"reason", r.reason}};
    auto out = ask<payment_view>(n.cashier(), review_atom_v, r);
    if (auto* err = std::get_if<caf::error>(&out)) detail["error"] = error_code_of(*err);
    audit(c, action, "payment:" + r.payment_id, detail);
    if (auto* err = std::get_if<caf::error>(&out)) return fail(c, *err);
    c.reply(200, payment_json(std::get<payment_view>(out)));
  }

  void ledger(call& c) {
    auto player = player_of(c);
    if (!player || !account_of(c, *player)) return;
    auto before = int_param(c, "before_seq", 0, 0, INT64_MAX);
    auto limit = before ? int_param(c, "limit", 50, 1, 500) : std::nullopt;
    if (!limit) return;
    auto out = ask<history_page>(n.wallets(), history_atom_v, *player, *before, *limit);
    if (auto* err = std::get_if<caf::error>(&out)) return fail(c, *err);
    auto& page = std::get<history_page>(out);
    auto entries = json::array();
    for (const auto& e : page.entries)
      entries.push_back(entry_json(e));
    json j{{"player_id", *player}, {"entries", std::move(entries)}};
    if (static_cast<int64_t>(page.entries.size()) == *limit)
      j["next_before_seq"] = page.entries.back().seq;
    c.reply(200, j);
  }

  void bonuses(call& c) {
    auto player = player_of(c);
    if (!player) return;
    auto out = ask<bonus_page>(n.bonus(), bonuses_atom_v, *player);
    if (auto* err = std::get_if<caf::error>(&out)) return fail(c, *err);
    auto list = json::array();
    for (const auto& g : std::get<bonus_page>(out).grants)
      list.push_back(bonus_json(g));
    c.reply(200, json{{"player_id", *player}, {"bonuses", std::move(list)}});
  }

  void grant_bonus(call& c) {
    auto player = player_of(c);
    if (!player) return;
    auto decoded = decode_manual_grant(c.req.body, now_us());
    if (auto* e = std::get_if<api_error>(&decoded)) return c.fail(*e);
    auto& m = std::get<manual_grant>(decoded);
    m.terms.player_id = *player;
    // With an Idempotency-Key the grant's id comes from it: a retry is the same grant.
    auto key = c.req.get_header_value("Idempotency-Key");
    if (key.size() > 128)
      return c.fail(400, "invalid_field", "'Idempotency-Key' is longer than 128 bytes");
    m.terms.grant_id =
        key.empty() ? new_grant_id()
                    : "bon_" + sha256_hex("manual:" + std::to_string(*player) + ":" + key)
                                   .substr(0, 24);
    json detail{{"grant_id", m.terms.grant_id},
                {"amount", m.terms.amount},
                {"wagering_required", m.terms.wagering_required},
                {"reason", m.reason}};
    auto out = ask<bonus_grant>(n.bonus(), grant_atom_v, m.terms);
    if (auto* err = std::get_if<caf::error>(&out)) detail["error"] = error_code_of(*err);
    audit(c, "bonus.grant", "player:" + std::to_string(*player), detail);
    if (auto* err = std::get_if<caf::error>(&out)) return fail(c, *err);
    c.reply(201, bonus_json(std::get<bonus_grant>(out)));
  }

  // The campaigns (or one), each with its figures.
  void campaigns(call& c, const std::string& id) {
    auto out = ask<campaign_list>(n.bonus(), campaign_atom_v, id);
    if (auto* err = std::get_if<caf::error>(&out)) return fail(c, *err);
    auto& list = std::get<campaign_list>(out);
    auto items = json::array();
    for (size_t i = 0; i < list.campaigns.size(); ++i) {
      auto j = campaign_json(list.campaigns[i]);
      j["figures"] = figures_json(list.figures[i]);
      items.push_back(std::move(j));
    }
    if (!id.empty()) return c.reply(200, items.at(0));
    c.reply(200, json{{"campaigns", std::move(items)}});
  }

  // Creates a campaign (no id) or replaces the terms of one.
  void save_campaign(call& c, const std::string& id) {
    auto decoded = decode_campaign(c.req.body);
    if (auto* e = std::get_if<api_error>(&decoded)) return c.fail(*e);
    auto& terms = std::get<campaign>(decoded);
    terms.campaign_id = id;
    auto out = ask<campaign>(n.bonus(), campaign_atom_v, terms);
    if (auto* err = std::get_if<caf::error>(&out)) {
      json failed{{"error", error_code_of(*err)}};
      audit(c, id.empty() ? "campaign.create" : "campaign.update",
            "campaign:" + (id.empty() ? std::string{"new"} : id), failed);
      return fail(c, *err);
    }
    auto& saved = std::get<campaign>(out);
    audit(c, id.empty() ? "campaign.create" : "campaign.update",
          "campaign:" + saved.campaign_id, campaign_json(saved));
    c.reply(id.empty() ? 201 : 200, campaign_json(saved));
  }

  void campaign_status_change(call& c) {
    auto id = c.req.matches[1].str();
    auto action = c.req.matches[2].str();
    auto status = action == "pause"    ? campaign_status::paused
                  : action == "resume" ? campaign_status::active
                                       : campaign_status::ended;
    auto out =
        ask<campaign>(n.bonus(), campaign_atom_v, id, static_cast<uint8_t>(status));
    json detail{{"status", to_string(status)}};
    if (auto* err = std::get_if<caf::error>(&out)) detail["error"] = error_code_of(*err);
    audit(c, "campaign." + action, "campaign:" + id, detail);
    if (auto* err = std::get_if<caf::error>(&out)) return fail(c, *err);
    c.reply(200, campaign_json(std::get<campaign>(out)));
  }

  // Per-campaign figures in the Prometheus text format (docs/bonus.md).
  std::string campaign_metrics() {
    auto out = ask<campaign_list>(n.bonus(), campaign_atom_v, std::string{});
    auto* list = std::get_if<campaign_list>(&out);
    if (list == nullptr || list->campaigns.empty()) return {};
    std::string text;
    auto family = [&](const char* name, const char* help, auto value) {
      text += std::string{"# HELP agg_bonus_campaign_"} + name + " " + help + "\n";
      text += std::string{"# TYPE agg_bonus_campaign_"} + name + " gauge\n";
      for (size_t i = 0; i < list->campaigns.size(); ++i) {
        const auto& cmp = list->campaigns[i];
        text += std::string{"agg_bonus_campaign_"} + name + "{campaign=\"" +
                cmp.campaign_id + "\",kind=\"" +
                to_string(static_cast<campaign_kind>(cmp.kind)) + "\"} " +
                std::to_string(value(list->figures[i])) + "\n";
      }
    };
    family("grants", "Grants given.", [](const campaign_figures& f) { return f.grants; });
    family("active_grants", "Grants active now.",
           [](const campaign_figures& f) { return f.active; });
    family("granted", "Bonus money given, minor units.",
           [](const campaign_figures& f) { return f.granted; });
    family("cost", "Bonus money converted to cash, minor units.",
           [](const campaign_figures& f) { return f.converted; });
    family("forfeited", "Bonus money forfeited, minor units.",
           [](const campaign_figures& f) { return f.forfeited; });
    family("expired", "Bonus money expired, minor units.",
           [](const campaign_figures& f) { return f.expired; });
    family("wagered", "Weighed stakes counted toward wagering, minor units.",
           [](const campaign_figures& f) { return f.wagered; });
    return text;
  }

  void revoke_bonus(call& c) {
    auto player = player_of(c);
    if (!player) return;
    auto decoded = decode_required_reason(c.req.body);
    if (auto* e = std::get_if<api_error>(&decoded)) return c.fail(*e);
    auto grant_id = c.req.matches[2].str();
    json detail{{"grant_id", grant_id}, {"reason", std::get<std::string>(decoded)}};
    auto out = ask<bonus_grant>(n.bonus(), forfeit_atom_v, *player, grant_id);
    if (auto* err = std::get_if<caf::error>(&out)) detail["error"] = error_code_of(*err);
    audit(c, "bonus.revoke", "player:" + std::to_string(*player), detail);
    if (auto* err = std::get_if<caf::error>(&out)) return fail(c, *err);
    c.reply(200, bonus_json(std::get<bonus_grant>(out)));
  }

  // One page of everything that happened to a player, newest first: money (ledger
  // entries) and activity in their events.md form, and payments as the cashier shows
  // them, merged by time. A page never splits one microsecond, so paging by
  // next_before_us neither skips nor repeats an item.
  void timeline(call& c) {
    auto player = player_of(c);
    if (!player || !account_of(c, *player)) return;
    auto before = int_param(c, "before_us", INT64_MAX, 1, INT64_MAX);
    auto limit = before ? int_param(c, "limit", 50, 1, 500) : std::nullopt;
    if (!limit) return;
    struct item {
      int64_t at_us;
      int64_t order; // within one microsecond: events by gseq, payments after them
      json body;
    };
    std::vector<item> items;
    bool more = false;
    for (int64_t fetch = *limit + 1;; fetch *= 4) {
      auto events =
          ask<event_batch>(n.wallets(), timeline_atom_v, *player, *before, fetch);
      if (auto* err = std::get_if<caf::error>(&events)) return fail(c, *err);
      auto pays =
          ask<payment_page>(n.cashier(), payments_atom_v, *player, *before, fetch);
      if (auto* err = std::get_if<caf::error>(&pays)) return fail(c, *err);
      const auto& evs = std::get<event_batch>(events).events;
      const auto& ps = std::get<payment_page>(pays).payments;
      // What each source left out is no newer than the oldest item it gave: only the
      // items newer than every full answer's oldest are known to be complete.
      int64_t bound = INT64_MIN;
      if (static_cast<int64_t>(evs.size()) == fetch)
        bound = std::max(bound, evs.back().created_us());
      if (static_cast<int64_t>(ps.size()) == fetch)
        bound = std::max(bound, ps.back().created_us);
      items.clear();
      for (const auto& ev : evs)
        items.push_back({ev.created_us(), ev.gseq(),
                         json{{"at_us", ev.created_us()},
                              {"kind", ev.is_money ? "money" : "activity"},
                              {"event", parse_json(to_json(ev)).doc}}});
      for (const auto& p : ps)
        items.push_back({p.created_us, INT64_MAX,
                         json{{"at_us", p.created_us},
                              {"kind", "payment"},
                              {"payment", payment_json(p)}}});
      std::stable_sort(items.begin(), items.end(), [](const item& a, const item& b) {
        return a.at_us != b.at_us ? a.at_us > b.at_us : a.order > b.order;
      });
      more = bound != INT64_MIN;
      size_t complete = 0;
      while (complete < items.size() && items[complete].at_us > bound)
        ++complete;
      auto cut = static_cast<size_t>(*limit);
      if (complete > cut) {
        // The page's last microsecond moves whole to the next page, unless the page
        // is one microsecond: then it is served whole, longer than limit.
        size_t keep = cut;
        while (keep > 0 && items[keep - 1].at_us == items[cut].at_us)
          --keep;
        if (keep == 0)
          while (keep < complete && items[keep].at_us == items[0].at_us)
            ++keep;
        items.resize(keep);
        more = true;
        break;
      }
      if (complete > 0 || !more || fetch >= 10'000) {
        if (complete == 0) // 10,000 items in one microsecond: served as they came
          while (complete < items.size() && items[complete].at_us == items[0].at_us)
            ++complete;
        items.resize(complete);
        break;
      }
    }
    auto list = json::array();
    for (auto& i : items)
      list.push_back(std::move(i.body));
    json j{{"player_id", *player}, {"items", std::move(list)}};
    if (more && !items.empty()) j["next_before_us"] = items.back().at_us;
    c.reply(200, j);
  }

  // The vendor named in the path, if configured.
  std::optional<std::string> vendor_of(call& c) {
    auto id = c.req.matches[1].str();
    for (const auto& v : n.options().vendors)
      if (v == id) return id;
    c.fail(404, "unknown_vendor", "no vendor '" + id + "' is configured");
    return std::nullopt;
  }

  static json totals_json(const movement_totals& t) {
    return json{{"count", t.count}, {"amount", t.amount}};
  }

  void reconciliation(call& c) {
    auto vendor = vendor_of(c);
    if (!vendor) return;
    auto day = c.req.get_param_value("day");
    if (day.empty()) {
      auto now = static_cast<time_t>(now_us() / 1'000'000);
      std::tm t{};
      gmtime_r(&now, &t);
      char text[16];
      std::strftime(text, sizeof(text), "%Y-%m-%d", &t);
      day = text;
    }
    auto bounds = utc_day_bounds(day);
    if (!bounds) return c.fail(400, "invalid_field", "'day' must be a date, YYYY-MM-DD");
    auto limit = int_param(c, "open_limit", 1000, 1, 10'000);
    if (!limit) return;
    auto report = ask<reconciliation_report>(n.wallets(), reconcile_atom_v, *vendor,
                                             bounds->first, bounds->second, *limit + 1);
    if (auto* err = std::get_if<caf::error>(&report)) return fail(c, *err);
    auto& r = std::get<reconciliation_report>(report);
    auto totals = json::array();
    for (const auto& t : r.totals)
      totals.push_back({{"currency", t.currency},
                        {"bets", totals_json(t.bets)},
                        {"wins", totals_json(t.wins)},
                        {"rollbacks", totals_json(t.rollbacks)},
                        {"net", t.bets.amount - t.wins.amount - t.rollbacks.amount}});
    auto& open = r.open_rounds;
    bool truncated = static_cast<int64_t>(open.size()) > *limit;
    if (truncated) open.pop_back();
    auto rounds = json::array();
    for (const auto& r : open)
      rounds.push_back({{"round_id", r.round_id},
                        {"player_id", r.player_id},
                        {"currency", r.currency},
                        {"game", r.game_id},
                        {"bet_count", r.bet_count},
                        {"open_bet_count", r.open_bet_count},
                        {"bet_total", r.bet_total},
                        {"win_total", r.win_total},
                        {"refund_total", r.refund_total},
                        {"opened_at_us", r.opened_us},
                        {"updated_at_us", r.updated_us}});
    c.reply(200, json{{"vendor", *vendor},
                      {"day", day},
                      {"from_us", bounds->first},
                      {"to_us", bounds->second},
                      {"totals", std::move(totals)},
                      {"open_rounds", std::move(rounds)},
                      {"open_rounds_truncated", truncated}});
  }

  void round_details(call& c) {
    auto vendor = vendor_of(c);
    if (!vendor) return;
    auto round_id = c.req.matches[2].str();
    auto player = int_param(c, "player", 0, 0, INT64_MAX);
    if (!player) return;
    auto out = ask<std::string>(n.vendors(), details_atom_v, *vendor, round_id, *player);
    if (auto* err = std::get_if<caf::error>(&out)) return fail(c, *err);
    c.reply(200, json{{"vendor", *vendor},
                      {"round_id", round_id},
                      {"url", std::get<std::string>(out)}});
  }

  void audit_trail(call& c) {
    auto limit = int_param(c, "limit", 100, 1, 1000);
    if (!limit) return;
    auto out = ask<audit_page>(n.accounts(), audit_atom_v, *limit);
    if (auto* err = std::get_if<caf::error>(&out)) return fail(c, *err);
    auto rows = json::array();
    for (const auto& r : std::get<audit_page>(out).entries)
      rows.push_back({{"at_us", r.at_us},
                      {"actor", r.actor},
                      {"role", r.role},
                      {"action", r.action},
                      {"target", r.target},
                      {"request_id", r.request_id},
                      {"detail", parse_json(r.detail).doc}});
    c.reply(200, json{{"entries", std::move(rows)}});
  }
};

http_api::http_api(http_options opts, caf::actor_system& sys, node& n)
    : impl_(std::make_unique<impl>(std::move(opts), sys, n)) {
  impl_->routes();
}

http_api::~http_api() {
  stop();
}

uint16_t http_api::start() {
  return impl_->listener.start(impl_->opts.bind_address, impl_->opts.port);
}

void http_api::stop() {
  impl_->listener.stop();
}

} // namespace agg::gateway
