#include "actors/node.hpp"

#include "actors/supervisor.hpp"
#include "persistence/ledger_store.hpp"
#include "persistence/schema.hpp"
#include "persistence/sqlite.hpp"

#include <iostream>

namespace agg {

namespace {

std::string reader_id(int64_t i) {
  return "ledger_reader_" + std::to_string(i);
}

std::vector<child_spec> storage_children(const server_options& opts, node_hooks hooks,
                                         std::shared_ptr<id_filter> ids) {
  std::vector<child_spec> out;
  writer_options w;
  w.db_path = opts.db_path();
  w.tuning = opts.db_tuning();
  w.commit_window = std::chrono::microseconds{opts.commit_window_us};
  w.batch_max = static_cast<size_t>(opts.commit_batch_max);
  w.before_commit = std::move(hooks.before_commit);
  out.push_back({"ledger_writer", [w](caf::actor_system& sys, const child_handles&) {
                   return spawn_ledger_writer(sys, w);
                 }});
  reader_options r{opts.db_path(), opts.db_tuning()};
  for (int64_t i = 0; i < opts.reader_count; ++i)
    out.push_back({reader_id(i), [r](caf::actor_system& sys, const child_handles&) {
                     return caf::actor_cast<caf::actor>(spawn_ledger_reader(sys, r));
                   }});
  wallet_limits limits;
  limits.idle_timeout = std::chrono::milliseconds{opts.wallet_idle_timeout_ms};
  limits.storage_timeout = std::chrono::milliseconds{opts.storage_timeout_ms};
  limits.cache_entries_max = static_cast<size_t>(opts.wallet_cache_entries_max);
  limits.queue_len_max = static_cast<size_t>(opts.wallet_queue_len_max);
  auto readers = opts.reader_count;
  child_spec registry{
      "wallet_registry",
      [limits, readers, ids](caf::actor_system& sys, const child_handles& h) {
        registry_deps deps;
        deps.ids = ids;
        deps.writer = h.at("ledger_writer");
        for (int64_t i = 0; i < readers; ++i)
          deps.readers.push_back(caf::actor_cast<reader_actor>(h.at(reader_id(i))));
        deps.limits = limits;
        return caf::actor_cast<caf::actor>(spawn_wallet_registry(sys, std::move(deps)));
      }};
  registry.registered_name = wallet_registry_name();
  out.push_back(std::move(registry));
  auto interval = std::chrono::milliseconds{opts.checkpoint_interval_ms};
  out.push_back(
      {"checkpointer", [r, interval](caf::actor_system& sys, const child_handles&) {
         return spawn_checkpointer(sys, r, interval);
       }});
  return out;
}

} // namespace

node::node(caf::actor_system& sys, const server_options& opts, node_hooks hooks)
    : sys_(sys) {
  auto ids = std::make_shared<id_filter>(static_cast<size_t>(opts.id_filter_bytes));
  {
    auto conn = db::connection::open(opts.db_path(), db::open_mode::read_write_create,
                                     opts.db_tuning());
    db::migrate(conn);
    for_each_id(conn, [&](char kind, std::string_view source, std::string_view id) {
      ids->add(id_key(static_cast<id_kind>(kind), source, id));
    });
  }
  supervisor_flags flags;
  flags.strategy = restart_strategy::rest_for_one;
  flags.intensity = opts.restart_intensity;
  flags.period = std::chrono::milliseconds{opts.restart_period_ms};
  flags.backoff = std::chrono::milliseconds{opts.restart_backoff_ms};
  root_ = spawn_supervisor(sys, flags, storage_children(opts, std::move(hooks), ids));
  // The supervisor starts its children when it first runs; wait for that, so that
  // wallets() is valid once the constructor returns.
  caf::scoped_actor self{sys};
  caf::error failed;
  self->request(root_, std::chrono::seconds{30}, caf::get_atom_v,
                std::string{"wallet_registry"})
      .receive([](const caf::actor&) {},
               [&](caf::error& err) { failed = std::move(err); });
  if (failed) throw std::runtime_error("node did not start: " + sys.render(failed));
}

node::~node() {
  if (!stopped_) shutdown(std::chrono::milliseconds{5000});
}

registry_actor node::wallets() const {
  return caf::actor_cast<registry_actor>(sys_.registry().get(wallet_registry_name()));
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
                 std::cerr << "shutdown: wallets did not drain: " << sys_.render(err)
                           << std::endl;
               });
  self->monitor(root_);
  self->send_exit(root_, caf::exit_reason::user_shutdown);
  self->receive([](const caf::down_msg&) {});
  sys_.registry().erase(wallet_registry_name());
  return drained;
}

} // namespace agg
