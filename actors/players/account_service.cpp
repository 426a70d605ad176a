#include "actors/players/account_service.hpp"

#include "actors/core/pam_errc.hpp"
#include "actors/events/activity_log.hpp"
#include "actors/wallet/wallet_core.hpp"
#include "common/clock.hpp"
#include "common/log.hpp"
#include "persistence/account_store.hpp"

#include <caf/actor_pool.hpp>
#include <sodium.h>

#include <algorithm>
#include <chrono>

namespace agg {

namespace {

account_view view_of(const account& a) {
  account_view v;
  v.player_id = a.player_id;
  v.username = a.username;
  v.email = a.email;
  v.currency = a.currency;
  v.status = a.status;
  v.created_us = a.created_us;
  v.updated_us = a.updated_us;
  v.kyc_status = a.kyc;
  v.kyc_level = a.kyc_level;
  v.country = a.country;
  v.kyc_reason = a.kyc_reason;
  v.kyc_updated_us = a.kyc_updated_us;
  return v;
}

pam_errc refusal_of(uint8_t status) {
  switch (static_cast<account_status>(status)) {
    case account_status::locked:
      return pam_errc::account_locked;
    case account_status::self_excluded:
      return pam_errc::account_self_excluded;
    case account_status::cooling_off:
      return pam_errc::account_cooling_off;
    default:
      return pam_errc::none;
  }
}

struct worker_state {
  account_options opts;
  std::shared_ptr<token_authority> tokens;
  db::connection conn;
  std::unique_ptr<account_store> store;
  std::string dummy_hash; // verified against for unknown usernames: equal timing
  static inline const char* name = "account_worker";
};

void open_store(worker_state& st, const account_options& opts,
                std::shared_ptr<token_authority> tokens) {
  st.opts = opts;
  st.tokens = std::move(tokens);
  st.conn = db::connection::open(st.opts.db_path, db::open_mode::read_write_create,
                                 st.opts.tuning);
  st.store = std::make_unique<account_store>(st.conn);
  if (opts.owns) st.store->pick_ids(opts.owns);
}

std::string hash_password(const worker_state& st, const std::string& password) {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), st.opts.password_ops_limit,
                        st.opts.password_mem_bytes) != 0)
    throw std::runtime_error("crypto_pwhash_str: out of memory");
  return out;
}

// Runs f; a SQLite failure becomes a retryable storage error.
template <class F>
auto guarded(F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const db::error& e) {
    log::error("accounts", "storage failed", {{"error", e.what()}});
    return make_error(pam_errc::storage_error);
  }
}

