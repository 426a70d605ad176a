#pragma once

// Every message type of the server and the one type-ID block. Each struct has an
// inspect() that lists all of its fields.

#include "persistence/account_store.hpp"
#include "persistence/activity.hpp"
#include "persistence/campaign.hpp"
#include "persistence/event_log.hpp"
#include "persistence/ledger_types.hpp"
#include "persistence/reconciliation.hpp"
#include "persistence/vendor_session_store.hpp"
#include "vendors/seamless.hpp"

#include <caf/all.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace agg {

// A wallet operation. Codes above 0 equal the entry_kind they write.
enum class wallet_op : uint8_t {
  balance = 0,
  deposit = 1,
  withdraw = 2,
  debit = 3,
  credit = 4,
  rollback = 5,
  // Bonus money (docs/bonus.md), source "bonus": a grant (its terms in `grant`,
  // tx_id its grant id); a forfeit or an expiry of the grant `grant_id` (tx_id
  // "<grant id>:end", which a conversion also takes, so a grant ends once).
  grant_bonus = 6,
  forfeit_bonus = 7,
  expire_bonus = 8,
};

static_assert(static_cast<int>(wallet_op::deposit) ==
              static_cast<int>(entry_kind::deposit));
static_assert(static_cast<int>(wallet_op::withdraw) ==
              static_cast<int>(entry_kind::withdrawal));
static_assert(static_cast<int>(wallet_op::debit) == static_cast<int>(entry_kind::bet));
static_assert(static_cast<int>(wallet_op::credit) == static_cast<int>(entry_kind::win));
static_assert(static_cast<int>(wallet_op::rollback) ==
              static_cast<int>(entry_kind::rollback));

const char* to_string(wallet_op op);

// One request to a player's wallet. (source, tx_id) identifies it for idempotency.
struct wallet_request {
  int64_t player_id = 0;
  uint8_t op = 0;     // wallet_op
  std::string source; // vendor id, or "operator"
  std::string tx_id;
  std::string ref_tx_id; // credit: the bet it pays (optional); rollback: the bet
  std::string round_id;  // optional
  std::string currency;
  int64_t amount = 0;       // positive minor units; ignored by balance and rollback
  bool close_round = false; // debit or credit: the round ends with this entry
  std::string game_id;      // debit: the game of a new round (kept with the round)
  std::string round_detail; // credit: the round's outcome (JSON), kept with the round
  std::vector<bonus_grant> grant; // grant_bonus: the grant, its terms and amount
  // forfeit_bonus, expire_bonus: the grant; debit: a free round of this grant (the
  // amount is its bet to the game, nothing is taken from the player)
  std::string grant_id;
};

// The durable result of a wallet request. An exact replay gets the original receipt
// back with replayed set.
struct wallet_receipt {
  int64_t player_id = 0;
  uint8_t op = 0; // wallet_op
  std::string currency;
  int64_t amount = 0;  // signed delta applied to the balance
  int64_t balance = 0; // the currency's balance after this operation
  int64_t seq = 0;     // the ledger entry; 0 for balance reads
  int64_t created_us = 0;
  bool replayed = false;
  int64_t bonus_amount = 0;  // signed delta applied to the bonus pockets
  int64_t bonus_balance = 0; // the currency's bonus money after this operation
};

struct tx_key {
  std::string source;
  std::string id;
};

// Keys a wallet must learn from storage before it can apply its queued requests.
struct lookup_request {
  int64_t player_id = 0;
  std::vector<tx_key> entries; // ledger entries by (source, tx_id)
  std::vector<tx_key> marks;   // rollback marks by (source, tx_id)
  std::vector<tx_key> rounds;  // rounds by (source, round_id)
  bool empty() const { return entries.empty() && marks.empty() && rounds.empty(); }
};

// What storage holds for a lookup_request; keys not present here do not exist.
struct lookup_result {
  std::vector<ledger_entry> entries;
  std::vector<rollback_mark> marks;
  std::vector<round_record> rounds;
};

// One wallet's writes for the ledger writer, in seq order.
struct append_request {
  int64_t player_id = 0;
  uint32_t epoch = 0;
  std::vector<ledger_write> writes;
};

// The writer's answer to one append_request.
struct commit_result {
  int64_t player_id = 0;
  uint32_t epoch = 0;
  int64_t committed_seq = 0; // durable up to here
  int64_t failed_seq = 0;    // first seq not written, 0 when all were
  uint8_t failure = 0;       // wallet_errc for failed_seq
};

// Events with consecutive gseq, in order. `committed_us`: when the writer's commit
// returned (0 for events read back from the database).
struct event_batch {
  std::vector<feed_event> events;
  int64_t committed_us = 0;
};

