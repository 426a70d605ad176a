#include "studio/rgs_server.hpp"

#include "common/clock.hpp"
#include "common/json_parse.hpp"
#include "common/log.hpp"
#include "gateway/http_listener.hpp"
#include "persistence/schema.hpp"
#include "persistence/seed_repository_db.hpp"
#include "persistence/sqlite.hpp"
#include "vendors/remote/rgs_protocol.hpp"

#include <nlohmann/json.hpp>

#include <mutex>

namespace agg::studio {

namespace {

using json = nlohmann::json;
namespace rgs = vendors::rgs;

// A round as the studio recorded it.
struct stored_round {
  int64_t player_id = 0;
  std::string game_id;
  std::string currency;
  int64_t stake = 0;
  std::string state; // "played" or "void"
  std::string outcome_json;
};

// The studio's record of rounds; one connection behind a mutex.
class round_book {
public:
  explicit round_book(const std::string& path) {
    conn_ = db::connection::open(path, db::open_mode::read_write_create);
    db::migrate(conn_); // the seeds of provably fair games live in the same file
    // The outcome is written before it is answered. NORMAL survives the studio
    // process dying at any point; only an operating system crash can lose the last
    // rounds, which the aggregator then refunds.
    conn_.pragma("synchronous", 1);
    conn_.exec(R"sql(
CREATE TABLE IF NOT EXISTS rgs_rounds(
  round_id   TEXT    PRIMARY KEY,
  player_id  INTEGER NOT NULL,
  game_id    TEXT    NOT NULL,
  currency   TEXT    NOT NULL,
  stake      INTEGER NOT NULL,
  state      TEXT    NOT NULL,
  outcome    TEXT    NOT NULL,
  created_us INTEGER NOT NULL
) WITHOUT ROWID)sql");
    find_ = std::make_unique<db::statement>(
        conn_.prepare("SELECT player_id, game_id, currency, stake, state, outcome FROM "
                      "rgs_rounds WHERE round_id = ?"));
    insert_ = std::make_unique<db::statement>(conn_.prepare(
        "INSERT OR IGNORE INTO rgs_rounds(round_id, player_id, game_id, currency, stake, "
        "state, outcome, created_us) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
  }

  std::optional<stored_round> find(const std::string& round_id) {
    std::lock_guard<std::mutex> guard{mtx_};
    return find_locked(round_id);
  }

  // Records the round unless it is already known; returns what is recorded.
  stored_round record(const std::string& round_id, const stored_round& r) {
    std::lock_guard<std::mutex> guard{mtx_};
    insert_->bind(1, round_id)
        .bind(2, r.player_id)
        .bind(3, r.game_id)
        .bind(4, r.currency)
        .bind(5, r.stake)
        .bind(6, r.state)
        .bind(7, r.outcome_json)
        .bind(8, now_us())
        .run();
    return *find_locked(round_id);
  }

private:
  std::optional<stored_round> find_locked(const std::string& round_id) {
    find_->bind(1, round_id);
    std::optional<stored_round> out;
    if (find_->step())
      out = stored_round{find_->int64(0), find_->text(1), find_->text(2),
                         find_->int64(3), find_->text(4), find_->text(5)};
    find_->reset();
    return out;
  }

  std::mutex mtx_;
  db::connection conn_;
  std::unique_ptr<db::statement> find_;
  std::unique_ptr<db::statement> insert_;
};

struct answer {
  int status = 200;
  json body;
};

answer refuse(int status, const std::string& code, const std::string& message) {
  return {status, rgs::error_json(code, message)};
}

} // namespace

struct rgs_server::impl {
  rgs_server_options opts;
  std::unique_ptr<round_book> book;
  std::shared_ptr<db_seed_repository> seeds;
  std::unique_ptr<vendors::adapter> games;
  rgs::replay_guard guard;
  gateway::http_listener listener;

  explicit impl(rgs_server_options o)
      : opts(std::move(o)), guard(opts.replay_window),
        listener("the RGS server", static_cast<size_t>(opts.threads), 64 * 1024) {
    if (opts.secret.size() < 16)
      throw std::invalid_argument("the RGS secret must be at least 16 bytes");
    book = std::make_unique<round_book>(opts.db_path);
    seeds = std::make_shared<db_seed_repository>(opts.db_path, db::tuning{});
    auto factory = vendors::find_adapter(opts.kind);
    if (!factory) throw std::invalid_argument("no adapter of kind '" + opts.kind + "'");
    games = factory({opts.vendor_id, opts.settings, seeds.get()});
    listener.server().Post(
        R"(/rgs/v1/([a-z_]+))",
        [this](const httplib::Request& req, httplib::Response& res) { serve(req, res); });
  }

  void serve(const httplib::Request& req, httplib::Response& res) {
    auto sig = req.get_header_value(rgs::signature_header);
    auto ts = rgs::parse_timestamp(req.get_header_value(rgs::timestamp_header));
    answer a;
    bool signed_ok =
        ts && rgs::same_signature(
                  sig, rgs::request_signature(opts.secret, *ts, req.path, req.body));
    if (!signed_ok) {
      a = refuse(401, "bad_signature",
                 "the request is not signed with the shared secret");
    } else {
      switch (guard.admit(*ts, sig, now_ms())) {
        case rgs::replay_guard::verdict::stale:
          a = refuse(401, "stale_request", "the timestamp is outside the replay window");
          break;
        case rgs::replay_guard::verdict::replayed:
          a = refuse(409, "replayed", "this request was already received");
          break;
        case rgs::replay_guard::verdict::fresh:
          a = dispatch(req.matches[1].str(), req.body);
          break;
      }
    }
    auto text = a.body.dump(-1, ' ', false, json::error_handler_t::replace);
    res.status = a.status;
    if (signed_ok) {
      auto rts = now_ms();
      res.set_header(rgs::timestamp_header, std::to_string(rts));
      res.set_header(rgs::signature_header,
                     rgs::response_signature(opts.secret, rts, sig, text));
    }
    res.set_content(text, "application/json");
  }

