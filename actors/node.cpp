#include "actors/node.hpp"

#include "actors/bonus/bonus_service.hpp"
#include "actors/cashier/cashier.hpp"
#include "actors/events/event_feed.hpp"
#include "actors/events/kafka_producer.hpp"
#include "actors/events/kafka_publisher.hpp"
#include "actors/play/vendor_connection.hpp"
#include "actors/play/vendor_directory.hpp"
#include "actors/play/vendor_sessions.hpp"
#include "actors/players/limits_service.hpp"
#include "actors/players/login_gate.hpp"
#include "actors/players/presence.hpp"
#include "actors/risk/risk_service.hpp"
#include "actors/supervisor.hpp"
#include "common/clock.hpp"
#include "common/log.hpp"
#include "payments/provider.hpp"
#include "persistence/cluster_identity.hpp"
#include "persistence/ledger_store.hpp"
#include "persistence/schema.hpp"
#include "persistence/seed_repository_db.hpp"
#include "persistence/sqlite.hpp"

#include <thread>

namespace agg {

namespace {

const caf::atom_value presence_name = caf::atom("presence");
const caf::atom_value accounts_name = caf::atom("accounts");
const caf::atom_value logins_name = caf::atom("logins");
const caf::atom_value sessions_name = caf::atom("sessions");

} // namespace

caf::atom_value kafka_publisher_name() {
  return caf::atom("kafka");
}

namespace {

std::string reader_id(int64_t i) {
  return "ledger_reader_" + std::to_string(i);
}

// The SQLite settings of every connection the node opens.
db::tuning db_tuning_of(const server_options& opts) {
  db::tuning t;
  t.busy_timeout_ms = static_cast<int>(opts.db_busy_timeout_ms);
  t.cache_kib = opts.db_cache_kib;
  t.mmap_bytes = opts.db_mmap_bytes;
  t.wal_autocheckpoint_pages = opts.wal_checkpoint_pages_max;
  return t;
}

supervisor_flags flags_of(const server_options& opts, restart_strategy strategy,
                          const std::shared_ptr<metrics>& stats) {
  supervisor_flags flags;
  flags.strategy = strategy;
  flags.intensity = opts.restart_intensity;
  flags.period = std::chrono::milliseconds{opts.restart_period_ms};
  flags.backoff = std::chrono::milliseconds{opts.restart_backoff_ms};
  flags.on_restart = [stats] { stats->actor_restarts.fetch_add(1); };
  return flags;
}

std::vector<child_spec> storage_children(const server_options& opts,
                                         const node_hooks& hooks,
                                         std::shared_ptr<id_filter> ids,
                                         std::shared_ptr<metrics> stats,
                                         std::function<bool(int64_t)> owns) {
  std::vector<child_spec> out;
  writer_options w;
  w.owns = std::move(owns);
  w.db_path = opts.db_path();
  w.tuning = db_tuning_of(opts);
  w.commit_window = std::chrono::microseconds{opts.commit_window_us};
  w.batch_max = static_cast<size_t>(opts.commit_batch_max);
  w.before_commit = hooks.before_commit;
  w.stats = stats;
  w.wal_frames = std::make_shared<std::atomic<int64_t>>(0);
  w.chain_checkpoint_interval =
      std::chrono::milliseconds{opts.chain_checkpoint_interval_ms};
  child_spec writer{
      "ledger_writer", [w, without_feed = hooks.without_feed](caf::actor_system& sys,
                                                              const child_handles&) {
        auto mine = w;
        auto* s = &sys;
        if (!without_feed)
          mine.feed = [s] {
            return caf::actor_cast<caf::actor>(s->registry().get(feed_name()));
          };
        return spawn_ledger_writer(sys, mine);
      }};
  writer.registered_name = ledger_writer_name();
  out.push_back(std::move(writer));
  reader_options r{opts.db_path(), db_tuning_of(opts)};
  for (int64_t i = 0; i < opts.reader_count; ++i)
    out.push_back({reader_id(i), [r](caf::actor_system& sys, const child_handles&) {
                     return caf::actor_cast<caf::actor>(spawn_ledger_reader(sys, r));
                   }});
  // The feed reads catch-up from the last reader (the wallets' loads spread over all).
  feed_options f;
  f.buffer_events = static_cast<size_t>(opts.feed_buffer_events);
  f.batch_max = opts.feed_batch_max;
  f.cursor_interval = std::chrono::milliseconds{opts.feed_cursor_interval_ms};
  f.stats = stats;
  child_spec feed{"event_feed", [f, readers = opts.reader_count](caf::actor_system& sys,
                                                                 const child_handles& h) {
                    auto mine = f;
                    auto reader =
                        caf::actor_cast<reader_actor>(h.at(reader_id(readers - 1)));
                    auto writer = h.at("ledger_writer");
                    mine.reader = [reader] { return reader; };
                    mine.writer = [writer] { return writer; };
                    return spawn_event_feed(sys, std::move(mine));
                  }};
  feed.registered_name = feed_name();
  if (!hooks.without_feed) out.push_back(std::move(feed));
  wallet_limits limits;
  limits.idle_timeout = std::chrono::milliseconds{opts.wallet_idle_timeout_ms};
  limits.storage_timeout = std::chrono::milliseconds{opts.storage_timeout_ms};
  limits.cache_entries_max = static_cast<size_t>(opts.wallet_cache_entries_max);
  limits.queue_len_max = static_cast<size_t>(opts.wallet_queue_len_max);
  auto readers = opts.reader_count;
  child_spec registry{
      "wallet_registry", [=](caf::actor_system& sys, const child_handles& h) {
        registry_deps deps;
        deps.writer = h.at("ledger_writer");
        for (int64_t i = 0; i < readers; ++i)
          deps.readers.push_back(caf::actor_cast<reader_actor>(h.at(reader_id(i))));
        deps.ids = ids;
        deps.stats = stats;
        deps.limits = limits;
        return caf::actor_cast<caf::actor>(spawn_wallet_registry(sys, std::move(deps)));
      }};
  registry.registered_name = wallet_registry_name();
  out.push_back(std::move(registry));
  checkpointer_options c;
  c.db = r;
  c.interval = std::chrono::milliseconds{opts.checkpoint_interval_ms};
  c.after_frames = opts.checkpoint_after_pages;
  c.wal_frames = w.wal_frames;
  out.push_back({"checkpointer", [c](caf::actor_system& sys, const child_handles& h) {
                   auto mine = c;
                   mine.writer = h.at("ledger_writer");
                   return spawn_checkpointer(sys, std::move(mine));
                 }});
  return out;
}

// The vendor's own options from its [vendors.<id>] section; the keys not known here
// are the adapter's. Throws std::invalid_argument naming a bad key.
vendor_options vendor_options_of(const server_options& opts, const std::string& id) {
  vendor_options v;
  v.id = id;
  v.kind = id;
  auto settings = opts.vendor_settings.count(id) ? opts.vendor_settings.at(id)
                                                 : std::map<std::string, std::string>{};
  auto take = [&](const char* key, int64_t fallback, int64_t lo, int64_t hi) {
    auto i = settings.find(key);
    if (i == settings.end()) return fallback;
    int64_t value = 0;
    try {
      size_t used = 0;
      value = std::stoll(i->second, &used);
      if (used != i->second.size()) throw std::invalid_argument("trailing characters");
    } catch (const std::exception&) {
      throw std::invalid_argument("vendors." + id + "." + key + ": not an integer");
    }
    if (value < lo || value > hi)
      throw std::invalid_argument("vendors." + id + "." + key + ": must be between " +
                                  std::to_string(lo) + " and " + std::to_string(hi));
    settings.erase(i);
    return value;
  };
  if (auto i = settings.find("kind"); i != settings.end()) {
    v.kind = i->second;
    settings.erase(i);
  }
  v.workers = static_cast<size_t>(take("workers", 2, 1, 256));
  v.concurrency_max = static_cast<size_t>(take("concurrency_max", 512, 1, 1'000'000));
  v.round_timeout =
      std::chrono::milliseconds{take("round_timeout_ms", 5'000, 1, 3'600'000)};
  v.breaker_failures = take("breaker_failures", 5, 1, 1'000'000);
  v.breaker_cooldown =
      std::chrono::milliseconds{take("breaker_cooldown_ms", 5'000, 1, 3'600'000)};
  v.health_probe_interval =
      std::chrono::milliseconds{take("health_probe_interval_ms", 500, 10, 3'600'000)};
  v.sweep_interval =
      std::chrono::milliseconds{take("sweep_interval_ms", 10'000, 10, 3'600'000)};
  v.stale_after =
      std::chrono::milliseconds{take("stale_after_ms", 60'000, 1, 86'400'000)};
  v.session_ttl = std::chrono::seconds{take("session_ttl_s", 8 * 3'600, 60, 30 * 86'400)};
  v.bet_deadline = std::chrono::milliseconds{take("bet_deadline_ms", 2'500, 0, 600'000)};
  v.stake_max_by_currency = currency_amounts(opts.stake_max_by_currency);
  // restart_* keys belong to the vendor's supervisor; read by the caller.
  settings.erase("restart_intensity");
  settings.erase("restart_period_ms");
  v.settings = std::move(settings);
  return v;
}

child_spec vendor_child(const server_options& opts, const std::string& id,
                        const std::shared_ptr<metrics>& stats,
                        const std::shared_ptr<vendors::seed_repository>& seeds) {
  auto v = vendor_options_of(opts, id);
  auto flags = flags_of(opts, restart_strategy::one_for_one, stats);
  auto settings = opts.vendor_settings.count(id) ? opts.vendor_settings.at(id)
                                                 : std::map<std::string, std::string>{};
  if (auto i = settings.find("restart_intensity"); i != settings.end())
    flags.intensity = std::stoll(i->second);
  if (auto i = settings.find("restart_period_ms"); i != settings.end())
    flags.period = std::chrono::milliseconds{std::stoll(i->second)};
  auto request_timeout = std::chrono::milliseconds{opts.request_timeout_ms};
  child_spec connection{
      "connection",
      [v, stats, seeds, request_timeout](caf::actor_system& sys, const child_handles&) {
        vendor_deps deps;
        auto* s = &sys;
        deps.wallets = [s] {
          return caf::actor_cast<registry_actor>(
              s->registry().get(wallet_registry_name()));
        };
        deps.presence = [s] {
          return caf::actor_cast<caf::actor>(s->registry().get(presence_name));
        };
        deps.directory =
            caf::actor_cast<caf::actor>(sys.registry().get(vendor_directory_name()));
        deps.sessions = [s] {
          return caf::actor_cast<caf::actor>(s->registry().get(session_store_name()));
        };
        deps.seeds = seeds;
        deps.stats = stats;
        deps.request_timeout = request_timeout;
        return spawn_vendor_connection(sys, v, std::move(deps));
      }};
  // A vendor that keeps failing beyond its intensity stays down (its games answer
  // vendor_unavailable); the rest of the server carries on.
  return {"vendor:" + id,
          [flags, connection](caf::actor_system& sys, const child_handles&) {
            return spawn_supervisor(sys, flags, {connection});
          },
          restart_policy::temporary};
}

account_options account_options_of(const server_options& opts,
                                   const std::shared_ptr<metrics>& stats) {
  constexpr int64_t ms = 1'000;
  account_options a;
  a.db_path = opts.db_path();
  a.tuning = db_tuning_of(opts);
  a.password_ops_limit = static_cast<uint64_t>(opts.password_ops_limit);
  a.password_mem_bytes = static_cast<size_t>(opts.password_mem_kib) * 1024;
  a.workers = static_cast<size_t>(opts.account_db_workers);
  a.lockout.failures_max = opts.login_lockout_failures;
  a.lockout.base_us = opts.login_lockout_base_ms * ms;
  a.lockout.max_us = opts.login_lockout_max_ms * ms;
  a.lockout.known_address_us = opts.login_known_address_days * 86'400'000 * ms;
  a.stats = stats;
  return a;
}

login_gate_options login_gate_options_of(const server_options& opts,
                                         const account_options& a) {
  constexpr int64_t ms = 1'000;
  login_gate_options g;
  g.accounts = a;
  g.workers = static_cast<size_t>(opts.account_workers);
  g.queue_len_max = static_cast<size_t>(opts.login_queue_len_max);
  g.queue_per_address_max = static_cast<size_t>(opts.login_queue_per_address_max);
  g.queue_per_account_max = static_cast<size_t>(opts.login_queue_per_account_max);
  g.guard.failures_max = opts.login_address_failures_max;
  g.guard.suspect_failures = opts.login_suspect_failures;
  g.guard.window_us = opts.login_failure_window_ms * ms;
  g.guard.ban_us = opts.login_address_ban_ms * ms;
  auto velocity = [&](int64_t max) {
    login_guard_options v;
    v.failures_max = max;
    v.suspect_failures = max;
    v.window_us = opts.register_window_ms * ms;
    v.ban_us = opts.register_window_ms * ms;
    return v;
  };
  g.registrations_per_address = velocity(opts.register_address_max);
  g.registrations_per_device = velocity(opts.register_device_max);
  g.request_timeout = std::chrono::milliseconds{opts.request_timeout_ms};
  return g;
}

// The Kafka publisher's options from [events.kafka]. Throws std::invalid_argument
// naming a librdkafka setting it refuses.
kafka_publisher_options kafka_options_of(const server_options& opts,
                                         std::shared_ptr<metrics> stats) {
  kafka_publisher_options k;
  k.brokers = opts.kafka.brokers;
  k.topic_prefix = opts.kafka.topic_prefix;
  k.in_flight_max = opts.kafka.in_flight_max;
  k.retry = std::chrono::milliseconds{opts.kafka.retry_ms};
  for (const auto& s : opts.kafka.settings) {
    auto eq = s.find('=');
    k.settings.emplace_back(s.substr(0, eq), s.substr(eq + 1));
  }
  if (auto refused = kafka_producer::check(k.settings); !refused.empty())
    throw std::invalid_argument("events.kafka.settings: " + refused);
  k.stats = std::move(stats);
  return k;
}

// The cashier's options; every configured provider is started once here, so that a
// bad section stops the node at start (throws payments::provider_config_error).
cashier_options cashier_options_of(const server_options& opts,
                                   std::shared_ptr<metrics> stats,
                                   std::function<std::string()> operator_url) {
  cashier_options c;
  c.db_path = opts.db_path();
  c.tuning = db_tuning_of(opts);
  c.amount_max = opts.payment_amount_max;
  c.intent_ttl = std::chrono::milliseconds{opts.payment_intent_ttl_ms};
  c.submit_timeout = std::chrono::milliseconds{opts.payment_timeout_ms};
  c.request_timeout = std::chrono::milliseconds{opts.request_timeout_ms};
  c.operator_url = std::move(operator_url);
  c.stats = std::move(stats);
  c.auto_approve_max = currency_amounts(opts.withdrawal_auto_approve_max);
  c.kyc_deposit_threshold = currency_amounts(opts.kyc_deposit_threshold);
  for (const auto& id : opts.payments) {
    payment_provider_config p;
    p.id = id;
    p.kind = id;
    if (auto i = opts.payment_settings.find(id); i != opts.payment_settings.end())
      p.settings = i->second;
    if (auto k = p.settings.find("kind"); k != p.settings.end()) {
      p.kind = k->second;
      p.settings.erase(k);
    }
    payments::provider_env env;
    env.id = id;
    env.settings = p.settings;
    // The breaker's settings are the cashier's: read (and checked) here.
    p.breaker_failures = payments::int_setting(env, "breaker_failures", 5, 1, 1'000'000);
    p.breaker_cooldown = std::chrono::milliseconds{
        payments::int_setting(env, "breaker_cooldown_ms", 30'000, 1, 3'600'000)};
    p.settings.erase("breaker_failures");
    p.settings.erase("breaker_cooldown_ms");
    env.settings = p.settings;
    payments::make_provider(p.kind, env); // started and stopped: the settings hold
    c.providers.push_back(std::move(p));
  }
  return c;
}

// The risk service's options from the configuration.
risk_options risk_options_of(const server_options& opts, std::shared_ptr<metrics> stats) {
  risk_options r;
  r.db_path = opts.db_path();
  r.tuning = db_tuning_of(opts);
  r.model_path = opts.risk_model;
  r.review_score = opts.risk_review_score;
  r.lock_score = opts.risk_lock_score;
  r.engine.score_every = opts.risk_score_every;
  r.engine.min_bets = opts.risk_min_bets;
  r.engine.links.share_cap = opts.risk_share_cap;
  r.engine.links.address_window_us = opts.risk_address_window_h * 3'600'000'000;
  r.stuffing.accounts_max = opts.risk_stuffing_accounts;
  r.stuffing.window_us = opts.risk_stuffing_window_ms * 1'000;
  r.stats = std::move(stats);
  return r;
}

std::vector<child_spec> root_children(const server_options& opts, const node_hooks& hooks,
                                      std::shared_ptr<id_filter> ids,
                                      std::shared_ptr<metrics> stats,
                                      std::shared_ptr<token_authority> tokens,
                                      std::function<std::string()> operator_url,
                                      std::shared_ptr<const risk::risk_model> model,
                                      std::shared_ptr<address_rules> rules,
                                      std::function<bool(int64_t)> owns) {
  std::vector<child_spec> out;
  child_spec presence{"presence", [stats](caf::actor_system& sys, const child_handles&) {
                        return spawn_presence(sys, stats);
                      }};
  presence.registered_name = presence_name;
  out.push_back(std::move(presence));
  if (opts.kafka.enabled) {
    child_spec kafka{"kafka_publisher",
                     [k = kafka_options_of(opts, stats)](caf::actor_system& sys,
                                                         const child_handles&) {
                       return spawn_kafka_publisher(sys, k);
                     }};
    kafka.registered_name = kafka_publisher_name();
    out.push_back(std::move(kafka));
  }
  auto storage = storage_children(opts, hooks, std::move(ids), stats, owns);
  auto storage_flags = flags_of(opts, restart_strategy::rest_for_one, stats);
  out.push_back(
      {"storage", [storage, storage_flags](caf::actor_system& sys, const child_handles&) {
         return spawn_supervisor(sys, storage_flags, storage);
       }});
  auto a = account_options_of(opts, stats);
  a.owns = owns;
  child_spec accounts{
      "accounts", [a, tokens](caf::actor_system& sys, const child_handles&) {
        return caf::actor_cast<caf::actor>(spawn_account_service(sys, a, tokens));
      }};
  accounts.registered_name = accounts_name;
  out.push_back(std::move(accounts));
  auto gate_options = login_gate_options_of(opts, a);
  gate_options.rules = rules;
  child_spec logins{"logins", [g = std::move(gate_options),
                               tokens](caf::actor_system& sys, const child_handles&) {
                      return caf::actor_cast<caf::actor>(
                          spawn_login_gate(sys, g, tokens));
                    }};
  logins.registered_name = logins_name;
  out.push_back(std::move(logins));
  limits_options l;
  l.db_path = opts.db_path();
  l.tuning = db_tuning_of(opts);
  l.increase_delay_us = opts.limit_increase_delay_h * 3'600'000'000;
  l.request_timeout = std::chrono::milliseconds{opts.request_timeout_ms};
  child_spec limits{"limits", [l](caf::actor_system& sys, const child_handles&) {
                      auto mine = l;
                      auto* s = &sys;
                      mine.wallets = [s] {
                        return caf::actor_cast<registry_actor>(
                            s->registry().get(wallet_registry_name()));
                      };
                      return spawn_limits_service(sys, std::move(mine));
                    }};
  limits.registered_name = limits_name();
  out.push_back(std::move(limits));
  bonus_options b;
  b.db_path = opts.db_path();
  b.tuning = db_tuning_of(opts);
  b.request_timeout = std::chrono::milliseconds{opts.request_timeout_ms};
  b.expiry_sweep = std::chrono::milliseconds{opts.bonus_expiry_sweep_ms};
  b.stats = stats;
  child_spec bonus{"bonus", [b](caf::actor_system& sys, const child_handles&) {
                     auto mine = b;
                     auto* s = &sys;
                     mine.wallets = [s] {
                       return caf::actor_cast<registry_actor>(
                           s->registry().get(wallet_registry_name()));
                     };
                     mine.vendors = [s] {
                       return caf::actor_cast<caf::actor>(
                           s->registry().get(vendor_directory_name()));
                     };
                     return spawn_bonus_service(sys, std::move(mine));
                   }};
  bonus.registered_name = bonus_name();
  out.push_back(std::move(bonus));
  if (model) {
    auto risk_opts = risk_options_of(opts, stats);
    risk_opts.rules = rules;
    child_spec risk{
        "risk",
        [r = std::move(risk_opts), model](caf::actor_system& sys, const child_handles&) {
          auto mine = r;
          auto* s = &sys;
          mine.accounts = [s] {
            return caf::actor_cast<account_actor>(s->registry().get(accounts_name));
          };
          mine.wallets = [s] {
            return caf::actor_cast<registry_actor>(
                s->registry().get(wallet_registry_name()));
          };
          return spawn_risk_service(sys, std::move(mine), *model);
        }};
    risk.registered_name = risk_name();
    out.push_back(std::move(risk));
  }
  child_spec cashier{
      "cashier",
      [c = cashier_options_of(opts, stats, std::move(operator_url)), hooks,
       risk_on = opts.risk_enabled](caf::actor_system& sys, const child_handles&) {
        auto mine = c;
        mine.risk_gate = hooks.risk_gate;
        if (!mine.risk_gate && risk_on) {
          // The risk engine's gate (risk_service.hpp).
          auto* s = &sys;
          mine.risk_gate = [s] {
            return caf::actor_cast<caf::actor>(s->registry().get(risk_name()));
          };
        }
        mine.bonus_gate = hooks.bonus_gate;
        if (!mine.bonus_gate) {
          // The bonus rule: no withdrawal while a grant is active (bonus_service.hpp).
          auto* s = &sys;
          mine.bonus_gate = [s] {
            return caf::actor_cast<caf::actor>(s->registry().get(bonus_name()));
          };
        }
        mine.after_step = hooks.cashier_after_step;
        auto* s = &sys;
        mine.wallets = [s] {
          return caf::actor_cast<registry_actor>(
              s->registry().get(wallet_registry_name()));
        };
        mine.presence = [s] {
          return caf::actor_cast<caf::actor>(s->registry().get(presence_name));
        };
        return spawn_cashier(sys, std::move(mine));
      }};
  cashier.registered_name = cashier_name();
  out.push_back(std::move(cashier));
  child_spec directory{
      "vendor_directory",
      [vendors = opts.vendors](caf::actor_system& sys, const child_handles&) {
        auto* s = &sys;
        return spawn_vendor_directory(sys, vendors, [s] {
          return caf::actor_cast<caf::actor>(s->registry().get(presence_name));
        });
      }};
  directory.registered_name = vendor_directory_name();
  out.push_back(std::move(directory));
  child_spec game_sessions{
      "vendor_sessions", [path = opts.db_path(), tuning = db_tuning_of(opts)](
                             caf::actor_system& sys, const child_handles&) {
        return caf::actor_cast<caf::actor>(spawn_session_store(sys, path, tuning));
      }};
  game_sessions.registered_name = session_store_name();
  out.push_back(std::move(game_sessions));
  auto seeds = std::make_shared<db_seed_repository>(opts.db_path(), db_tuning_of(opts));
  std::vector<child_spec> studios;
  for (const auto& id : opts.vendors)
    studios.push_back(vendor_child(opts, id, stats, seeds));
  auto studio_flags = flags_of(opts, restart_strategy::one_for_one, stats);
  out.push_back(
      {"studios", [studios, studio_flags](caf::actor_system& sys, const child_handles&) {
         return spawn_supervisor(sys, studio_flags, studios);
       }});
  child_spec sessions{"sessions", [stats](caf::actor_system& sys, const child_handles&) {
                        return spawn_session_supervisor(sys, stats);
                      }};
  sessions.registered_name = sessions_name;
  out.push_back(std::move(sessions));
  return out;
}

} // namespace

node::node(caf::actor_system& sys, const server_options& opts, node_hooks hooks)
    : sys_(sys), opts_(opts), hooks_(std::move(hooks)),
      stats_(std::make_shared<metrics>()) {
  operator_url_->set(!opts.payment_callback_base_url.empty()
                         ? opts.payment_callback_base_url
                         : "http://127.0.0.1:" + std::to_string(opts.http_port));
  auto ids = std::make_shared<id_filter>(static_cast<size_t>(opts.id_filter_bytes));
  std::function<bool(int64_t)> owns;
  if (opts.cluster.enabled()) {
    node_set set;
    if (auto problem = node_set::parse(opts.cluster, set))
      throw std::invalid_argument(*problem);
    if (set.self().role != node_role::core)
      throw std::invalid_argument("an edge node runs no node of its own");
    cluster_ = std::make_shared<const node_set>(std::move(set));
    owns = [set = cluster_](int64_t player) { return set->owns(player); };
  }
  {
    auto conn = db::connection::open(opts.db_path(), db::open_mode::read_write_create,
                                     db_tuning_of(opts));
    db::migrate(conn);
    if (cluster_)
      if (auto problem =
              db::claim_for_node(conn, cluster_->self().name, cluster_->epoch(),
                                 cluster_->digest(), now_us()))
        throw std::invalid_argument(*problem);
    for_each_id(conn, [&](char kind, std::string_view source, std::string_view id) {
      ids->add(id_key(static_cast<id_kind>(kind), source, id));
    });
  }
  // A model that cannot be used stops the start (the exception names the file).
  std::shared_ptr<const risk::risk_model> model;
  if (opts.risk_enabled)
    model =
        std::make_shared<const risk::risk_model>(risk::risk_model::load(opts.risk_model));
  tokens_ = std::make_shared<token_authority>(
      load_or_create_token_key(opts.token_key_path()), opts.token_ttl_s * 1'000'000);
  root_ = spawn_supervisor(sys, flags_of(opts, restart_strategy::one_for_one, stats_),
                           root_children(
                               opts, hooks_, ids, stats_, tokens_,
                               [url = operator_url_] { return url->get(); },
                               std::move(model), rules_, owns));
  // The supervisors start their children when they first run; wait for that, so
  // that every accessor is valid once the constructor returns.
  caf::scoped_actor self{sys};
  caf::actor storage;
  caf::error failed;
  self->request(root_, std::chrono::seconds{30}, caf::get_atom_v, std::string{"storage"})
      .receive([&](caf::actor& a) { storage = a; },
               [&](caf::error& err) { failed = err; });
  if (!failed && storage)
    self->request(storage, std::chrono::seconds{30}, caf::get_atom_v,
                  std::string{"wallet_registry"})
        .receive([](const caf::actor&) {}, [&](caf::error& err) { failed = err; });
  if (failed || !storage)
    throw std::runtime_error("node did not start: " + sys.render(failed));
  // Pushes start with the first commit: presence is subscribed to the feed before the
  // node takes requests.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{30};
  for (bool subscribed = hooks_.without_feed; !subscribed;) {
    if (std::chrono::steady_clock::now() > deadline)
      throw std::runtime_error("node did not start: presence did not subscribe");
    self->request(presence(), std::chrono::seconds{5}, caf::get_atom_v)
        .receive([&](bool yes) { subscribed = yes; }, [](caf::error&) {});
    if (!subscribed) std::this_thread::sleep_for(std::chrono::milliseconds{2});
  }
}

node::~node() {
  if (!stopped_) shutdown(std::chrono::milliseconds{5000});
}

caf::actor node::named(caf::atom_value name) const {
  return caf::actor_cast<caf::actor>(sys_.registry().get(name));
}

registry_actor node::wallets() const {
  return caf::actor_cast<registry_actor>(named(wallet_registry_name()));
}

account_actor node::accounts() const {
  return caf::actor_cast<account_actor>(named(accounts_name));
}

login_actor node::logins() const {
  return caf::actor_cast<login_actor>(named(logins_name));
}

caf::actor node::limits() const {
  return named(limits_name());
}

caf::actor node::risk() const {
  return named(risk_name());
}

caf::actor node::bonus() const {
  return named(bonus_name());
}

caf::actor node::presence() const {
  return named(presence_name);
}

caf::actor node::cashier() const {
  return named(cashier_name());
}

void node::set_operator_url(std::string url) {
  operator_url_->set(std::move(url));
}

caf::actor node::feed() const {
  return named(feed_name());
}

caf::actor node::sessions() const {
  return named(sessions_name);
}

caf::actor node::vendors() const {
  return named(vendor_directory_name());
}

session_deps node::session_dependencies() const {
  session_deps d;
  d.accounts = accounts();
  d.logins = logins();
  d.presence = presence();
  d.tokens = tokens_;
  auto* sys = &sys_;
  d.wallets = [sys] {
    return caf::actor_cast<registry_actor>(sys->registry().get(wallet_registry_name()));
  };
  d.request_timeout = std::chrono::milliseconds{opts_.request_timeout_ms};
  d.history_limit_max = opts_.history_limit_max;
  d.cashier = [sys] {
    return caf::actor_cast<caf::actor>(sys->registry().get(cashier_name()));
  };
  d.limits = [sys] {
    return caf::actor_cast<caf::actor>(sys->registry().get(limits_name()));
  };
  d.bonus = [sys] {
    return caf::actor_cast<caf::actor>(sys->registry().get(bonus_name()));
  };
  if (hooks_.session_minute_us > 0) d.minute_us = hooks_.session_minute_us;
  d.before_request = hooks_.before_request;
  d.vendors = [sys] {
    return caf::actor_cast<caf::actor>(sys->registry().get(vendor_directory_name()));
  };
  return d;
}

bool node::shutdown(std::chrono::milliseconds timeout) {
  if (stopped_) return true;
  stopped_ = true;
  bool drained = true;
  caf::scoped_actor self{sys_};
  self->request(wallets(), timeout, drain_atom_v)
      .receive([](int64_t) {},
               [&](const caf::error& err) {
                 drained = false;
                 log::error("node", "wallets did not drain at shutdown",
                            {{"error", sys_.render(err)}});
               });
  self->monitor(root_);
  self->send_exit(root_, caf::exit_reason::user_shutdown);
  self->receive([](const caf::down_msg&) {});
  for (auto name : {wallet_registry_name(), ledger_writer_name(), feed_name(),
                    presence_name, accounts_name, logins_name, sessions_name,
                    vendor_directory_name(), session_store_name(), cashier_name(),
                    kafka_publisher_name(), limits_name(), bonus_name(), risk_name()})
    sys_.registry().erase(name);
  return drained;
}

} // namespace agg
