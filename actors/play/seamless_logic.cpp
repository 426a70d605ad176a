#include "actors/play/seamless_logic.hpp"

#include "persistence/bonus_parts.hpp"

namespace agg {

using vendors::seamless_op;
using vendors::seamless_status;

std::optional<seamless_status>
check_session(const vendors::seamless_call& c, const vendor_session& s,
              const std::string& vendor, int64_t now_us,
              const std::map<std::string, int64_t>& stake_max) {
  if (s.player_id == 0 || s.vendor != vendor) return seamless_status::invalid_token;
  if (!c.user.empty() && c.user != std::to_string(s.player_id))
    return seamless_status::invalid_token;
  bool live = !s.superseded && now_us < s.expires_us;
  auto op = static_cast<seamless_op>(c.op);
  switch (op) {
    case seamless_op::check:
    case seamless_op::balance:
      if (!live) return seamless_status::invalid_token;
      break;
    case seamless_op::bet:
      if (!live) return seamless_status::token_expired;
      break;
    default:
      break; // money coming in: an old token still names the player
  }
  if (op != seamless_op::check && !c.game_code.empty() && c.game_code != s.game_code)
    return seamless_status::invalid_game;
  if ((op == seamless_op::bet || op == seamless_op::win) && c.currency != s.currency)
    return seamless_status::wrong_currency;
  if (op == seamless_op::bet) {
    if (auto i = stake_max.find(s.currency); i != stake_max.end() && c.amount > i->second)
      return seamless_status::bet_limit_exceeded;
  }
  return std::nullopt;
}

wallet_request wallet_request_of(const vendors::seamless_call& c, const vendor_session& s,
                                 const std::string& vendor) {
  wallet_request w;
  w.player_id = s.player_id;
  w.source = vendor;
  w.tx_id = c.tx_id;
  w.round_id = c.round_id;
  w.currency = s.currency;
  switch (static_cast<seamless_op>(c.op)) {
    case seamless_op::bet:
      w.op = static_cast<uint8_t>(wallet_op::debit);
      // A promotional bet is funded by the studio: the round is kept, nothing charged.
      // One of the rewards we gave (its id one of our grant ids) is a free round of
      // that grant: its bet value goes to the wallet, which checks it.
      if (c.is_free && is_generated_grant_id(c.reward_id)) {
        w.grant_id = c.reward_id;
        w.amount = c.amount;
      } else {
        w.amount = c.is_free ? 0 : c.amount;
      }
      w.close_round = c.round_closed;
      w.game_id = c.game_code;
      break;
    case seamless_op::win:
      w.op = static_cast<uint8_t>(wallet_op::credit);
      w.ref_tx_id = c.ref_tx_id;
      w.amount = c.amount;
      w.close_round = c.round_closed;
      break;
    case seamless_op::rollback:
      w.op = static_cast<uint8_t>(wallet_op::rollback);
      w.ref_tx_id = c.ref_tx_id;
      break;
    default:
      w.op = static_cast<uint8_t>(wallet_op::balance);
      w.source.clear();
      w.tx_id.clear();
      w.round_id.clear();
      break;
  }
  return w;
}

seamless_status status_of(wallet_errc e) {
  switch (e) {
    case wallet_errc::none:
      return seamless_status::ok;
    case wallet_errc::insufficient_funds:
      return seamless_status::not_enough_money;
    case wallet_errc::duplicate_transaction:
      return seamless_status::duplicate_transaction;
    case wallet_errc::transaction_rolled_back:
      return seamless_status::transaction_rolled_back;
    case wallet_errc::transaction_not_found:
    case wallet_errc::not_rollbackable:
    // A rollback of a bet whose round was paid: there is nothing left to roll back,
    // and a final status stops the studio retrying forever (see the adapter's docs).
    case wallet_errc::round_settled:
      return seamless_status::transaction_not_found;
    case wallet_errc::wager_limit_reached:
    case wallet_errc::loss_limit_reached:
    case wallet_errc::bonus_stake_too_high:
    // A free bet on a grant that has no round left or other terms.
    case wallet_errc::no_free_rounds:
    case wallet_errc::free_round_mismatch:
    case wallet_errc::bonus_not_found:
    case wallet_errc::bonus_not_active:
      return seamless_status::bet_limit_exceeded; // the player's own limits, a bonus's
    case wallet_errc::account_blocked:
      return seamless_status::user_disabled;
    case wallet_errc::invalid_amount:
    case wallet_errc::invalid_request:
      return seamless_status::wrong_types;
    default:
      // Unavailable, storage errors, round conflicts: a bet is then rolled back by
      // the studio, a win retried.
      return seamless_status::unknown;
  }
}

} // namespace agg
