#include "persistence/risk_store.hpp"

namespace agg {

namespace {

constexpr const char* case_columns =
    "case_id, player_id, kind, score, reasons, group_size, locked, status, opened_us, "
    "updated_us, resolved_us, resolved_by, note, subject";

risk_case read_case(const db::statement& st) {
  risk_case c;
  c.case_id = st.int64(0);
  c.player_id = st.int64(1);
  c.kind = st.text(2);
  c.score = st.real(3);
  c.reasons = st.text(4);
  c.group_size = st.int64(5);
  c.locked = st.int64(6) != 0;
  c.status = st.text(7);
  c.opened_us = st.int64(8);
  c.updated_us = st.int64(9);
  c.resolved_us = st.int64(10);
  c.resolved_by = st.text(11);
  c.note = st.text(12);
  c.subject = st.text(13);
  return c;
}

std::vector<risk_case> read_cases(db::statement& st) {
  std::vector<risk_case> out;
  while (st.step())
    out.push_back(read_case(st));
  return out;
}

} // namespace

using namespace std::string_literals;

risk_store::risk_store(db::connection& conn) : conn_(conn) {}

namespace {

// What a case found (kind, score, reasons, group size, locked), from column `first` on:
// written when it opens and each time it is brought up to date.
void bind_finding(db::statement& st, int first, const risk_case& c) {
  st.bind(first, c.kind);
  st.bind_real(first + 1, c.score);
  st.bind(first + 2, c.reasons);
  st.bind(first + 3, c.group_size);
  st.bind(first + 4, int64_t{c.locked ? 1 : 0});
}

} // namespace

void risk_store::open(risk_case& c) {
  auto st =
      conn_.prepare("INSERT INTO risk_cases(player_id, kind, score, reasons, group_size, "
                    "locked, status, "
                    "opened_us, updated_us, subject) "
                    "VALUES (?, ?, ?, ?, ?, ?, 'open', ?, ?, ?)");
  st.bind(1, c.player_id);
  bind_finding(st, 2, c);
  st.bind(7, c.opened_us);
  st.bind(8, c.updated_us);
  st.bind(9, c.subject);
  st.run();
  c.case_id = conn_.last_insert_rowid();
  c.status = "open";
}

void risk_store::update(const risk_case& c) {
  auto st = conn_.prepare("UPDATE risk_cases SET kind = ?, score = ?, reasons = ?, "
                          "group_size = ?, locked = ?, updated_us = ? "
                          "WHERE case_id = ? AND status = 'open'");
  bind_finding(st, 1, c);
  st.bind(6, c.updated_us);
  st.bind(7, c.case_id);
  st.run();
}

bool risk_store::resolve(int64_t case_id, const std::string& status,
                         const std::string& by, const std::string& note, int64_t now_us) {
  auto st = conn_.prepare("UPDATE risk_cases SET status = ?, resolved_by = ?, note = ?, "
                          "resolved_us = ?, updated_us = ? "
                          "WHERE case_id = ? AND status = 'open'");
  st.bind(1, status);
  st.bind(2, by);
  st.bind(3, note);
  st.bind(4, now_us);
  st.bind(5, now_us);
  st.bind(6, case_id);
  st.run();
  return conn_.changes() > 0;
}

std::optional<risk_case> risk_store::by_id(int64_t case_id) {
  auto st =
      conn_.prepare("SELECT "s + case_columns + " FROM risk_cases WHERE case_id = ?");
  st.bind(1, case_id);
  if (!st.step()) return std::nullopt;
  return read_case(st);
}

std::vector<risk_case> risk_store::list(const std::string& status, int64_t before,
                                        int64_t limit) {
  auto st = conn_.prepare("SELECT "s + case_columns +
                          " FROM risk_cases WHERE (? = '' OR status = ?) AND case_id < ? "
                          "ORDER BY case_id DESC LIMIT ?");
  st.bind(1, status);
  st.bind(2, status);
  st.bind(3, before > 0 ? before : INT64_MAX);
  st.bind(4, limit);
  return read_cases(st);
}

std::vector<risk_case> risk_store::of_player(int64_t player) {
  auto st = conn_.prepare("SELECT "s + case_columns +
                          " FROM risk_cases WHERE player_id = ? ORDER BY case_id DESC");
  st.bind(1, player);
  return read_cases(st);
}

bool risk_store::open_about(const std::string& subject) {
  auto st = conn_.prepare(
      "SELECT 1 FROM risk_cases WHERE subject = ? AND status = 'open' LIMIT 1");
  st.bind(1, subject);
  return st.step();
}

std::vector<risk_case> risk_store::all() {
  auto st =
      conn_.prepare("SELECT "s + case_columns + " FROM risk_cases ORDER BY case_id");
  return read_cases(st);
}

void risk_store::put_rule(const address_rule& r) {
  auto st = conn_.prepare(
      "INSERT INTO risk_address_rules(cidr, action, note, created_us, created_by) "
      "VALUES (?, ?, ?, ?, ?) ON CONFLICT(cidr) DO UPDATE SET action = excluded.action, "
      "note = excluded.note, created_us = excluded.created_us, "
      "created_by = excluded.created_by");
  st.bind(1, r.cidr);
  st.bind(2, r.action);
  st.bind(3, r.note);
  st.bind(4, r.created_us);
  st.bind(5, r.created_by);
  st.run();
}

bool risk_store::remove_rule(const std::string& cidr) {
  auto st = conn_.prepare("DELETE FROM risk_address_rules WHERE cidr = ?");
  st.bind(1, cidr);
  st.run();
  return conn_.changes() > 0;
}

std::vector<address_rule> risk_store::rules() {
  auto st = conn_.prepare(
      "SELECT cidr, action, note, created_us, created_by FROM risk_address_rules "
      "ORDER BY cidr");
  std::vector<address_rule> out;
  while (st.step())
    out.push_back({st.text(0), st.text(1), st.text(2), st.int64(3), st.text(4)});
  return out;
}

} // namespace agg
