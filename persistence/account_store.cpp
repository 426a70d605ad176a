#include "persistence/account_store.hpp"

#include "common/crypto.hpp"

#include <cctype>

#include <sqlite3.h>

namespace agg {

std::string email_key(const std::string& email) {
  auto at = email.rfind('@');
  if (at == std::string::npos) return {};
  std::string local;
  std::string domain = email.substr(at + 1);
  for (char c : email.substr(0, at)) {
    if (c == '+') break;
    if (c != '.') local += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  for (auto& c : domain)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto h = sha256(local + "@" + domain);
  return to_hex(std::string_view(reinterpret_cast<const char*>(h.data()), 16));
}

namespace {

constexpr const char* account_columns =
    "player_id, username, password_hash, email, currency, status, tokens_valid_after_us, "
    "created_us, updated_us, failed_logins, last_failed_login_us, locked_out_until_us, "
    "kyc_status, kyc_level, kyc_reason, kyc_updated_us, excluded_until_us, country";

std::string select_account(const char* where) {
  return std::string{"SELECT "} + account_columns + " FROM accounts WHERE " + where;
}

} // namespace

const char* to_string(account_status s) {
  switch (s) {
    case account_status::active:
      return "active";
    case account_status::locked:
      return "locked";
    case account_status::self_excluded:
      return "self_excluded";
    case account_status::cooling_off:
      return "cooling_off";
  }
  return "unknown";
}

bool account_status_from_string(const std::string& name, account_status& out) {
  for (auto s : {account_status::active, account_status::locked,
                 account_status::self_excluded, account_status::cooling_off})
    if (name == to_string(s)) {
      out = s;
      return true;
    }
  return false;
}

account_store::account_store(db::connection& conn)
    : conn_(conn),
      insert_(conn.prepare(
          "INSERT INTO accounts(username, password_hash, email, currency, status, "
          "tokens_valid_after_us, created_us, updated_us, country) VALUES (?, ?, ?, ?, "
          "?, 0, ?, ?, ?) "
          "ON CONFLICT(username) DO NOTHING")),
      by_id_(conn.prepare(select_account("player_id = ?"))),
      by_name_(conn.prepare(select_account("username = ?"))),
      set_status_(conn.prepare(
          "UPDATE accounts SET status = ?1, updated_us = ?2, tokens_valid_after_us = "
          "CASE WHEN ?1 = 1 THEN tokens_valid_after_us ELSE ?2 END WHERE player_id = "
          "?3")),
      add_session_(conn.prepare("INSERT INTO sessions(session_id, player_id, created_us, "
                                "expires_us, revoked_us) VALUES (?, ?, ?, ?, 0)")),
      revoke_session_(
          conn.prepare("UPDATE sessions SET revoked_us = ? WHERE session_id = ? "
                       "AND revoked_us = 0")),
      extend_session_(
          conn.prepare("UPDATE sessions SET expires_us = max(expires_us, ?) WHERE "
                       "session_id = ? AND revoked_us = 0")),
      insert_audit_(conn.prepare("INSERT INTO audit(at_us, actor, role, action, target, "
                                 "request_id, detail) VALUES (?, ?, ?, ?, ?, ?, ?)")),
      failed_login_(conn.prepare(
          "UPDATE accounts SET failed_logins = failed_logins + 1, "
          "last_failed_login_us = ? WHERE player_id = ? RETURNING failed_logins")),
      lock_out_(conn.prepare("UPDATE accounts SET locked_out_until_us = "
                             "max(locked_out_until_us, ?) WHERE player_id = ?")),
      clear_failures_(
          conn.prepare("UPDATE accounts SET failed_logins = 0, locked_out_until_us = 0 "
                       "WHERE player_id = ? AND (failed_logins > 0 OR "
                       "locked_out_until_us > 0)")),
      remember_address_(conn.prepare(
          "INSERT INTO account_addresses(player_id, address, last_login_us) VALUES (?, "
          "?, ?) ON CONFLICT(player_id, address) DO UPDATE SET last_login_us = "
          "excluded.last_login_us")),
      trim_addresses_(conn.prepare(
          "DELETE FROM account_addresses WHERE player_id = ?1 AND address NOT IN "
          "(SELECT address FROM account_addresses WHERE player_id = ?1 ORDER BY "
          "last_login_us DESC LIMIT ?2)")),
      known_address_(
          conn.prepare("SELECT 1 FROM account_addresses WHERE player_id = ? AND address "
                       "= ? AND last_login_us >= ?")) {}

std::optional<int64_t> account_store::create(const account& a) {
  if (owns_) {
    // Ids this node owns, tried in turn: another writer may take one first.
    auto top = conn_.prepare("SELECT coalesce(max(player_id), 0) FROM accounts");
    int64_t id = top.step() ? top.int64(0) : 0;
    auto insert = conn_.prepare(
        "INSERT INTO accounts(player_id, username, password_hash, email, currency, "
        "status, tokens_valid_after_us, created_us, updated_us, country) VALUES (?, ?, "
        "?, ?, ?, ?, 0, ?, ?, ?) ON CONFLICT DO NOTHING");
    for (int tries = 0; tries < 1'000; ++tries) {
      do
        ++id;
      while (!owns_(id));
      insert.reset();
      insert.bind(1, id);
      insert.bind(2, a.username);
      insert.bind(3, a.password_hash);
      insert.bind(4, a.email);
      insert.bind(5, a.currency);
      insert.bind(6, int64_t{a.status});
      insert.bind(7, a.created_us);
      insert.bind(8, a.created_us);
      insert.bind(9, a.country);
      insert.run();
      if (conn_.changes() != 0) return id;
      if (by_username(a.username)) return std::nullopt;
    }
    throw db::error(SQLITE_CONSTRAINT, "no free player id");
  }
  insert_.bind(1, a.username)
      .bind(2, a.password_hash)
      .bind(3, a.email)
      .bind(4, a.currency)
      .bind(5, int64_t{a.status})
      .bind(6, a.created_us)
      .bind(7, a.created_us)
      .bind(8, a.country)
      .run();
  if (conn_.changes() == 0) return std::nullopt;
  return sqlite3_last_insert_rowid(conn_.handle());
}

std::optional<account> account_store::one(db::statement& st) {
  std::optional<account> out;
  if (st.step()) {
    account a;
    a.player_id = st.int64(0);
    a.username = st.text(1);
    a.password_hash = st.text(2);
    a.email = st.text(3);
    a.currency = st.text(4);
    a.status = static_cast<uint8_t>(st.int64(5));
    a.tokens_valid_after_us = st.int64(6);
    a.created_us = st.int64(7);
    a.updated_us = st.int64(8);
    a.failed_logins = st.int64(9);
    a.last_failed_login_us = st.int64(10);
    a.locked_out_until_us = st.int64(11);
    a.kyc = static_cast<uint8_t>(st.int64(12));
    a.kyc_level = st.int64(13);
    a.kyc_reason = st.text(14);
    a.kyc_updated_us = st.int64(15);
    a.excluded_until_us = st.int64(16);
    a.country = st.text(17);
    out = std::move(a);
  }
  st.reset();
  return out;
}

bool account_store::set_exclusion(int64_t player_id, account_status status,
                                  int64_t until_us, int64_t now_us) {
  auto st = conn_.prepare(
      "UPDATE accounts SET status = ?1, excluded_until_us = ?2, updated_us = ?3, "
      "tokens_valid_after_us = CASE WHEN ?1 = 1 THEN tokens_valid_after_us ELSE ?3 END "
      "WHERE player_id = ?4");
  st.bind(1, int64_t{static_cast<uint8_t>(status)})
      .bind(2, until_us)
      .bind(3, now_us)
      .bind(4, player_id)
      .run();
  return conn_.changes() > 0;
}

bool account_store::set_kyc(int64_t player_id, kyc_status status, int64_t level,
                            const std::string& reason, int64_t now_us) {
  auto st =
      conn_.prepare("UPDATE accounts SET kyc_status = ?, kyc_level = ?, kyc_reason = "
                    "?, kyc_updated_us = ?, updated_us = ? WHERE player_id = ?");
  st.bind(1, int64_t{static_cast<uint8_t>(status)})
      .bind(2, level)
      .bind(3, reason)
      .bind(4, now_us)
      .bind(5, now_us)
      .bind(6, player_id)
      .run();
  return conn_.changes() > 0;
}

std::optional<account> account_store::by_id(int64_t player_id) {
  by_id_.bind(1, player_id);
  return one(by_id_);
}

std::optional<account> account_store::by_username(const std::string& username) {
  by_name_.bind(1, username);
  return one(by_name_);
}

bool account_store::set_status(int64_t player_id, account_status status, int64_t now_us) {
  set_status_.bind(1, int64_t{static_cast<uint8_t>(status)})
      .bind(2, now_us)
      .bind(3, player_id)
      .run();
  return conn_.changes() > 0;
}

int64_t account_store::record_failed_login(int64_t player_id, int64_t now_us) {
  failed_login_.bind(1, now_us).bind(2, player_id);
  int64_t failures = failed_login_.step() ? failed_login_.int64(0) : 0;
  failed_login_.reset();
  return failures;
}

void account_store::lock_out(int64_t player_id, int64_t until_us) {
  lock_out_.bind(1, until_us).bind(2, player_id).run();
}

void account_store::record_login(int64_t player_id, const std::string& address,
                                 int64_t now_us) {
  db::transaction tx{conn_};
  clear_failures_.bind(1, player_id).run();
  remember_address_.bind(1, player_id).bind(2, address).bind(3, now_us).run();
  trim_addresses_.bind(1, player_id).bind(2, account_addresses_max).run();
  tx.commit();
}

bool account_store::known_address(int64_t player_id, const std::string& address,
                                  int64_t since_us) {
  known_address_.bind(1, player_id).bind(2, address).bind(3, since_us);
  bool known = known_address_.step();
  known_address_.reset();
  return known;
}

void account_store::add_session(const std::string& session_id, int64_t player_id,
                                int64_t created_us, int64_t expires_us) {
  add_session_.bind(1, session_id)
      .bind(2, player_id)
      .bind(3, created_us)
      .bind(4, expires_us)
      .run();
}

bool account_store::revoke_session(const std::string& session_id, int64_t now_us) {
  revoke_session_.bind(1, now_us).bind(2, session_id).run();
  return conn_.changes() > 0;
}

bool account_store::extend_session(const std::string& session_id, int64_t expires_us) {
  extend_session_.bind(1, expires_us).bind(2, session_id).run();
  return conn_.changes() > 0;
}

std::vector<std::pair<std::string, int64_t>>
account_store::revoked_sessions(int64_t now_us) {
  auto st = conn_.prepare("SELECT session_id, expires_us FROM sessions WHERE revoked_us "
                          "> 0 AND expires_us > ?");
  st.bind(1, now_us);
  std::vector<std::pair<std::string, int64_t>> out;
  while (st.step())
    out.emplace_back(st.text(0), st.int64(1));
  return out;
}

std::vector<std::pair<int64_t, int64_t>> account_store::token_cutoffs() {
  auto st = conn_.prepare("SELECT player_id, tokens_valid_after_us FROM accounts WHERE "
                          "tokens_valid_after_us > 0");
  std::vector<std::pair<int64_t, int64_t>> out;
  while (st.step())
    out.emplace_back(st.int64(0), st.int64(1));
  return out;
}

void account_store::audit(const audit_record& r) {
  insert_audit_.bind(1, r.at_us)
      .bind(2, r.actor)
      .bind(3, r.role)
      .bind(4, r.action)
      .bind(5, r.target)
      .bind(6, r.request_id)
      .bind(7, r.detail)
      .run();
}

std::vector<audit_record> account_store::audit_trail(int64_t limit) {
  auto st = conn_.prepare("SELECT at_us, actor, role, action, target, request_id, detail "
                          "FROM audit ORDER BY audit_id DESC LIMIT ?");
  st.bind(1, limit);
  std::vector<audit_record> out;
  while (st.step())
    out.push_back({st.int64(0), st.text(1), st.text(2), st.text(3), st.text(4),
                   st.text(5), st.text(6)});
  return out;
}

} // namespace agg
