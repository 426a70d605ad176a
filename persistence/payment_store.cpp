#include "persistence/payment_store.hpp"

#include <sqlite3.h>

namespace agg {

namespace {

constexpr const char* payment_columns =
    "payment_id, kind, status, player_id, provider, provider_tx_id, instrument, "
    "fingerprint, currency, amount, reason, created_us, updated_us, expires_us, "
    "reservation, reviewer";

std::string select_payments(const char* rest) {
  return std::string{"SELECT "} + payment_columns + " FROM payments " + rest;
}

payment_record read_payment(const db::statement& st) {
  payment_record p;
  p.payment_id = st.text(0);
  p.kind = static_cast<uint8_t>(st.int64(1));
  p.status = static_cast<uint8_t>(st.int64(2));
  p.player_id = st.int64(3);
  p.provider = st.text(4);
  p.provider_tx_id = st.text(5);
  p.instrument = st.text(6);
  p.fingerprint = st.text(7);
  p.currency = st.text(8);
  p.amount = st.int64(9);
  p.reason = st.text(10);
  p.created_us = st.int64(11);
  p.updated_us = st.int64(12);
  p.expires_us = st.int64(13);
  p.reservation = static_cast<uint8_t>(st.int64(14));
  p.reviewer = st.text(15);
  return p;
}

std::vector<payment_record> read_all(db::statement& st) {
  std::vector<payment_record> out;
  while (st.step())
    out.push_back(read_payment(st));
  return out;
}

} // namespace

payment_store::payment_store(db::connection& conn) : conn_(conn) {}

bool payment_store::insert(const payment_record& p) {
  auto st = conn_.prepare(
      "INSERT INTO payments(" + std::string{payment_columns} +
      ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(payment_id) "
      "DO "
      "NOTHING");
  st.bind(1, p.payment_id)
      .bind(2, int64_t{p.kind})
      .bind(3, int64_t{p.status})
      .bind(4, p.player_id)
      .bind(5, p.provider)
      .bind(6, p.provider_tx_id)
      .bind(7, p.instrument)
      .bind(8, p.fingerprint)
      .bind(9, p.currency)
      .bind(10, p.amount)
      .bind(11, p.reason)
      .bind(12, p.created_us)
      .bind(13, p.updated_us)
      .bind(14, p.expires_us)
      .bind(15, int64_t{p.reservation})
      .bind(16, p.reviewer)
      .run();
  return conn_.changes() == 1;
}

std::optional<payment_record> payment_store::by_id(const std::string& payment_id) {
  auto st = conn_.prepare(select_payments("WHERE payment_id = ?"));
  st.bind(1, payment_id);
  if (!st.step()) return std::nullopt;
  return read_payment(st);
}

std::optional<payment_record> payment_store::by_provider_tx(const std::string& provider,
                                                            const std::string& tx) {
  if (tx.empty()) return std::nullopt;
  auto st = conn_.prepare(select_payments("WHERE provider = ? AND provider_tx_id = ?"));
  st.bind(1, provider).bind(2, tx);
  if (!st.step()) return std::nullopt;
  return read_payment(st);
}

bool payment_store::advance(const std::string& payment_id, uint8_t status,
                            const std::string& provider_tx_id,
                            const std::string& fingerprint, const std::string& reason,
                            int64_t now_us) {
  auto st =
      conn_.prepare("UPDATE payments SET status = ?, "
                    "provider_tx_id = CASE WHEN ? <> '' THEN ? ELSE provider_tx_id END, "
                    "fingerprint = CASE WHEN ? <> '' THEN ? ELSE fingerprint END, "
                    "reason = CASE WHEN ? <> '' OR ? = 3 THEN ? ELSE reason END, "
                    "updated_us = ? WHERE payment_id = ? AND kind = 1 AND "
                    "((status IN (1, 2) AND status <= ?) OR (status = 6 AND ? = 3))");
  st.bind(1, int64_t{status})
      .bind(2, provider_tx_id)
      .bind(3, provider_tx_id)
      .bind(4, fingerprint)
      .bind(5, fingerprint)
      .bind(6, reason)
      .bind(7, int64_t{status})
      .bind(8, reason)
      .bind(9, now_us)
      .bind(10, payment_id)
      .bind(11, int64_t{status})
      .bind(12, int64_t{status})
      .run();
  return conn_.changes() == 1;
}

bool payment_store::transition(const std::string& payment_id,
                               const std::vector<uint8_t>& from, uint8_t to,
                               const std::string& reason, const std::string& reviewer,
                               int64_t now_us) {
  std::string in;
  for (auto f : from)
    in.append(in.empty() ? "" : ", ").append(std::to_string(f));
  auto st = conn_.prepare(
      "UPDATE payments SET status = ?, reason = ?, reviewer = CASE WHEN ? <> '' THEN ? "
      "ELSE reviewer END, updated_us = ? WHERE payment_id = ? AND status IN (" +
      in + ")");
  st.bind(1, int64_t{to})
      .bind(2, reason)
      .bind(3, reviewer)
      .bind(4, reviewer)
      .bind(5, now_us)
      .bind(6, payment_id)
      .run();
  return conn_.changes() == 1;
}

void payment_store::note_provider(const std::string& payment_id,
                                  const std::string& provider_tx_id,
                                  const std::string& fingerprint) {
  auto st = conn_.prepare(
      "UPDATE payments SET provider_tx_id = CASE WHEN ? <> '' THEN ? ELSE provider_tx_id "
      "END, fingerprint = CASE WHEN ? <> '' THEN ? ELSE fingerprint END WHERE payment_id "
      "= ?");
  st.bind(1, provider_tx_id)
      .bind(2, provider_tx_id)
      .bind(3, fingerprint)
      .bind(4, fingerprint)
      .bind(5, payment_id)
      .run();
}

bool payment_store::reserve(const std::string& payment_id, payment_reservation from,
                            payment_reservation to, int64_t now_us) {
  auto st = conn_.prepare("UPDATE payments SET reservation = ?, updated_us = ? WHERE "
                          "payment_id = ? AND reservation = ?");
  st.bind(1, int64_t{static_cast<uint8_t>(to)})
      .bind(2, now_us)
      .bind(3, payment_id)
      .bind(4, int64_t{static_cast<uint8_t>(from)})
      .run();
  return conn_.changes() == 1;
}

std::vector<payment_record> payment_store::withdrawals(uint8_t status, int64_t before_us,
                                                       int64_t limit) {
  auto st = conn_.prepare(select_payments(
      "WHERE kind = 2 AND (? = 0 OR status = ?) AND created_us < ? ORDER BY created_us "
      "DESC LIMIT ?"));
  st.bind(1, int64_t{status}).bind(2, int64_t{status}).bind(3, before_us).bind(4, limit);
  return read_all(st);
}

std::vector<payment_record> payment_store::withdrawals_in_progress(int64_t limit,
                                                                   bool with_sent) {
  auto st = conn_.prepare(select_payments(
      "WHERE kind = 2 AND (status IN (7, 9) OR (? AND status = 10) OR (reservation = 1 "
      "AND status IN (4, 5, 11, 12, 13))) ORDER BY created_us LIMIT ?"));
  st.bind(1, int64_t{with_sent}).bind(2, limit);
  return read_all(st);
}

int64_t payment_store::reserved_amount(int64_t player_id) {
  auto st = conn_.prepare("SELECT coalesce(sum(amount), 0) FROM payments WHERE player_id "
                          "= ? AND kind = 2 AND reservation = 1");
  st.bind(1, player_id);
  return st.step() ? st.int64(0) : 0;
}

int64_t payment_store::deposited(int64_t player_id, const std::string& currency,
                                 int64_t since_us, bool open) {
  auto st = conn_.prepare("SELECT coalesce(sum(amount), 0) FROM payments WHERE player_id "
                          "= ? AND kind = 1 AND (status = 3 OR (? AND status IN (1, 2))) "
                          "AND currency = ? AND created_us >= ?");
  st.bind(1, player_id).bind(2, int64_t{open}).bind(3, currency).bind(4, since_us);
  return st.step() ? st.int64(0) : 0;
}

std::vector<payment_record> payment_store::of_player(int64_t player_id, int64_t before_us,
                                                     int64_t limit) {
  auto st = conn_.prepare(select_payments(
      "WHERE player_id = ? AND created_us < ? ORDER BY created_us DESC LIMIT ?"));
  st.bind(1, player_id).bind(2, before_us).bind(3, limit);
  return read_all(st);
}

std::vector<payment_record> payment_store::due_to_expire(int64_t now_us, int64_t limit) {
  auto st = conn_.prepare(select_payments(
      "WHERE status IN (1, 2) AND kind = 1 AND expires_us <= ? ORDER BY expires_us "
      "LIMIT ?"));
  st.bind(1, now_us).bind(2, limit);
  return read_all(st);
}

} // namespace agg
