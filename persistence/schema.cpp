#include "persistence/schema.hpp"

#include "persistence/global_chain.hpp"
#include "persistence/ledger_rows.hpp"

#include <sqlite3.h>

#include <array>
#include <string>

namespace agg::db {

namespace {

using namespace std::string_literals;

// The global order's backfill (migration 8): the entries already in the ledger get
// their places in the order they were created, and the global hash chain over them.
void number_ledger(connection& conn);

// One step of the schema: its SQL, then (for a few) work SQL cannot do.
struct migration {
  migration(const char* s, void (*t)(connection&) = nullptr) : sql(s), then(t) {}
  const char* sql;
  void (*then)(connection&);
};

// Append only: never edit a migration that has shipped.
const std::array<migration, 17> migrations = {{
    // 1: balances, the hash-chained ledger (a player's chain head is its last row),
    // rollback markers and rounds.
    R"sql(
CREATE TABLE balances(
  player_id INTEGER NOT NULL,
  currency  TEXT    NOT NULL,
  balance   INTEGER NOT NULL CHECK (balance >= 0),
  PRIMARY KEY (player_id, currency)
) WITHOUT ROWID;
CREATE TABLE ledger(
  player_id     INTEGER NOT NULL,
  seq           INTEGER NOT NULL,
  kind          INTEGER NOT NULL,
  source        TEXT    NOT NULL,
  tx_id         TEXT    NOT NULL,
  ref_tx_id     TEXT    NOT NULL,
  round_id      TEXT    NOT NULL,
  currency      TEXT    NOT NULL,
  amount        INTEGER NOT NULL,
  balance_after INTEGER NOT NULL,
  created_us    INTEGER NOT NULL,
  prev_hash     BLOB    NOT NULL,
  hash          BLOB    NOT NULL,
  PRIMARY KEY (player_id, seq)
) WITHOUT ROWID;
CREATE UNIQUE INDEX ledger_source_tx ON ledger(source, tx_id);
CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger
  BEGIN SELECT RAISE(ABORT, 'ledger is append-only'); END;
CREATE TRIGGER ledger_no_delete BEFORE DELETE ON ledger
  BEGIN SELECT RAISE(ABORT, 'ledger is append-only'); END;
CREATE TABLE rollback_marks(
  source    TEXT    NOT NULL,
  tx_id     TEXT    NOT NULL,
  player_id INTEGER NOT NULL,
  PRIMARY KEY (source, tx_id)
) WITHOUT ROWID;
CREATE TABLE rounds(
  source            TEXT    NOT NULL,
  round_id          TEXT    NOT NULL,
  player_id         INTEGER NOT NULL,
  currency          TEXT    NOT NULL,
  bet_count         INTEGER NOT NULL,
  open_bet_count    INTEGER NOT NULL,
  rolled_back_count INTEGER NOT NULL,
  bet_total         INTEGER NOT NULL,
  win_total         INTEGER NOT NULL,
  refund_total      INTEGER NOT NULL,
  credited          INTEGER NOT NULL,
  closed            INTEGER NOT NULL,
  opened_us         INTEGER NOT NULL,
  updated_us        INTEGER NOT NULL,
  PRIMARY KEY (source, round_id)
) WITHOUT ROWID;
)sql",
    // 2: player accounts, login sessions and the operator audit trail.
    R"sql(
CREATE TABLE accounts(
  player_id             INTEGER PRIMARY KEY AUTOINCREMENT,
  username              TEXT    NOT NULL UNIQUE COLLATE NOCASE,
  password_hash         TEXT    NOT NULL,
  email                 TEXT    NOT NULL,
  currency              TEXT    NOT NULL,
  status                INTEGER NOT NULL,
  tokens_valid_after_us INTEGER NOT NULL,
  created_us            INTEGER NOT NULL,
  updated_us            INTEGER NOT NULL
);
CREATE TABLE sessions(
  session_id TEXT    PRIMARY KEY,
  player_id  INTEGER NOT NULL,
  created_us INTEGER NOT NULL,
  expires_us INTEGER NOT NULL,
  revoked_us INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_player ON sessions(player_id);
CREATE TABLE audit(
  audit_id   INTEGER PRIMARY KEY,
  at_us      INTEGER NOT NULL,
  actor      TEXT    NOT NULL,
  role       TEXT    NOT NULL,
  action     TEXT    NOT NULL,
  target     TEXT    NOT NULL,
  request_id TEXT    NOT NULL,
  detail     TEXT    NOT NULL
);
)sql",
    // 3: game rounds (their game and outcome), rounds still to settle, and the seeds of
    // provably fair studios.
    R"sql(
ALTER TABLE rounds ADD COLUMN game_id TEXT NOT NULL DEFAULT '';
ALTER TABLE rounds ADD COLUMN detail TEXT NOT NULL DEFAULT '';
CREATE INDEX rounds_unsettled ON rounds(source, opened_us)
  WHERE credited = 0 AND open_bet_count > 0;
CREATE TABLE studio_seeds(
  vendor         TEXT    NOT NULL,
  player_id      INTEGER NOT NULL,
  server_seed    TEXT    NOT NULL,
  client_seed    TEXT    NOT NULL,
  next_nonce     INTEGER NOT NULL,
  nonce_reserved INTEGER NOT NULL,
  PRIMARY KEY (vendor, player_id)
) WITHOUT ROWID;
CREATE TABLE studio_revealed_seeds(
  vendor           TEXT    NOT NULL,
  player_id        INTEGER NOT NULL,
  server_seed_hash TEXT    NOT NULL,
  server_seed      TEXT    NOT NULL,
  client_seed      TEXT    NOT NULL,
  last_nonce       INTEGER NOT NULL,
  revealed_us      INTEGER NOT NULL,
  PRIMARY KEY (vendor, server_seed_hash)
) WITHOUT ROWID;
)sql",
    // 4: game sessions of seamless-wallet studios (a token per game launch).
    R"sql(
CREATE TABLE vendor_sessions(
  token      TEXT    PRIMARY KEY,
  vendor     TEXT    NOT NULL,
  player_id  INTEGER NOT NULL,
  game_code  TEXT    NOT NULL,
  currency   TEXT    NOT NULL,
  created_us INTEGER NOT NULL,
  expires_us INTEGER NOT NULL,
  superseded INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX vendor_sessions_player ON vendor_sessions(vendor, player_id);
)sql",
    // 5: reconciliation: a studio's transactions by time, and its rounds still open.
    R"sql(
CREATE INDEX ledger_source_time ON ledger(source, created_us);
CREATE INDEX rounds_open ON rounds(source, opened_us)
  WHERE closed = 0 AND open_bet_count > 0;
)sql",
    // 6: one index serves both the rounds to settle (no win credited) and the rounds
    // still open (not closed): every bet and every win kept both up to date, two index
    // writes each where one does. Each query filters the index's rows by its own term.
    R"sql(
DROP INDEX rounds_unsettled;
DROP INDEX rounds_open;
CREATE INDEX rounds_pending ON rounds(source, opened_us)
  WHERE open_bet_count > 0 AND (credited = 0 OR closed = 0);
)sql",
    // 7: failed logins since an account's last login and its lockout, and the
    // addresses it logged in from (a lockout does not hold them back).
    R"sql(