constexpr std::chrono::milliseconds record_timeout{10'000};

// Answers `out` once `records` are durable; a success whose records failed becomes a
// storage error (nothing is acknowledged that is not recorded).
template <class T, class Self>
caf::result<T> answer_after(Self* self, caf::expected<T> out,
                            std::vector<activity_record> records) {
  if (records.empty()) {
    if (out) return std::move(*out);
    return std::move(out.error());
  }
  auto promise = self->template make_response_promise<T>();
  record_activity(self, std::move(records), record_timeout,
                  [promise, out = std::move(out)](bool ok) mutable {
                    if (!out)
                      promise.deliver(out.error());
                    else if (!ok)
                      promise.deliver(make_error(pam_errc::storage_error));
                    else
                      promise.deliver(std::move(*out));
                  });
  return promise;
}

login_grant open_session(worker_state& st, const account& a) {
  auto now = now_us();
  token_claims claims{a.player_id, token_authority::new_session_id(), now,
                      now + st.tokens->ttl_us()};
  st.store->add_session(claims.session_id, a.player_id, claims.issued_us,
                        claims.expires_us);
  return login_grant{a.player_id,      a.username,        a.currency,
                     a.status,         claims.session_id, st.tokens->issue(claims),
                     claims.expires_us};
}

using account_pointer = account_actor::stateful_pointer<worker_state>;

account_actor::behavior_type account_worker(account_pointer self, account_options opts,
                                            std::shared_ptr<token_authority> tokens) {
  open_store(self->state, opts, std::move(tokens));
  return {
      [self](logout_atom, const std::string& session_id, int64_t expires_us) {
        auto& st = self->state;
        st.tokens->revoke_session(session_id, expires_us);
        return guarded([&]() -> caf::result<bool> {
          return st.store->revoke_session(session_id, now_us());
        });
      },
      [self](refresh_atom, const std::string& session_id, int64_t expires_us) {
        return guarded([&]() -> caf::result<bool> {
          return self->state.store->extend_session(session_id, expires_us);
        });
      },
      [self](account_atom, int64_t player) {
        return guarded([&]() -> caf::result<account_view> {
          auto a = self->state.store->by_id(player);
          if (!a) return make_error(pam_errc::player_not_found);
          return view_of(*a);
        });
      },
      [self](account_atom, const std::string& username) {
        return guarded([&]() -> caf::result<account_view> {
          auto a = valid_username(username) ? self->state.store->by_username(username)
                                            : std::nullopt;
          if (!a) return make_error(pam_errc::player_not_found);
          return view_of(*a);
        });
      },
      [self](status_atom, int64_t player, uint8_t status,
             const std::string& by) -> caf::result<account_view> {
        auto& st = self->state;
        std::optional<activity_kind> kind;
        auto out = guarded([&]() -> caf::expected<account_view> {
          auto s = static_cast<account_status>(status);
          if (s != account_status::active && s != account_status::locked &&
              s != account_status::self_excluded)
            return make_error(pam_errc::player_not_found);
          auto current = st.store->by_id(player);
          if (!current) return make_error(pam_errc::player_not_found);
          // A self-exclusion or cool-off is the player's decision: an operator's unlock
          // (or lock) does not override it.
          if (auto refusal = refusal_of(current->status);
              (refusal == pam_errc::account_self_excluded ||
               refusal == pam_errc::account_cooling_off) &&
              s != account_status::self_excluded)
            return make_error(refusal);
          auto now = now_us();
          if (!st.store->set_status(player, s, now))
            return make_error(pam_errc::player_not_found);
          if (s != account_status::active) st.tokens->revoke_player(player, now);
          kind = s == account_status::active   ? activity_kind::unlocked
                 : s == account_status::locked ? activity_kind::locked
                                               : activity_kind::self_excluded;
          return view_of(*st.store->by_id(player));
        });
        if (!kind) return answer_after(self, std::move(out), {});
        nlohmann::json detail{{"status", to_string(static_cast<account_status>(status))}};
        // Not an operator's hand: the reason is who did it (the risk engine: "risk").
        if (by.rfind("operator:", 0) != 0) detail["reason"] = by;
        return answer_after(self, std::move(out),
                            {make_activity(*kind, player, by, {}, std::move(detail))});
      },
      [self](status_atom, int64_t player, uint8_t status, const std::string& by,
             int64_t until_us) -> caf::result<account_view> {
        // The player's own exclusion: self_excluded (until_us 0: for good) or
        // cooling_off, until then.
        auto& st = self->state;
        auto s = static_cast<account_status>(status);
        bool done = false;
        auto out = guarded([&]() -> caf::expected<account_view> {
          if (s != account_status::self_excluded && s != account_status::cooling_off)
            return make_error(pam_errc::player_not_found);
          auto current = st.store->by_id(player);
          if (!current) return make_error(pam_errc::player_not_found);
          // A longer exclusion stands: a cool-off does not shorten a self-exclusion.
          if (current->status == static_cast<uint8_t>(account_status::self_excluded) &&
              (current->excluded_until_us == 0 ||
               (until_us != 0 && until_us < current->excluded_until_us)))
            return make_error(pam_errc::account_self_excluded);
          auto now = now_us();
          if (!st.store->set_exclusion(player, s, until_us, now))
            return make_error(pam_errc::player_not_found);
          st.tokens->revoke_player(player, now);
          done = true;
          return view_of(*st.store->by_id(player));
        });
        if (!done) return answer_after(self, std::move(out), {});
        auto kind = s == account_status::cooling_off ? activity_kind::cooling_off
                                                     : activity_kind::self_excluded;
        return answer_after(
            self, std::move(out),
            {make_activity(kind, player, by, {},
                           {{"status", to_string(s)}, {"until_us", until_us}})});
      },
      [self](kyc_atom, const kyc_change& c) -> caf::result<account_view> {
        auto& st = self->state;
        bool changed = false;
        auto out = guarded([&]() -> caf::expected<account_view> {
          kyc_status s;
          if (!kyc_status_from_string(to_string(static_cast<kyc_status>(c.status)), s))
            return make_error(pam_errc::invalid_kyc);
          if (!st.store->set_kyc(c.player_id, s, c.level, c.reason, now_us()))
            return make_error(pam_errc::player_not_found);
          changed = true;
          return view_of(*st.store->by_id(c.player_id));
        });
        if (!changed) return answer_after(self, std::move(out), {});
        nlohmann::json detail{
            {"kyc_status", to_string(static_cast<kyc_status>(c.status))},
            {"level", c.level}};
        if (!c.reason.empty()) detail["reason"] = c.reason;
        return answer_after(self, std::move(out),
                            {make_activity(activity_kind::kyc_changed, c.player_id, c.by,
                                           {}, std::move(detail))});
      },
      [self](audit_atom, const audit_record& r) {
        return guarded([&]() -> caf::result<bool> {
          self->state.store->audit(r);
          return true;
        });
      },
      [self](audit_atom, int64_t limit) {
        return guarded([&]() -> caf::result<audit_page> {
          return audit_page{self->state.store->audit_trail(limit)};
        });
      },
  };
}

using password_pointer = password_actor::stateful_pointer<worker_state>;

caf::expected<login_grant> do_register(worker_state& st, const register_request& r,
                                       std::vector<activity_record>& records) {
  if (!valid_username(r.username)) return make_error(pam_errc::invalid_username);
  if (!valid_password(r.password)) return make_error(pam_errc::weak_password);
  if (!valid_email(r.email)) return make_error(pam_errc::invalid_email);
  if (!wallet_core::valid_currency(r.currency))
    return make_error(pam_errc::invalid_currency);
  if (!valid_country(r.country)) return make_error(pam_errc::invalid_country);
  account a;
  a.username = r.username;
  a.password_hash = hash_password(st, r.password);
  a.email = r.email;
  a.currency = r.currency;
  a.country = r.country;
  a.created_us = now_us();
  return guarded([&]() -> caf::expected<login_grant> {
    auto id = st.store->create(a);
    if (!id) return make_error(pam_errc::username_taken);
    a.player_id = *id;
    records.push_back(make_activity(activity_kind::registered, a.player_id, r.address,
                                    r.device,
                                    {{"username", a.username},
                                     {"currency", a.currency},
                                     {"country", a.country},
                                     {"email_key", email_key(a.email)}}));
    if (!r.open_session)
      return login_grant{a.player_id, a.username, a.currency, a.status, {}, {}, 0};
    st.store->record_login(a.player_id, r.address, a.created_us);
    return open_session(st, a);
  });
}

// A refused login, as an activity record.
activity_record login_failed(const login_request& r, int64_t player, pam_errc why) {
  return make_activity(activity_kind::login_failed, player, r.address, r.device,
                       {{"username", r.username}, {"reason", to_string(why)}});
}

// A wrong password for an existing account: counted, and maybe a lockout.
caf::error failed_login(worker_state& st, const login_request& r, const account& a,
                        int64_t now, std::vector<activity_record>& records) {
  auto failures = st.store->record_failed_login(a.player_id, now);
  auto until = st.opts.lockout.locked_out_until(failures, now);
  records.push_back(login_failed(r, a.player_id, pam_errc::invalid_credentials));
  if (until == 0) return make_error(pam_errc::invalid_credentials);
  st.store->lock_out(a.player_id, until);
  if (st.opts.stats)
    st.opts.stats->login_account_lockouts.fetch_add(1, std::memory_order_relaxed);
  records.push_back(make_activity(activity_kind::locked_out, a.player_id, r.address,
                                  r.device,
                                  {{"until_us", until}, {"failed_logins", failures}}));
  return make_error(pam_errc::account_locked_out, until);
}

caf::expected<login_grant> do_login(worker_state& st, const login_request& r,
                                    std::vector<activity_record>& records) {
  return guarded([&]() -> caf::expected<login_grant> {
    auto now = now_us();
    auto a =
        valid_username(r.username) ? st.store->by_username(r.username) : std::nullopt;
    // A locked-out account is refused without a hash, but for the addresses its owner
    // logged in from.
    if (a && a->locked_out_until_us > now &&
        !st.store->known_address(a->player_id, r.address,
                                 now - st.opts.lockout.known_address_us)) {
      records.push_back(login_failed(r, a->player_id, pam_errc::account_locked_out));
      return make_error(pam_errc::account_locked_out, a->locked_out_until_us);
    }
    const auto& hash = a ? a->password_hash : st.dummy_hash;
    bool match =
        crypto_pwhash_str_verify(hash.c_str(), r.password.data(), r.password.size()) == 0;
    if (!a) {
      records.push_back(login_failed(r, 0, pam_errc::invalid_credentials));
      return make_error(pam_errc::invalid_credentials);
    }
    if (!match) return failed_login(st, r, *a, now, records);
    // A cool-off or a self-exclusion for a time ends at its end.
    bool excluded = a->status == static_cast<uint8_t>(account_status::self_excluded) ||
                    a->status == static_cast<uint8_t>(account_status::cooling_off);
    if (excluded && a->excluded_until_us > 0 && now >= a->excluded_until_us) {
      st.store->set_exclusion(a->player_id, account_status::active, 0, now);
      records.push_back(
          make_activity(activity_kind::unlocked, a->player_id, "system", {},
                        {{"status", "active"}, {"reason", "exclusion_ended"}}));
      a->status = static_cast<uint8_t>(account_status::active);
    }
    if (auto refusal = refusal_of(a->status); refusal != pam_errc::none) {
      records.push_back(login_failed(r, a->player_id, refusal));
      return make_error(refusal);
    }
    st.store->record_login(a->player_id, r.address, now);
    records.push_back(make_activity(activity_kind::logged_in, a->player_id, r.address,
                                    r.device, {{"username", a->username}}));
    auto grant = open_session(st, *a);
    grant.failed_logins = a->failed_logins;
    grant.last_failed_login_us = a->last_failed_login_us;
    return grant;
  });
}

password_actor::behavior_type password_worker(password_pointer self, account_options opts,
                                              std::shared_ptr<token_authority> tokens) {
  auto& st = self->state;
  open_store(st, opts, std::move(tokens));
  st.dummy_hash = hash_password(st, "not a password of anyone");
  return {
      [self](register_atom, const register_request& r) -> caf::result<login_grant> {
        std::vector<activity_record> records;
        auto out = do_register(self->state, r, records);
        return answer_after(self, std::move(out), std::move(records));
      },
      [self](login_atom, const login_request& r) -> caf::result<login_grant> {
        std::vector<activity_record> records;
        auto out = do_login(self->state, r, records);
        return answer_after(self, std::move(out), std::move(records));
      },
  };
}

} // namespace

