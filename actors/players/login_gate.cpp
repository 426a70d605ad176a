#include "actors/players/login_gate.hpp"

#include "actors/core/pam_errc.hpp"
#include "actors/events/activity_log.hpp"
#include "actors/players/fair_queue.hpp"
#include "common/clock.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <unordered_map>

namespace agg {

namespace {

// One registration or login waiting for a worker.
struct login_job {
  std::optional<login_request> login; // else a registration
  register_request reg;
  caf::typed_response_promise<login_grant> promise;
  std::string address;
  std::string account; // the username, lower case (usernames ignore case)
  int64_t queued_us = 0;
};

struct gate_state {
  login_gate_options opts;
  std::vector<password_actor> workers;
  std::vector<size_t> idle; // indexes into workers
  std::optional<fair_queue<login_job>> queue;
  std::optional<login_guard> guard;
  std::optional<login_guard> by_address; // registrations
  std::optional<login_guard> by_device;
  std::unordered_map<std::string, size_t> per_account; // jobs waiting per account
  static inline const char* name = "login_gate";
};

using gate_pointer = login_actor::stateful_pointer<gate_state>;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

class gate_logic {
public:
  explicit gate_logic(gate_pointer self) : self_(self), st_(self->state) {}

  caf::result<login_grant> login(login_request& r) {
    auto now = now_us();
    if (auto until = st_.guard->banned_until(r.address, now); until > 0)
      return refuse("address_blocked", make_error(pam_errc::address_blocked, until));
    login_job job;
    job.address = r.address;
    job.account = lower(r.username);
    job.login = std::move(r);
    return enqueue(std::move(job), now);
  }

  caf::result<login_grant> enroll(register_request& r) {
    if (auto until = registration_velocity(r); until > 0)
      return refuse("registrations_blocked",
                    make_error(pam_errc::registrations_blocked, until));
    login_job job;
    job.address = r.address;
    job.account = lower(r.username);
    job.reg = std::move(r);
    return enqueue(std::move(job), now_us());
  }

private:
  // Counts the registration against its address and device; the end of a ban that
  // refuses it, else 0. A ban it starts is recorded (the registration that fills the
  // bucket still passes).
  int64_t registration_velocity(const register_request& r) {
    if (!is_client_address(r.address)) return 0;
    // Loopback is this host: a local proxy not configured as trusted, or a test.
    if (auto a = address_of(r.address); a && a->is_loopback()) return 0;
    auto& rules = st_.opts.rules;
    if (rules && rules->of(r.address) == address_rules::verdict::allow) return 0;
    auto now = now_us();
    auto device = r.device.id.empty() ? std::string{} : "device:" + r.device.id;
    auto until = st_.by_address->banned_until(r.address, now);
    if (!device.empty())
      until = std::max(until, st_.by_device->banned_until(device, now));
    if (until > 0) {
      if (auto& m = st_.opts.accounts.stats)
        m->edge_refusals.inc("registration_velocity");
      return until;
    }
    std::vector<activity_record> bans;
    auto count = [&](login_guard& g, const std::string& key, const char* what) {
      if (key.empty() || !g.failure(key, now)) return;
      bans.push_back(
          make_activity(activity_kind::registrations_blocked, 0, r.address, r.device,
                        {{"by", what}, {"until_us", g.banned_until(key, now)}}));
    };
    count(*st_.by_address, r.address, "address");
    count(*st_.by_device, device, "device");
    if (!bans.empty())
      record_activity(self_, std::move(bans), st_.opts.request_timeout, [](bool) {});
    return 0;
  }

  caf::error refuse(const char* reason, caf::error err) {
    if (auto& m = st_.opts.accounts.stats) m->login_refusals.inc(reason);
    return err;
  }

  caf::result<login_grant> enqueue(login_job job, int64_t now) {
    auto& waiting = st_.per_account[job.account];
    if (waiting >= st_.opts.queue_per_account_max)
      return refuse("queue_full", make_error(pam_errc::rate_limited, now + 1'000'000));
    auto lane = st_.guard->suspect(job.address, now) ? fair_queue<login_job>::lane::second
                                                     : fair_queue<login_job>::lane::first;
    auto promise = self_->make_response_promise<login_grant>();
    job.promise = promise;
    job.queued_us = now;
    auto account = job.account;
    auto key = login_guard::address_key(job.address);
    auto pushed = st_.queue->push(key, lane, std::move(job));
    if (pushed.result != fair_queue<login_job>::admit::ok) {
      if (waiting == 0) st_.per_account.erase(account);
      // The promise took the request over: the refusal goes through it.
      promise.deliver(
          refuse("queue_full", make_error(pam_errc::rate_limited, now + 1'000'000)));
      return promise;
    }
    ++waiting; // before the eviction below, which may be of the same account
    if (pushed.evicted) {
      forget(*pushed.evicted);
      pushed.evicted->promise.deliver(
          refuse("queue_full", make_error(pam_errc::rate_limited, now + 1'000'000)));
    }
    pump();
    return promise;
  }