// A page of one player's ledger, newest first.
struct history_page {
  std::vector<ledger_entry> entries;
};

// -- accounts -------------------------------------------------------------------

struct register_request {
  std::string username;
  std::string password;
  std::string email; // optional
  std::string currency;
  bool open_session = true; // false: create the account only (an operator creating it)
  std::string address;      // the client's address (for an operator: "operator:<key>")
  device_info device;
  std::string country; // optional: ISO 3166-1 alpha-2 (bonus campaigns by country)
};

struct login_request {
  std::string username;
  std::string password;
  std::string address; // the client's address
  device_info device;
};

// A successful login (or registration, which logs in): a new session and its token.
struct login_grant {
  int64_t player_id = 0;
  std::string username;
  std::string currency;
  uint8_t status = 0; // account_status
  std::string session_id;
  std::string token;
  int64_t expires_us = 0;
  // What the owner is told at login: the failed logins since the last one, and when
  // the last of them was (0 and 0 when there were none).
  int64_t failed_logins = 0;
  int64_t last_failed_login_us = 0;
};

// An account as operators and sessions see it (no password hash).
struct account_view {
  int64_t player_id = 0;
  std::string username;
  std::string email;
  std::string currency;
  uint8_t status = 0; // account_status
  int64_t created_us = 0;
  int64_t updated_us = 0;
  uint8_t kyc_status = 0; // kyc_status
  int64_t kyc_level = 0;
  std::string kyc_reason;
  int64_t kyc_updated_us = 0;
  std::string country;
};

// An operator's KYC decision for an account.
struct kyc_change {
  int64_t player_id = 0;
  uint8_t status = 0; // kyc_status
  int64_t level = 0;
  std::string reason;
  std::string by; // "operator:<key name>"
};

// The newest audit records, newest first.
struct audit_page {
  std::vector<audit_record> entries;
};

// A committed balance change, pushed to every connection of the player.
struct balance_push {
  int64_t player_id = 0;
  std::string currency;
  int64_t balance = 0;
  int64_t seq = 0;
  uint8_t op = 0;     // wallet_op that changed it
  int64_t amount = 0; // the signed change
};

// -- vendors and rounds ---------------------------------------------------------

struct play_request {
  int64_t player_id = 0;
  std::string vendor;
  std::string game_id;
  std::string currency;
  int64_t stake = 0;
  std::string params_json; // game parameters, e.g. {"chance":5000}
  uint64_t origin = 0; // the requesting session's actor id: it gets the reply, not a push
  std::string free_round; // a grant's free round: the stake is the grant's, not taken
};

// A settled round, as the player sees it.
struct round_result {
  std::string vendor;
  std::string round_id;
  std::string game_id;
  int64_t player_id = 0;
  std::string currency;
  int64_t stake = 0;
  int64_t win = 0;
  int64_t balance = 0; // after the win
  std::string detail_json;
  std::string server_seed_hash; // provably fair rounds; empty otherwise
  std::string client_seed;
  int64_t nonce = -1;
  int64_t created_us = 0;
  uint64_t origin = 0;
};

// The outcome a vendor's worker computed for a round.
struct outcome_reply {
  int64_t win = 0;
  std::string detail_json;
  bool provably_fair = false;
  std::string server_seed_hash;
  std::string client_seed;
  int64_t nonce = -1;
};

struct catalog_game {
  std::string vendor;
  std::string game_id;
  std::string name;
  std::string category;
  int64_t rtp_ppm = 0;
  int64_t stake_min = 0;
  int64_t stake_max = 0;
  int64_t stake_step = 1;
  std::vector<std::string> currencies; // empty: every currency
  bool available = true;
  bool launched = false; // started with launch (the studio runs it), not play
};

struct game_catalog {
  std::vector<catalog_game> games;
};

struct vendor_status {
  std::string vendor;
  bool available = true;
  int64_t retry_at_us = 0; // unavailable: when the vendor takes a trial round again
};

struct seed_view {
  std::string vendor;
  std::string server_seed_hash;
  std::string client_seed;
  int64_t next_nonce = 0;
};

struct seed_reveal {
  std::string vendor;
  std::string server_seed;
  std::string server_seed_hash;
  std::string client_seed;
  int64_t last_nonce = -1;
  seed_view next;
};

struct verify_request {
  std::string vendor;
  std::string game_id;
  std::string params_json;
  int64_t stake = 0;
  std::string server_seed; // hex
  std::string client_seed;
  int64_t nonce = 0;
};

struct round_page {
  std::vector<round_record> rounds;
};

// A vendor's day as the ledger has it (persistence/reconciliation.hpp): totals per
// currency, and its rounds still open at the day's end (at most the limit asked, plus
// one to tell that there are more).
struct reconciliation_report {
  std::vector<vendor_day_totals> totals;
  std::vector<round_record> open_rounds;
};