int64_t lockout_policy::locked_out_until(int64_t failures_since_login,
                                         int64_t now_us) const {
  if (failures_max <= 0 || failures_since_login <= 0 ||
      failures_since_login % failures_max != 0)
    return 0;
  auto nth = std::min<int64_t>(failures_since_login / failures_max, 32);
  auto length = base_us;
  for (int64_t i = 1; i < nth && length < max_us; ++i)
    length *= 2;
  return now_us + std::min(length, max_us);
}

bool valid_username(const std::string& s) {
  if (s.size() < 3 || s.size() > 32) return false;
  for (char c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-')
      return false;
  return true;
}

bool valid_password(const std::string& s) {
  return s.size() >= 8 && s.size() <= 128;
}

bool valid_email(const std::string& s) {
  if (s.empty()) return true;
  auto at = s.find('@');
  return s.size() <= 254 && at != std::string::npos && at > 0 && at + 1 < s.size() &&
         s.find('@', at + 1) == std::string::npos &&
         s.find_first_of(" \t\r\n") == std::string::npos;
}

bool valid_country(const std::string& s) {
  return s.empty() ||
         (s.size() == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z');
}

account_actor spawn_account_service(caf::actor_system& sys, const account_options& opts,
                                    std::shared_ptr<token_authority> tokens) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialize");
  {
    auto conn = db::connection::open(opts.db_path, db::open_mode::read_only, opts.tuning);
    account_store store{conn};
    for (auto& [id, expires] : store.revoked_sessions(now_us()))
      tokens->revoke_session(id, expires);
    for (auto& [player, cutoff] : store.token_cutoffs())
      tokens->revoke_player(player, cutoff);
  }
  auto factory = [&sys, opts, tokens] {
    return caf::actor_cast<caf::actor>(
        sys.spawn<caf::detached>(account_worker, opts, tokens));
  };
  auto pool = caf::actor_pool::make(sys.dummy_execution_unit(), opts.workers, factory,
                                    caf::actor_pool::round_robin());
  return caf::actor_cast<account_actor>(pool);
}

password_actor spawn_password_worker(caf::actor_system& sys, const account_options& opts,
                                     std::shared_ptr<token_authority> tokens) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialize");
  return sys.spawn<caf::detached>(password_worker, opts, std::move(tokens));
}

} // namespace agg
