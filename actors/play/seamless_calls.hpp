#pragma once

// A seamless-wallet studio's side of a vendor connection: game launches (a session
// token per launch, stored before the URL is answered) and the studio's calls to our
// wallet (check, balance, bet, win, rollback), each checked against its game session
// (seamless_logic.hpp) and applied as a wallet request. A bet answered too late, or
// whose outcome is unknown, is rolled back here, since the studio takes it as void.

#include "actors/play/connection_state.hpp"

namespace agg {

class seamless_calls {
public:
  explicit seamless_calls(connection_pointer self) : self_(self), st_(self->state) {}

  caf::result<launch_reply> launch(launch_request& r);
  caf::result<vendors::seamless_result> wallet_call(vendors::seamless_call& c);

  // The token a check of `token` hands out: derived, so that a retried check (its
  // first answer lost) is answered the same token. Tokens are worth nothing without
  // the studio's signature on the calls that present them.
  static std::string checked_token(const std::string& token);

private:
  using promise_type = caf::typed_response_promise<vendors::seamless_result>;

  template <class Found>
  void with_session(const std::string& token, promise_type promise, Found found);
  static void remember(connection_state& st, const vendor_session& s);
  void apply_call(vendors::seamless_call c, const vendor_session& s, promise_type promise,
                  int64_t started_us);
  void check(const vendor_session& s, promise_type promise, std::string user);
  void void_bet(const wallet_request& bet, const std::string& why);
  void check_again(const vendor_session& old, promise_type promise);

  connection_pointer self_;
  connection_state& st_;
};

} // namespace agg