// A player launching a game of a studio that runs its games itself.
struct launch_request {
  int64_t player_id = 0;
  std::string vendor;
  std::string game_id;
  std::string currency;
  std::string lang;
  std::string country;
  std::string lobby_url;
};

struct launch_reply {
  std::string vendor;
  std::string game_id;
  std::string url;   // where to send the player
  std::string token; // the game session the studio will present to our wallet
};

// -- payments (the cashier, docs/cashier.md) --------------------------------------

// A payment through a provider as the player and operators see it; kind and status
// are the names of payments::payment_kind and payment_status.
struct payment_view {
  std::string payment_id;
  std::string kind;
  std::string status;
  int64_t player_id = 0;
  std::string provider;
  std::string provider_tx_id;
  std::string currency;
  int64_t amount = 0;
  std::string instrument;
  std::string fingerprint;
  std::string reason;
  int64_t created_us = 0;
  int64_t updated_us = 0;
  int64_t expires_us = 0;
  std::string reservation; // withdrawals: none, held, released, settled
  std::string reviewer;    // withdrawals: the operator key that approved or rejected
};

struct payment_page {
  std::vector<payment_view> payments; // newest first
  int64_t next_before_us = 0;         // when the page is full: where the next starts
  int64_t reserved = 0; // a player's page: the amount its withdrawals hold reserved
};

// -- bonus ------------------------------------------------------------------------

// A player's grants (docs/bonus.md), active ones first, and the campaigns open to
// the player without a code.
struct bonus_page {
  int64_t player_id = 0;
  std::vector<bonus_grant> grants;
  std::vector<campaign> campaigns;
};

// The campaigns, each with its figures (same order).
struct campaign_list {
  std::vector<campaign> campaigns;
  std::vector<campaign_figures> figures;
};

// What a player's claim of a code did: a grant at once (no deposit, free spins), or
// an opt-in that the next qualifying deposit or period fulfils.
struct claim_result {
  campaign offer;
  bool granted = false;
  bonus_grant grant; // when granted
};

// Committed entries that changed a player's grants (the presence's hint to sessions).
struct bonus_notice {
  int64_t player_id = 0;
  uint8_t kind = 0; // entry_kind of the newest such entry
  std::vector<std::string> grant_ids;
};

// A player's deposit or withdrawal through a provider.
struct payment_request {
  int64_t player_id = 0;
  std::string currency; // empty: the account's
  int64_t amount = 0;
  std::string provider;
  std::string instrument;
  std::string address; // the client's, for the activity record
};

// A responsible-gaming limit asked for by the player or an operator.
struct limit_change {
  int64_t player_id = 0;
  uint8_t kind = 0;    // limit_kind
  int64_t amount = -1; // minor units or minutes; -1: no limit
  std::string by;      // the client's address, or "operator:<key name>"
};

// A player's limits, by limit_kind - 1, each with its pending loosening.
struct limits_view {
  int64_t player_id = 0;
  std::string currency;
  std::vector<limit_value> values;
};

// An operator's decision on a withdrawal held for review.
struct withdrawal_review {
  std::string payment_id;
  bool approve = false;
  std::string reason;
  std::string reviewer; // the API key's name
};

// A withdrawal check's answer (the risk and bonus gates).
struct gate_decision {
  bool allow = true;
  std::string reason; // why not, or why held
  bool hold = false;  // allowed, but only after an operator's review
};

// A provider's callback as the operator port received it.
struct payment_callback_in {
  std::string provider;
  std::vector<std::string> header_names; // lower case, with header_values
  std::vector<std::string> header_values;
  std::string body;
  std::string address;
};

// The answer to a callback: the HTTP status and, when refused, the error code.
struct callback_outcome {
  int64_t http_status = 200;
  std::string code; // empty when taken
  std::string message;
};

// -- player connections ---------------------------------------------------------

enum class client_op : uint8_t {
  ping = 1,
  register_account,
  login,
  resume,
  refresh,
  logout,
  balance,
  history,
  self_exclude,
  games,
  play,
  rounds,
  seeds,
  set_client_seed,
  rotate_seed,
  verify,
  launch,
  deposit,
  payments,
  withdraw,
  cancel_withdrawal,
  kyc,
  limits,
  set_limit,
  cool_off,
  bonuses,
  cancel_bonus,
  claim_bonus,
};

