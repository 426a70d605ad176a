#pragma once

// A blocking request from a listener thread to an actor: the reply or the error
// (wallet_errc::unavailable when the actor is missing or does not answer in time).

#include "actors/core/wallet_errc.hpp"

#include <caf/all.hpp>

#include <chrono>
#include <variant>

namespace agg::gateway {

template <class R, class Handle, class... Ts>
std::variant<R, caf::error> ask(caf::actor_system& sys, std::chrono::milliseconds timeout,
                                const Handle& h, Ts&&... xs) {
  if (!h) return make_error(wallet_errc::unavailable);
  caf::scoped_actor self{sys};
  std::variant<R, caf::error> out = make_error(wallet_errc::unavailable);
  self->request(h, timeout, std::forward<Ts>(xs)...)
      .receive([&](R& r) { out = std::move(r); },
               [&](caf::error& e) { out = std::move(e); });
  return out;
}

} // namespace agg::gateway