  // A job leaves the queue: one fewer waiting for its account.
  void forget(const login_job& job) {
    if (auto i = st_.per_account.find(job.account);
        i != st_.per_account.end() && --i->second == 0)
      st_.per_account.erase(i);
  }

  // Hands waiting jobs to idle workers, in turn.
  void pump() {
    while (!st_.idle.empty() && !st_.queue->empty()) {
      auto job = st_.queue->pop();
      forget(job);
      auto now = now_us();
      if (auto& m = st_.opts.accounts.stats) m->login_wait.observe(now - job.queued_us);
      // Its requester gave up long ago: not worth a hash.
      if (now - job.queued_us >=
          std::chrono::duration_cast<std::chrono::microseconds>(st_.opts.request_timeout)
              .count()) {
        job.promise.deliver(make_error(pam_errc::rate_limited, now));
        continue;
      }
      auto worker = st_.idle.back();
      st_.idle.pop_back();
      dispatch(worker, std::move(job));
    }
    if (auto& m = st_.opts.accounts.stats)
      m->login_queue_len.store(static_cast<int64_t>(st_.queue->size()),
                               std::memory_order_relaxed);
  }

  void dispatch(size_t worker, login_job job) {
    auto& w = st_.workers[worker];
    auto timeout = st_.opts.request_timeout;
    auto done = [self = self_, worker, promise = job.promise,
                 address = job.address](caf::expected<login_grant> out) mutable {
      gate_logic g{self};
      self->state.idle.push_back(worker);
      if (out) {
        promise.deliver(std::move(*out));
      } else if (auto until = g.count_failure(out.error(), address); until > 0) {
        // This failure blocks the address: recorded before the answer.
        auto record = make_activity(activity_kind::address_blocked, 0, address, {},
                                    {{"until_us", until}});
        record_activity(self, {std::move(record)}, self->state.opts.request_timeout,
                        [promise, err = out.error()](bool) mutable {
                          promise.deliver(std::move(err));
                        });
      } else {
        promise.deliver(out.error());
      }
      g.pump();
    };
    auto on_value = [done](login_grant& g) mutable { done(std::move(g)); };
    auto on_error = [done](caf::error& e) mutable { done(std::move(e)); };
    if (job.login)
      self_->request(w, timeout, login_atom_v, std::move(*job.login))
          .then(on_value, on_error);
    else
      self_->request(w, timeout, register_atom_v, std::move(job.reg))
          .then(on_value, on_error);
  }

  // Wrong passwords and attempts on locked-out accounts count against the address.
  // Returns the end of the address's ban when this failure starts one, else 0.
  int64_t count_failure(const caf::error& err, const std::string& address) {
    if (err.category() != pam_error_category()) return 0;
    auto code = static_cast<pam_errc>(err.code());
    if (code != pam_errc::invalid_credentials && code != pam_errc::account_locked_out)
      return 0;
    auto& m = st_.opts.accounts.stats;
    if (m) m->login_failures.fetch_add(1, std::memory_order_relaxed);
    auto now = now_us();
    if (!st_.guard->failure(address, now)) return 0;
    if (m) m->login_address_bans.fetch_add(1, std::memory_order_relaxed);
    return st_.guard->banned_until(address, now);
  }

  gate_pointer self_;
  gate_state& st_;
};

login_actor::behavior_type gate_impl(gate_pointer self, login_gate_options opts,
                                     std::shared_ptr<token_authority> tokens) {
  auto& st = self->state;
  st.opts = std::move(opts);
  st.queue.emplace(st.opts.queue_len_max, st.opts.queue_per_address_max);
  st.guard.emplace(st.opts.guard);
  st.by_address.emplace(st.opts.registrations_per_address);
  st.by_device.emplace(st.opts.registrations_per_device);
  for (size_t i = 0; i < st.opts.workers; ++i) {
    auto w = spawn_password_worker(self->system(), st.opts.accounts, tokens);
    self->link_to(w);
    st.workers.push_back(w);
    st.idle.push_back(i);
  }
  return {
      [self](register_atom, register_request& r) { return gate_logic{self}.enroll(r); },
      [self](login_atom, login_request& r) { return gate_logic{self}.login(r); },
  };
}

} // namespace

login_actor spawn_login_gate(caf::actor_system& sys, login_gate_options opts,
                             std::shared_ptr<token_authority> tokens) {
  return sys.spawn(gate_impl, std::move(opts), std::move(tokens));
}

} // namespace agg