struct client_request {
  uint8_t op = 0; // client_op
  std::string id; // the client's request id as raw JSON, echoed back untouched
  std::string username;
  std::string password;
  std::string email;
  std::string currency;
  std::string token;
  int64_t before_seq = 0;
  int64_t limit = 0;
  std::string vendor;
  std::string game_id;
  int64_t stake = 0;
  std::string params_json;
  std::string client_seed;
  std::string server_seed;
  int64_t nonce = 0;
  std::string lang; // launch: the game's language, country and lobby link
  std::string country;
  std::string lobby_url;
  device_info device;         // register, login, resume
  int64_t amount = 0;         // deposit
  std::string provider;       // deposit
  std::string instrument;     // deposit
  int64_t before_us = 0;      // payments: created before this (0: the newest)
  std::string payment_id;     // cancel_withdrawal
  std::string limit_name;     // set_limit: the limit's name
  int64_t limit_amount = -1;  // set_limit: minor units or minutes; -1 (absent): none
  int64_t days = 0;           // self_exclude: for this long (0: for good)
  int64_t hours = 0;          // cool_off
  std::string grant_id;       // cancel_bonus
  bool forfeit_bonus = false; // withdraw: the player agrees to lose active bonuses
  std::string code;           // claim_bonus
  std::string free_round;     // play: the grant whose free round this is
};