ALTER TABLE accounts ADD COLUMN failed_logins INTEGER NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN last_failed_login_us INTEGER NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN locked_out_until_us INTEGER NOT NULL DEFAULT 0;
CREATE TABLE account_addresses(
  player_id     INTEGER NOT NULL,
  address       TEXT    NOT NULL,
  last_login_us INTEGER NOT NULL,
  PRIMARY KEY (player_id, address)
) WITHOUT ROWID;
)sql",
    // 8: the global order (persistence/global_chain.hpp): every ledger entry and every
    // activity record gets a place in one gap-free sequence and a hash over the record
    // before it; activity records (account actions that move no money); the cursors
    // of the event feed's subscribers. The ledger's update trigger is set aside while
    // number_ledger fills the new columns of the entries already there.
    {R"sql(
DROP TRIGGER ledger_no_update;
ALTER TABLE ledger ADD COLUMN gseq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE ledger ADD COLUMN ghash BLOB NOT NULL DEFAULT x'';
CREATE TABLE activity(
  gseq              INTEGER PRIMARY KEY,
  kind              INTEGER NOT NULL,
  player_id         INTEGER NOT NULL,
  created_us        INTEGER NOT NULL,
  address           TEXT    NOT NULL,
  device_id         TEXT    NOT NULL,
  device_user_agent TEXT    NOT NULL,
  device_platform   TEXT    NOT NULL,
  device_screen     TEXT    NOT NULL,
  device_timezone   TEXT    NOT NULL,
  device_language   TEXT    NOT NULL,
  detail            TEXT    NOT NULL,
  hash              BLOB    NOT NULL,
  ghash             BLOB    NOT NULL
);
CREATE INDEX activity_player ON activity(player_id, gseq);
CREATE TRIGGER activity_no_update BEFORE UPDATE ON activity
  BEGIN SELECT RAISE(ABORT, 'activity is append-only'); END;
CREATE TRIGGER activity_no_delete BEFORE DELETE ON activity
  BEGIN SELECT RAISE(ABORT, 'activity is append-only'); END;
CREATE TABLE feed_cursors(
  name       TEXT    PRIMARY KEY,
  gseq       INTEGER NOT NULL,
  updated_us INTEGER NOT NULL
) WITHOUT ROWID;
)sql",
     number_ledger},
    // 9: payments through providers (persistence/payment_store.hpp): deposit intents
    // and payouts, each provider transaction id once, open ones by expiry, and the
    // instruments' fingerprints for account linking.
    {R"sql(
CREATE TABLE payments(
  payment_id     TEXT    PRIMARY KEY,
  kind           INTEGER NOT NULL,
  status         INTEGER NOT NULL,
  player_id      INTEGER NOT NULL,
  provider       TEXT    NOT NULL,
  provider_tx_id TEXT    NOT NULL,
  instrument     TEXT    NOT NULL,
  fingerprint    TEXT    NOT NULL,
  currency       TEXT    NOT NULL,
  amount         INTEGER NOT NULL CHECK (amount > 0),
  reason         TEXT    NOT NULL,
  created_us     INTEGER NOT NULL,
  updated_us     INTEGER NOT NULL,
  expires_us     INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX payments_player ON payments(player_id, created_us);
CREATE UNIQUE INDEX payments_provider_tx ON payments(provider, provider_tx_id)
  WHERE provider_tx_id <> '';
CREATE INDEX payments_open ON payments(expires_us) WHERE status IN (1, 2);
CREATE INDEX payments_fingerprint ON payments(fingerprint) WHERE fingerprint <> '';
)sql"},
    // 10: withdrawals (payouts with a reservation in the wallet: held, released or
    // settled) and who reviewed them; KYC per account (status, level, reason).
    {R"sql(
ALTER TABLE payments ADD COLUMN reservation INTEGER NOT NULL DEFAULT 0;
ALTER TABLE payments ADD COLUMN reviewer TEXT NOT NULL DEFAULT '';
CREATE INDEX payments_withdrawals ON payments(status, created_us) WHERE kind = 2;
ALTER TABLE accounts ADD COLUMN kyc_status INTEGER NOT NULL DEFAULT 1;
ALTER TABLE accounts ADD COLUMN kyc_level INTEGER NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN kyc_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE accounts ADD COLUMN kyc_updated_us INTEGER NOT NULL DEFAULT 0;
)sql"},
    // 11: responsible gaming: limits per player (persistence/limit_store.hpp), each
    // with its pending loosening; an exclusion's end (cool-off, self-exclusion).
    {R"sql(
CREATE TABLE rg_limits(
  player_id       INTEGER NOT NULL,
  kind            INTEGER NOT NULL,
  amount          INTEGER NOT NULL,
  pending         INTEGER NOT NULL,
  pending_from_us INTEGER NOT NULL,
  updated_us      INTEGER NOT NULL,
  PRIMARY KEY (player_id, kind)
) WITHOUT ROWID;
ALTER TABLE accounts ADD COLUMN excluded_until_us INTEGER NOT NULL DEFAULT 0;
)sql"},
    // 12: bonus money (docs/bonus.md): the pockets an entry moved (and their sum,
    // lapsed shares included, for the vendors' reports), and each grant
    // with the terms copied from its campaign and its state, written with the entry
    // that changed it.
    {R"sql(
ALTER TABLE ledger ADD COLUMN bonus TEXT NOT NULL DEFAULT '';
ALTER TABLE ledger ADD COLUMN bonus_amount INTEGER NOT NULL DEFAULT 0;
CREATE TABLE bonus_grants(
  grant_id          TEXT    PRIMARY KEY,
  player_id         INTEGER NOT NULL,
  campaign_id       TEXT    NOT NULL,
  currency          TEXT    NOT NULL,
  status            INTEGER NOT NULL,
  amount            INTEGER NOT NULL,
  balance           INTEGER NOT NULL CHECK (balance >= 0),
  wagering_required INTEGER NOT NULL,
  wagered           INTEGER NOT NULL,
  max_stake         INTEGER NOT NULL,
  max_conversion    INTEGER NOT NULL,
  default_weight    INTEGER NOT NULL,
  weights           TEXT    NOT NULL,
  expires_us        INTEGER NOT NULL,
  created_us        INTEGER NOT NULL,
  updated_us        INTEGER NOT NULL,
  converted         INTEGER NOT NULL,
  forfeited         INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX bonus_grants_player ON bonus_grants(player_id, created_us);
CREATE INDEX bonus_grants_expiring ON bonus_grants(expires_us) WHERE status = 1;
CREATE INDEX bonus_grants_campaign ON bonus_grants(campaign_id, status);
)sql"},
    // 13: bonus campaigns (docs/bonus.md): their terms, the players who claimed a
    // code, the cashback periods paid; free rounds on grants; accounts' country.
    {R"sql(
ALTER TABLE bonus_grants ADD COLUMN vendor TEXT NOT NULL DEFAULT '';
ALTER TABLE bonus_grants ADD COLUMN game_id TEXT NOT NULL DEFAULT '';
ALTER TABLE bonus_grants ADD COLUMN free_rounds INTEGER NOT NULL DEFAULT 0;
ALTER TABLE bonus_grants ADD COLUMN free_open INTEGER NOT NULL DEFAULT 0;
ALTER TABLE bonus_grants ADD COLUMN free_bet INTEGER NOT NULL DEFAULT 0;
ALTER TABLE bonus_grants ADD COLUMN max_win INTEGER NOT NULL DEFAULT 0;
ALTER TABLE bonus_grants ADD COLUMN won INTEGER NOT NULL DEFAULT 0;
ALTER TABLE bonus_grants ADD COLUMN wagering_x100 INTEGER NOT NULL DEFAULT 0;
CREATE INDEX bonus_grants_player_campaign ON bonus_grants(player_id, campaign_id);
ALTER TABLE accounts ADD COLUMN country TEXT NOT NULL DEFAULT '';
CREATE TABLE bonus_campaigns(
  campaign_id     TEXT    PRIMARY KEY,
  name            TEXT    NOT NULL,
  kind            INTEGER NOT NULL,
  status          INTEGER NOT NULL,
  code            TEXT,
  currencies      TEXT    NOT NULL,
  countries       TEXT    NOT NULL,
  starts_us       INTEGER NOT NULL,
  ends_us         INTEGER NOT NULL,
  first_deposit   INTEGER NOT NULL,
  every_nth       INTEGER NOT NULL,
  min_kyc_level   INTEGER NOT NULL,
  max_grants      INTEGER NOT NULL,
  match_pct       INTEGER NOT NULL,
  amount          INTEGER NOT NULL,
  min_deposit     INTEGER NOT NULL,
  cashback_pct    INTEGER NOT NULL,
  period_days     INTEGER NOT NULL,
  pay_cash        INTEGER NOT NULL,
  vendor          TEXT    NOT NULL,
  game_id         TEXT    NOT NULL,
  rounds          INTEGER NOT NULL,
  bet             INTEGER NOT NULL,
  max_win         INTEGER NOT NULL,
  vendor_campaign TEXT    NOT NULL,
  wagering_x100   INTEGER NOT NULL,
  wager_deposit   INTEGER NOT NULL,
  default_weight  INTEGER NOT NULL,
  weights         TEXT    NOT NULL,
  max_stake       INTEGER NOT NULL,
  expiry_days     INTEGER NOT NULL,
  max_conversion  INTEGER NOT NULL,
  created_us      INTEGER NOT NULL,
  updated_us      INTEGER NOT NULL
) WITHOUT ROWID;
CREATE UNIQUE INDEX bonus_campaigns_code ON bonus_campaigns(code) WHERE code IS NOT NULL;
CREATE TABLE bonus_claims(
  campaign_id TEXT    NOT NULL,
  player_id   INTEGER NOT NULL,
  claimed_us  INTEGER NOT NULL,
  PRIMARY KEY (campaign_id, player_id)
) WITHOUT ROWID;
CREATE INDEX bonus_claims_player ON bonus_claims(player_id);
CREATE TABLE bonus_cashback_periods(
  campaign_id TEXT    NOT NULL,
  period      INTEGER NOT NULL,
  paid_us     INTEGER NOT NULL,
  PRIMARY KEY (campaign_id, period)
) WITHOUT ROWID;
)sql"},
    // 14: free-rounds grants whose studio has been told (docs/bonus.md): the bonus
    // service gives the others to their studio again.
    {R"sql(
CREATE TABLE bonus_awards(
  grant_id   TEXT    PRIMARY KEY,
  awarded_us INTEGER NOT NULL
) WITHOUT ROWID;
)sql"},
    // 15: the risk engine's cases (docs/risk.md) and the operators' address rules.
    {R"sql(
CREATE TABLE risk_cases(
  case_id     INTEGER PRIMARY KEY AUTOINCREMENT,
  player_id   INTEGER NOT NULL,
  kind        TEXT    NOT NULL,
  score       REAL    NOT NULL,
  reasons     TEXT    NOT NULL,
  group_size  INTEGER NOT NULL,
  locked      INTEGER NOT NULL,
  status      TEXT    NOT NULL,
  opened_us   INTEGER NOT NULL,
  updated_us  INTEGER NOT NULL,
  resolved_us INTEGER NOT NULL DEFAULT 0,
  resolved_by TEXT    NOT NULL DEFAULT '',
  note        TEXT    NOT NULL DEFAULT '',
  subject     TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX risk_cases_player ON risk_cases(player_id, case_id);
CREATE INDEX risk_cases_status ON risk_cases(status, case_id);
CREATE TABLE risk_address_rules(
  cidr       TEXT    PRIMARY KEY,
  action     TEXT    NOT NULL,
  note       TEXT    NOT NULL,
  created_us INTEGER NOT NULL,
  created_by TEXT    NOT NULL
) WITHOUT ROWID;
)sql"},
    // 16: the cluster node whose shard this database is (docs/cluster.md): one row.
    {R"sql(
CREATE TABLE cluster_identity(
  node       TEXT    NOT NULL,
  epoch      INTEGER NOT NULL,
  digest     TEXT    NOT NULL,
  updated_us INTEGER NOT NULL
);
)sql"},
    // 17: the ledger and the rounds in the order they are written (docs/performance.md).
    // A ledger entry's row is keyed by its place in the global order and a round's by
    // the order rounds were opened, so a commit appends its rows to the last pages of
    // each table instead of dirtying a page per row in random places, and a win
    // updates its round where the recent rounds are; what used to be the clustered
    // keys (a player's entries by seq, a round by source and id) become narrow unique
    // indexes. The rows are copied in order; the ledger's triggers come back on the
    // new table.
    {R"sql(
DROP TRIGGER ledger_no_update;
DROP TRIGGER ledger_no_delete;
CREATE TABLE ledger_in_order(
  gseq          INTEGER PRIMARY KEY,
  player_id     INTEGER NOT NULL,
  seq           INTEGER NOT NULL,
  kind          INTEGER NOT NULL,
  source        TEXT    NOT NULL,
  tx_id         TEXT    NOT NULL,
  ref_tx_id     TEXT    NOT NULL,
  round_id      TEXT    NOT NULL,
  currency      TEXT    NOT NULL,
  amount        INTEGER NOT NULL,
  balance_after INTEGER NOT NULL,
  created_us    INTEGER NOT NULL,
  prev_hash     BLOB    NOT NULL,
  hash          BLOB    NOT NULL,
  ghash         BLOB    NOT NULL DEFAULT x'',
  bonus         TEXT    NOT NULL DEFAULT '',
  bonus_amount  INTEGER NOT NULL DEFAULT 0
);
INSERT INTO ledger_in_order(gseq, player_id, seq, kind, source, tx_id, ref_tx_id,
  round_id, currency, amount, balance_after, created_us, prev_hash, hash, ghash, bonus,
  bonus_amount)
SELECT gseq, player_id, seq, kind, source, tx_id, ref_tx_id, round_id, currency, amount,
  balance_after, created_us, prev_hash, hash, ghash, bonus, bonus_amount
FROM ledger ORDER BY gseq;
DROP TABLE ledger;
ALTER TABLE ledger_in_order RENAME TO ledger;
CREATE UNIQUE INDEX ledger_player ON ledger(player_id, seq);
CREATE UNIQUE INDEX ledger_source_tx ON ledger(source, tx_id);
CREATE INDEX ledger_source_time ON ledger(source, created_us);
CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger
  BEGIN SELECT RAISE(ABORT, 'ledger is append-only'); END;
CREATE TRIGGER ledger_no_delete BEFORE DELETE ON ledger
  BEGIN SELECT RAISE(ABORT, 'ledger is append-only'); END;
CREATE TABLE rounds_in_order(
  source            TEXT    NOT NULL,
  round_id          TEXT    NOT NULL,
  player_id         INTEGER NOT NULL,
  currency          TEXT    NOT NULL,
  bet_count         INTEGER NOT NULL,
  open_bet_count    INTEGER NOT NULL,
  rolled_back_count INTEGER NOT NULL,
  bet_total         INTEGER NOT NULL,
  win_total         INTEGER NOT NULL,
  refund_total      INTEGER NOT NULL,
  credited          INTEGER NOT NULL,
  closed            INTEGER NOT NULL,
  opened_us         INTEGER NOT NULL,
  updated_us        INTEGER NOT NULL,
  game_id           TEXT    NOT NULL DEFAULT '',
  detail            TEXT    NOT NULL DEFAULT ''
);
INSERT INTO rounds_in_order(source, round_id, player_id, currency, bet_count,
  open_bet_count, rolled_back_count, bet_total, win_total, refund_total, credited, closed,
  opened_us, updated_us, game_id, detail)
SELECT source, round_id, player_id, currency, bet_count, open_bet_count,
  rolled_back_count, bet_total, win_total, refund_total, credited, closed, opened_us,
  updated_us, game_id, detail
FROM rounds ORDER BY opened_us, source, round_id;
DROP TABLE rounds;
ALTER TABLE rounds_in_order RENAME TO rounds;
CREATE UNIQUE INDEX rounds_key ON rounds(source, round_id);
CREATE INDEX rounds_pending ON rounds(source, opened_us)
  WHERE open_bet_count > 0 AND (credited = 0 OR closed = 0);
)sql"},
}};

void number_ledger(connection& conn) {
  global_head head;
  {
    // Before migration 12 the ledger has no bonus column (entry_columns' last).
    std::string columns = entry_columns;
    columns.replace(columns.rfind("bonus"), 5, "''");
    auto rows = conn.prepare("SELECT "s + columns +
                             " FROM ledger ORDER BY created_us, player_id, seq");
    auto set = conn.prepare("UPDATE ledger SET gseq = ?, ghash = ? WHERE player_id = ? "
                            "AND seq = ?");
    while (rows.step()) {
      auto e = read_entry(rows);
      chain_ledger(head, e);
      set.bind(1, e.gseq).bind_blob(2, e.ghash).bind(3, e.player_id).bind(4, e.seq).run();
    }
  }
  conn.exec(R"sql(
CREATE UNIQUE INDEX ledger_gseq ON ledger(gseq);
CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger
  BEGIN SELECT RAISE(ABORT, 'ledger is append-only'); END;
)sql");
}

bool has_version_table(connection& conn) {
  auto st = conn.prepare(
      "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'");
  return st.step();
}

} // namespace

int latest_schema_version() {
  return static_cast<int>(migrations.size());
}

int schema_version(connection& conn) {
  if (!has_version_table(conn)) return 0;
  auto st = conn.prepare("SELECT version FROM schema_version");
  return st.step() ? static_cast<int>(st.int64(0)) : 0;
}

void migrate(connection& conn, int version) {
  if (version < 0) version = latest_schema_version();
  transaction tx{conn};
  if (!has_version_table(conn)) {
    conn.exec("CREATE TABLE schema_version(version INTEGER NOT NULL)");
    conn.prepare("INSERT INTO schema_version(version) VALUES (0)").run();
  }
  int current = schema_version(conn);
  if (current > latest_schema_version())
    throw error(SQLITE_ERROR, "database schema version " + std::to_string(current) +
                                  " is newer than this server supports (" +
                                  std::to_string(latest_schema_version()) + ")");
  for (int v = current; v < version; ++v) {
    const auto& m = migrations[static_cast<size_t>(v)];
    conn.exec(m.sql);
    if (m.then != nullptr) m.then(conn);
    conn.prepare("UPDATE schema_version SET version = ?").bind(1, int64_t{v + 1}).run();
  }
  tx.commit();
}

} // namespace agg::db
