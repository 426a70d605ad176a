#pragma once

// How the server answers a seamless-wallet studio's call once its game session is
// known: which token and game checks apply to which call, which wallet operation it
// becomes, and which status each wallet outcome maps to. Plain functions, so the rules
// can be tested without a studio.

#include "actors/core/messages.hpp"
#include "actors/core/wallet_errc.hpp"

#include <map>
#include <optional>

namespace agg {

// The session checks of a call: nothing when they pass, else the status to answer.
// Bets need a live session; wins and rollbacks are accepted on an expired or
// superseded one (money coming in is never refused for that), balance and check need
// it live too.
std::optional<vendors::seamless_status>
check_session(const vendors::seamless_call& call, const vendor_session& session,
              const std::string& vendor, int64_t now_us,
              const std::map<std::string, int64_t>& stake_max);

// The wallet request a bet, win, rollback or balance call becomes.
wallet_request wallet_request_of(const vendors::seamless_call& call,
                                 const vendor_session& session,
                                 const std::string& vendor);

// The status for a wallet outcome.
vendors::seamless_status status_of(wallet_errc e);

} // namespace agg