// -- inspect ------------------------------------------------------------------

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ledger_entry& x) {
  return f(caf::meta::type_name("agg.ledger_entry"), x.player_id, x.seq, x.kind, x.source,
           x.tx_id, x.ref_tx_id, x.round_id, x.currency, x.amount, x.balance_after,
           x.created_us, x.bonus, x.prev_hash, x.hash, x.gseq, x.ghash);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, bonus_grant& x) {
  return f(caf::meta::type_name("agg.bonus_grant"), x.grant_id, x.player_id,
           x.campaign_id, x.currency, x.status, x.amount, x.balance, x.wagering_required,
           x.wagered, x.max_stake, x.max_conversion, x.default_weight, x.weights,
           x.expires_us, x.created_us, x.updated_us, x.converted, x.forfeited, x.vendor,
           x.game_id, x.free_rounds, x.free_open, x.free_bet, x.max_win, x.won,
           x.wagering_x100);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, campaign& x) {
  return f(caf::meta::type_name("agg.campaign"), x.campaign_id, x.name, x.kind, x.status,
           x.code, x.currencies, x.countries, x.starts_us, x.ends_us, x.first_deposit,
           x.every_nth, x.min_kyc_level, x.max_grants, x.match_pct, x.amount,
           x.min_deposit, x.cashback_pct, x.period_days, x.pay_cash, x.vendor, x.game_id,
           x.rounds, x.bet, x.max_win, x.vendor_campaign, x.wagering_x100,
           x.wager_deposit, x.default_weight, x.weights, x.max_stake, x.expiry_days,
           x.max_conversion, x.created_us, x.updated_us);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, campaign_figures& x) {
  return f(caf::meta::type_name("agg.campaign_figures"), x.campaign_id, x.grants,
           x.active, x.granted, x.converted, x.forfeited, x.expired, x.wagered);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, campaign_list& x) {
  return f(caf::meta::type_name("agg.campaign_list"), x.campaigns, x.figures);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, claim_result& x) {
  return f(caf::meta::type_name("agg.claim_result"), x.offer, x.granted, x.grant);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, bonus_notice& x) {
  return f(caf::meta::type_name("agg.bonus_notice"), x.player_id, x.kind, x.grant_ids);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, bonus_page& x) {
  return f(caf::meta::type_name("agg.bonus_page"), x.player_id, x.grants, x.campaigns);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, device_info& x) {
  return f(caf::meta::type_name("agg.device_info"), x.id, x.user_agent, x.platform,
           x.screen, x.timezone, x.language);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, activity_record& x) {
  return f(caf::meta::type_name("agg.activity_record"), x.kind, x.player_id, x.created_us,
           x.address, x.device, x.detail, x.hash, x.gseq, x.ghash);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, feed_event& x) {
  return f(caf::meta::type_name("agg.feed_event"), x.is_money, x.money, x.activity);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, event_batch& x) {
  return f(caf::meta::type_name("agg.event_batch"), x.events, x.committed_us);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, round_record& x) {
  return f(caf::meta::type_name("agg.round_record"), x.source, x.round_id, x.player_id,
           x.currency, x.bet_count, x.open_bet_count, x.rolled_back_count, x.bet_total,
           x.win_total, x.refund_total, x.credited, x.closed, x.opened_us, x.updated_us,
           x.game_id, x.detail);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, movement_totals& x) {
  return f(caf::meta::type_name("agg.movement_totals"), x.count, x.amount);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, vendor_day_totals& x) {
  return f(caf::meta::type_name("agg.vendor_day_totals"), x.currency, x.bets, x.wins,
           x.rollbacks);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, reconciliation_report& x) {
  return f(caf::meta::type_name("agg.reconciliation_report"), x.totals, x.open_rounds);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, rollback_mark& x) {
  return f(caf::meta::type_name("agg.rollback_mark"), x.source, x.tx_id, x.player_id);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, currency_balance& x) {
  return f(caf::meta::type_name("agg.currency_balance"), x.currency, x.balance, x.bonus);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, wallet_snapshot& x) {
  return f(caf::meta::type_name("agg.wallet_snapshot"), x.player_id, x.last_seq,
           x.last_hash, x.balances, x.account_status, x.limits, x.totals, x.grants);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, limit_value& x) {
  return f(caf::meta::type_name("agg.limit_value"), x.amount, x.pending,
           x.pending_from_us);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, limit_change& x) {
  return f(caf::meta::type_name("agg.limit_change"), x.player_id, x.kind, x.amount, x.by);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, limits_view& x) {
  return f(caf::meta::type_name("agg.limits_view"), x.player_id, x.currency, x.values);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, play_limits& x) {
  return f(caf::meta::type_name("agg.play_limits"), x.currency, x.wager, x.loss);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, play_totals& x) {
  return f(caf::meta::type_name("agg.play_totals"), x.start_us, x.wagered, x.lost);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ledger_write& x) {
  return f(caf::meta::type_name("agg.ledger_write"), x.entry, x.mark_rollback,
           x.has_round, x.round, x.grants);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, wallet_request& x) {
  return f(caf::meta::type_name("agg.wallet_request"), x.player_id, x.op, x.source,
           x.tx_id, x.ref_tx_id, x.round_id, x.currency, x.amount, x.close_round,
           x.game_id, x.round_detail, x.grant, x.grant_id);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, wallet_receipt& x) {
  return f(caf::meta::type_name("agg.wallet_receipt"), x.player_id, x.op, x.currency,
           x.amount, x.balance, x.seq, x.created_us, x.replayed, x.bonus_amount,
           x.bonus_balance);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, tx_key& x) {
  return f(caf::meta::type_name("agg.tx_key"), x.source, x.id);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, lookup_request& x) {
  return f(caf::meta::type_name("agg.lookup_request"), x.player_id, x.entries, x.marks,
           x.rounds);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, lookup_result& x) {
  return f(caf::meta::type_name("agg.lookup_result"), x.entries, x.marks, x.rounds);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, append_request& x) {
  return f(caf::meta::type_name("agg.append_request"), x.player_id, x.epoch, x.writes);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, commit_result& x) {
  return f(caf::meta::type_name("agg.commit_result"), x.player_id, x.epoch,
           x.committed_seq, x.failed_seq, x.failure);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, history_page& x) {
  return f(caf::meta::type_name("agg.history_page"), x.entries);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, register_request& x) {
  return f(caf::meta::type_name("agg.register_request"), x.username, x.password, x.email,
           x.currency, x.open_session, x.address, x.device, x.country);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, login_request& x) {
  return f(caf::meta::type_name("agg.login_request"), x.username, x.password, x.address,
           x.device);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, login_grant& x) {
  return f(caf::meta::type_name("agg.login_grant"), x.player_id, x.username, x.currency,
           x.status, x.session_id, x.token, x.expires_us, x.failed_logins,
           x.last_failed_login_us);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, account_view& x) {
  return f(caf::meta::type_name("agg.account_view"), x.player_id, x.username, x.email,
           x.currency, x.status, x.created_us, x.updated_us, x.kyc_status, x.kyc_level,
           x.kyc_reason, x.kyc_updated_us, x.country);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, kyc_change& x) {
  return f(caf::meta::type_name("agg.kyc_change"), x.player_id, x.status, x.level,
           x.reason, x.by);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, withdrawal_review& x) {
  return f(caf::meta::type_name("agg.withdrawal_review"), x.payment_id, x.approve,
           x.reason, x.reviewer);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, gate_decision& x) {
  return f(caf::meta::type_name("agg.gate_decision"), x.allow, x.reason, x.hold);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, audit_record& x) {
  return f(caf::meta::type_name("agg.audit_record"), x.at_us, x.actor, x.role, x.action,
           x.target, x.request_id, x.detail);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, audit_page& x) {
  return f(caf::meta::type_name("agg.audit_page"), x.entries);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, balance_push& x) {
  return f(caf::meta::type_name("agg.balance_push"), x.player_id, x.currency, x.balance,
           x.seq, x.op, x.amount);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, play_request& x) {
  return f(caf::meta::type_name("agg.play_request"), x.player_id, x.vendor, x.game_id,
           x.currency, x.stake, x.params_json, x.origin, x.free_round);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, round_result& x) {
  return f(caf::meta::type_name("agg.round_result"), x.vendor, x.round_id, x.game_id,
           x.player_id, x.currency, x.stake, x.win, x.balance, x.detail_json,
           x.server_seed_hash, x.client_seed, x.nonce, x.created_us, x.origin);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, outcome_reply& x) {
  return f(caf::meta::type_name("agg.outcome_reply"), x.win, x.detail_json,
           x.provably_fair, x.server_seed_hash, x.client_seed, x.nonce);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, catalog_game& x) {
  return f(caf::meta::type_name("agg.catalog_game"), x.vendor, x.game_id, x.name,
           x.category, x.rtp_ppm, x.stake_min, x.stake_max, x.stake_step, x.currencies,
           x.available, x.launched);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, game_catalog& x) {
  return f(caf::meta::type_name("agg.game_catalog"), x.games);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, vendor_status& x) {
  return f(caf::meta::type_name("agg.vendor_status"), x.vendor, x.available,
           x.retry_at_us);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, seed_view& x) {
  return f(caf::meta::type_name("agg.seed_view"), x.vendor, x.server_seed_hash,
           x.client_seed, x.next_nonce);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, seed_reveal& x) {
  return f(caf::meta::type_name("agg.seed_reveal"), x.vendor, x.server_seed,
           x.server_seed_hash, x.client_seed, x.last_nonce, x.next);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, verify_request& x) {
  return f(caf::meta::type_name("agg.verify_request"), x.vendor, x.game_id, x.params_json,
           x.stake, x.server_seed, x.client_seed, x.nonce);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, round_page& x) {
  return f(caf::meta::type_name("agg.round_page"), x.rounds);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, launch_request& x) {
  return f(caf::meta::type_name("agg.launch_request"), x.player_id, x.vendor, x.game_id,
           x.currency, x.lang, x.country, x.lobby_url);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, launch_reply& x) {
  return f(caf::meta::type_name("agg.launch_reply"), x.vendor, x.game_id, x.url, x.token);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, vendor_session& x) {
  return f(caf::meta::type_name("agg.vendor_session"), x.token, x.vendor, x.player_id,
           x.game_code, x.currency, x.created_us, x.expires_us, x.superseded);
}

} // namespace agg