  answer dispatch(const std::string& op, const std::string& body) {
    auto parsed = parse_json(body);
    if (parsed.fault == json_fault::too_deep)
      return refuse(400, "bad_request",
                    "arrays and objects may nest at most " +
                        std::to_string(json_depth_max) + " deep");
    if (!parsed.is_object())
      return refuse(400, "bad_request", "the body must be one JSON object");
    const auto& doc = parsed.doc;
    try {
      if (op == "games") return list_games();
      if (op == "health") return {200, json{{"status", "ok"}}};
      if (op == "play") return play(rgs::context_from_json(doc));
      if (op == "status") return status(doc.at("round_id").get<std::string>());
      if (op == "seeds") {
        auto s = games->seeds(doc.at("player_id").get<int64_t>());
        return {200, json{{"server_seed_hash", s.server_seed_hash},
                          {"client_seed", s.client_seed},
                          {"next_nonce", s.next_nonce}}};
      }
      if (op == "rotate") {
        std::optional<std::string> seed;
        if (doc.contains("client_seed")) seed = doc["client_seed"].get<std::string>();
        auto r = games->rotate_seed(doc.at("player_id").get<int64_t>(), seed);
        return {200, json{{"server_seed", r.server_seed},
                          {"server_seed_hash", r.server_seed_hash},
                          {"client_seed", r.client_seed},
                          {"last_nonce", r.last_nonce},
                          {"next",
                           {{"server_seed_hash", r.next.server_seed_hash},
                            {"client_seed", r.next.client_seed},
                            {"next_nonce", r.next.next_nonce}}}}};
      }
      if (op == "verify")
        return {200, rgs::to_json(games->verify(doc.at("game_id").get<std::string>(),
                                                doc.value("params", ""),
                                                doc.at("stake").get<int64_t>(),
                                                doc.at("server_seed").get<std::string>(),
                                                doc.at("client_seed").get<std::string>(),
                                                doc.at("nonce").get<int64_t>()))};
      return refuse(404, "unknown_operation", "no operation '" + op + "'");
    } catch (const vendors::invalid_params& e) {
      return refuse(422, "invalid_params", e.what());
    } catch (const vendors::not_provably_fair& e) {
      return refuse(422, "not_provably_fair", e.what());
    } catch (const json::exception& e) {
      return refuse(400, "bad_request", e.what());
    } catch (const std::invalid_argument& e) {
      return refuse(400, "bad_request", e.what());
    } catch (const std::exception& e) {
      log::error("studio", "operation failed", {{"op", op}, {"error", e.what()}});
      return refuse(500, "internal_error", "internal error");
    }
  }

  answer list_games() {
    auto list = json::array();
    for (const auto& g : games->games())
      list.push_back(rgs::to_json(g));
    return {200,
            json{{"games", std::move(list)}, {"provably_fair", games->provably_fair()}}};
  }

  // The recorded outcome of a round, as an answer.
  static answer of(const std::string& round_id, const stored_round& r) {
    if (r.state == "void")
      return refuse(409, "round_void", "round " + round_id + " was voided");
    auto j = json::parse(r.outcome_json);
    j["round_id"] = round_id;
    j["state"] = "played";
    return {200, j};
  }

  static bool same_request(const stored_round& r, const vendors::round_context& c) {
    return r.player_id == c.player_id && r.game_id == c.game_id &&
           r.currency == c.currency && r.stake == c.stake;
  }

  answer play(const vendors::round_context& ctx) {
    if (auto known = book->find(ctx.round_id)) {
      if (known->state == "played" && !same_request(*known, ctx))
        return refuse(409, "round_conflict",
                      "round " + ctx.round_id + " was played with other inputs");
      return of(ctx.round_id, *known);
    }
    games->check(ctx);
    auto outcome = games->play(ctx);
    auto stored =
        book->record(ctx.round_id, {ctx.player_id, ctx.game_id, ctx.currency, ctx.stake,
                                    "played", rgs::to_json(outcome).dump()});
    if (stored.state == "played" && !same_request(stored, ctx))
      return refuse(409, "round_conflict",
                    "round " + ctx.round_id + " was played with other inputs");
    return of(ctx.round_id, stored);
  }

  answer status(const std::string& round_id) {
    if (round_id.empty()) return refuse(400, "bad_request", "round_id is required");
    // A round not played yet is voided: it will never be played.
    auto r = book->record(round_id, {0, "", "", 0, "void", "{}"});
    if (r.state == "void") return {200, json{{"round_id", round_id}, {"state", "void"}}};
    return of(round_id, r);
  }
};

rgs_server::rgs_server(rgs_server_options opts)
    : impl_(std::make_unique<impl>(std::move(opts))) {}

rgs_server::~rgs_server() {
  stop();
}

uint16_t rgs_server::start() {
  return impl_->listener.start(impl_->opts.bind_address, impl_->opts.port);
}

void rgs_server::stop() {
  impl_->listener.stop();
}

} // namespace agg::studio