namespace agg::vendors {

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, free_rounds_award& x) {
  return f(caf::meta::type_name("agg.free_rounds_award"), x.player_id, x.reward_id,
           x.game_id, x.currency, x.rounds, x.bet, x.vendor_campaign, x.expires_us);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, seamless_call& x) {
  return f(caf::meta::type_name("agg.seamless_call"), x.op, x.request_id, x.token, x.user,
           x.game_code, x.currency, x.tx_id, x.ref_tx_id, x.round_id, x.amount,
           x.round_closed, x.is_free, x.reward_id, x.campaign_id);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, seamless_result& x) {
  return f(caf::meta::type_name("agg.seamless_result"), x.status, x.currency, x.balance,
           x.token, x.user);
}

} // namespace agg::vendors

namespace agg {

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, client_request& x) {
  return f(caf::meta::type_name("agg.client_request"), x.op, x.id, x.username, x.password,
           x.email, x.currency, x.token, x.before_seq, x.limit, x.vendor, x.game_id,
           x.stake, x.params_json, x.client_seed, x.server_seed, x.nonce, x.lang,
           x.country, x.lobby_url, x.device, x.amount, x.provider, x.instrument,
           x.before_us);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, payment_view& x) {
  return f(caf::meta::type_name("agg.payment_view"), x.payment_id, x.kind, x.status,
           x.player_id, x.provider, x.provider_tx_id, x.currency, x.amount, x.instrument,
           x.fingerprint, x.reason, x.created_us, x.updated_us, x.expires_us,
           x.reservation, x.reviewer);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, payment_page& x) {
  return f(caf::meta::type_name("agg.payment_page"), x.payments, x.next_before_us,
           x.reserved);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, payment_request& x) {
  return f(caf::meta::type_name("agg.payment_request"), x.player_id, x.currency, x.amount,
           x.provider, x.instrument, x.address);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, payment_callback_in& x) {
  return f(caf::meta::type_name("agg.payment_callback_in"), x.provider, x.header_names,
           x.header_values, x.body, x.address);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, callback_outcome& x) {
  return f(caf::meta::type_name("agg.callback_outcome"), x.http_status, x.code,
           x.message);
}

} // namespace agg

CAF_BEGIN_TYPE_ID_BLOCK(agg, caf::first_custom_type_id)
CAF_ADD_TYPE_ID(agg, (agg::wallet_request))
CAF_ADD_TYPE_ID(agg, (agg::wallet_receipt))
CAF_ADD_TYPE_ID(agg, (agg::wallet_snapshot))
CAF_ADD_TYPE_ID(agg, (agg::lookup_request))
CAF_ADD_TYPE_ID(agg, (agg::lookup_result))
CAF_ADD_TYPE_ID(agg, (agg::append_request))
CAF_ADD_TYPE_ID(agg, (agg::commit_result))
CAF_ADD_TYPE_ID(agg, (agg::history_page))
CAF_ADD_TYPE_ID(agg, (agg::register_request))
CAF_ADD_TYPE_ID(agg, (agg::login_grant))
CAF_ADD_TYPE_ID(agg, (agg::login_request))
CAF_ADD_TYPE_ID(agg, (agg::account_view))
CAF_ADD_TYPE_ID(agg, (agg::audit_record))
CAF_ADD_TYPE_ID(agg, (agg::audit_page))
CAF_ADD_TYPE_ID(agg, (agg::balance_push))
CAF_ADD_TYPE_ID(agg, (agg::client_request))
CAF_ADD_TYPE_ID(agg, (agg::play_request))
CAF_ADD_TYPE_ID(agg, (agg::round_result))
CAF_ADD_TYPE_ID(agg, (agg::outcome_reply))
CAF_ADD_TYPE_ID(agg, (agg::catalog_game))
CAF_ADD_TYPE_ID(agg, (agg::game_catalog))
CAF_ADD_TYPE_ID(agg, (agg::vendor_status))
CAF_ADD_TYPE_ID(agg, (agg::seed_view))
CAF_ADD_TYPE_ID(agg, (agg::seed_reveal))
CAF_ADD_TYPE_ID(agg, (agg::verify_request))
CAF_ADD_TYPE_ID(agg, (agg::round_page))
CAF_ADD_TYPE_ID(agg, (agg::device_info))
CAF_ADD_TYPE_ID(agg, (agg::activity_record))
CAF_ADD_TYPE_ID(agg, (agg::feed_event))
CAF_ADD_TYPE_ID(agg, (agg::event_batch))
CAF_ADD_TYPE_ID(agg, (agg::movement_totals))
CAF_ADD_TYPE_ID(agg, (agg::vendor_day_totals))
CAF_ADD_TYPE_ID(agg, (agg::reconciliation_report))
CAF_ADD_TYPE_ID(agg, (agg::launch_request))
CAF_ADD_TYPE_ID(agg, (agg::launch_reply))
CAF_ADD_TYPE_ID(agg, (agg::vendor_session))
CAF_ADD_TYPE_ID(agg, (agg::vendors::seamless_call))
CAF_ADD_TYPE_ID(agg, (agg::vendors::seamless_result))
CAF_ADD_TYPE_ID(agg, (agg::vendors::free_rounds_award))
CAF_ADD_TYPE_ID(agg, (agg::payment_view))
CAF_ADD_TYPE_ID(agg, (agg::payment_page))
CAF_ADD_TYPE_ID(agg, (agg::bonus_page))
CAF_ADD_TYPE_ID(agg, (agg::payment_request))
CAF_ADD_TYPE_ID(agg, (agg::payment_callback_in))
CAF_ADD_TYPE_ID(agg, (agg::kyc_change))
CAF_ADD_TYPE_ID(agg, (agg::withdrawal_review))
CAF_ADD_TYPE_ID(agg, (agg::gate_decision))
CAF_ADD_TYPE_ID(agg, (agg::play_limits))
CAF_ADD_TYPE_ID(agg, (agg::limit_change))
CAF_ADD_TYPE_ID(agg, (agg::limits_view))
CAF_ADD_TYPE_ID(agg, (std::vector<agg::limit_value>))
CAF_ADD_TYPE_ID(agg, (agg::callback_outcome))
CAF_ADD_TYPE_ID(agg, (agg::bonus_grant))
CAF_ADD_TYPE_ID(agg, (std::vector<agg::bonus_grant>))
CAF_ADD_TYPE_ID(agg, (agg::campaign))
CAF_ADD_TYPE_ID(agg, (agg::campaign_figures))
CAF_ADD_TYPE_ID(agg, (agg::campaign_list))
CAF_ADD_TYPE_ID(agg, (agg::claim_result))
CAF_ADD_TYPE_ID(agg, (agg::bonus_notice))
CAF_ADD_ATOM(agg, agg, wallet_atom, "wallet")
CAF_ADD_ATOM(agg, agg, load_atom, "load")
CAF_ADD_ATOM(agg, agg, lookup_atom, "lookup")
CAF_ADD_ATOM(agg, agg, append_atom, "append")
CAF_ADD_ATOM(agg, agg, committed_atom, "committed")
CAF_ADD_ATOM(agg, agg, history_atom, "history")
CAF_ADD_ATOM(agg, agg, timeline_atom, "timeline")
CAF_ADD_ATOM(agg, agg, bonuses_atom, "bonuses")
CAF_ADD_ATOM(agg, agg, grant_atom, "grant")
CAF_ADD_ATOM(agg, agg, forfeit_atom, "forfeit")
CAF_ADD_ATOM(agg, agg, idle_atom, "idle")
CAF_ADD_ATOM(agg, agg, stop_atom, "stop")
CAF_ADD_ATOM(agg, agg, drain_atom, "drain")
CAF_ADD_ATOM(agg, agg, tick_atom, "tick")
CAF_ADD_ATOM(agg, agg, restart_atom, "restart")
CAF_ADD_ATOM(agg, agg, stats_atom, "stats")
CAF_ADD_ATOM(agg, agg, register_atom, "register")
CAF_ADD_ATOM(agg, agg, login_atom, "login")
CAF_ADD_ATOM(agg, agg, logout_atom, "logout")
CAF_ADD_ATOM(agg, agg, account_atom, "account")
CAF_ADD_ATOM(agg, agg, status_atom, "status")
CAF_ADD_ATOM(agg, agg, audit_atom, "audit")
CAF_ADD_ATOM(agg, agg, join_atom, "join")
CAF_ADD_ATOM(agg, agg, leave_atom, "leave")
CAF_ADD_ATOM(agg, agg, push_atom, "push")
CAF_ADD_ATOM(agg, agg, disconnect_atom, "disconnect")
CAF_ADD_ATOM(agg, agg, watch_atom, "watch")
CAF_ADD_ATOM(agg, agg, play_atom, "play")
CAF_ADD_ATOM(agg, agg, games_atom, "games")
CAF_ADD_ATOM(agg, agg, seeds_atom, "seeds")
CAF_ADD_ATOM(agg, agg, rotate_atom, "rotate")
CAF_ADD_ATOM(agg, agg, verify_atom, "verify")
CAF_ADD_ATOM(agg, agg, unsettled_atom, "unsettled")
CAF_ADD_ATOM(agg, agg, broadcast_atom, "broadcast")
CAF_ADD_ATOM(agg, agg, sweep_atom, "sweep")
CAF_ADD_ATOM(agg, agg, rounds_atom, "rounds")
CAF_ADD_ATOM(agg, agg, refresh_atom, "refresh")
CAF_ADD_ATOM(agg, agg, launch_atom, "launch")
CAF_ADD_ATOM(agg, agg, seamless_atom, "seamless")
CAF_ADD_ATOM(agg, agg, details_atom, "details")
CAF_ADD_ATOM(agg, agg, report_atom, "report")
CAF_ADD_ATOM(agg, agg, resolve_atom, "resolve")
CAF_ADD_ATOM(agg, agg, checkpoint_atom, "checkpoint")
CAF_ADD_ATOM(agg, agg, health_atom, "health")
CAF_ADD_ATOM(agg, agg, probe_atom, "probe")
CAF_ADD_ATOM(agg, agg, reconcile_atom, "reconcile")
CAF_ADD_ATOM(agg, agg, activity_atom, "activity")
CAF_ADD_ATOM(agg, agg, publish_atom, "publish")
CAF_ADD_ATOM(agg, agg, subscribe_atom, "subscribe")
CAF_ADD_ATOM(agg, agg, ack_atom, "ack")
CAF_ADD_ATOM(agg, agg, events_atom, "events")
CAF_ADD_ATOM(agg, agg, cursor_atom, "cursor")
CAF_ADD_ATOM(agg, agg, head_atom, "head")
CAF_ADD_ATOM(agg, agg, delivered_atom, "delivered")
CAF_ADD_ATOM(agg, agg, deposit_atom, "deposit")
CAF_ADD_ATOM(agg, agg, payments_atom, "payments")
CAF_ADD_ATOM(agg, agg, callback_atom, "callback")
CAF_ADD_ATOM(agg, agg, submit_atom, "submit")
CAF_ADD_ATOM(agg, agg, withdraw_atom, "withdraw")
CAF_ADD_ATOM(agg, agg, cancel_atom, "cancel")
CAF_ADD_ATOM(agg, agg, review_atom, "review")
CAF_ADD_ATOM(agg, agg, withdrawals_atom, "withdrawal")
CAF_ADD_ATOM(agg, agg, gate_atom, "gate")
CAF_ADD_ATOM(agg, agg, risk_atom, "risk")
CAF_ADD_ATOM(agg, agg, campaign_atom, "campaign")
CAF_ADD_ATOM(agg, agg, claim_atom, "claim")
CAF_ADD_ATOM(agg, agg, kyc_atom, "kyc")
CAF_ADD_ATOM(agg, agg, limits_atom, "limits")
CAF_END_TYPE_ID_BLOCK(agg)
