#include "actors/play/round_steps.hpp"

#include "actors/core/wallet_errc.hpp"
#include "actors/play/adapter_workers.hpp"
#include "common/clock.hpp"
#include "common/log.hpp"

namespace agg {

namespace {

caf::error invalid_params_error(const std::string& why) {
  return caf::error{static_cast<uint8_t>(vendor_errc::invalid_params),
                    vendor_error_category(), caf::make_message(why)};
}

// A studio's failure to play, as the circuit breaker counts it: anything but its
// refusal of the round's parameters.
bool is_vendor_fault(const caf::error& err) {
  return err.category() != vendor_error_category() ||
         err.code() != static_cast<uint8_t>(vendor_errc::invalid_params);
}

} // namespace

caf::result<round_result> round_steps::play(play_request& req) {
  // A seamless studio's rounds are played in its own game client after a launch;
  // refused before any stake is taken.
  if (st_.adapter->seamless()) return make_error(vendor_errc::invalid_params);
  auto game = st_.find_game(req.game_id);
  if (game == nullptr) return make_error(vendor_errc::unknown_game);
  if (auto err = check(*game, req)) return err;
  try {
    st_.adapter->check(
        {req.player_id, req.game_id, req.currency, req.stake, req.params_json, ""});
  } catch (const vendors::invalid_params& e) {
    return invalid_params_error(e.what());
  } catch (const std::exception& e) {
    log::warn("vendor", "check failed", {{"vendor", st_.opts.id}, {"error", e.what()}});
    return make_error(vendor_errc::vendor_error);
  }
  auto id = st_.rounds->open(std::move(req), std::chrono::steady_clock::now());
  if (!id) return make_error(vendor_errc::vendor_busy);
  if (!st_.breaker->allow()) {
    st_.rounds->close(*id);
    return make_error(vendor_errc::vendor_unavailable);
  }
  auto promise = self_->make_response_promise<round_result>();
  st_.waiting.emplace(*id, promise);
  bet(*id);
  return promise;
}

caf::error round_steps::check(const vendors::game_info& g, const play_request& r) const {
  if (!g.currencies.empty() && std::find(g.currencies.begin(), g.currencies.end(),
                                         r.currency) == g.currencies.end())
    return make_error(vendor_errc::currency_not_supported);
  auto max = g.stake_max;
  if (auto i = st_.opts.stake_max_by_currency.find(r.currency);
      i != st_.opts.stake_max_by_currency.end())
    max = std::min(max, i->second);
  if (r.stake < g.stake_min || r.stake > max || g.stake_step <= 0 ||
      r.stake % g.stake_step != 0)
    return make_error(vendor_errc::invalid_stake);
  return {};
}

void round_steps::bet(const std::string& round_id) {
  if (play_ahead(round_id)) return;
  ask_wallet(
      self_, st_.rounds->bet(round_id),
      [self = self_, round_id](wallet_receipt&) { round_steps{self}.outcome(round_id); },
      [self = self_, round_id](caf::error& err) {
        round_steps s{self};
        // The vendor was never asked: this round says nothing about it.
        self->state.breaker->abandon();
        // A bet whose outcome is unknown may or may not have happened: it is refunded
        // (a refund of a bet never seen leaves a tombstone, so a late bet is refused).
        if (is_retryable(wallet_error_of(err))) return s.fail_round(round_id, err);
        s.answer(round_id, err);
        self->state.rounds->close(round_id);
      });
}

// The outcome of a studio that answers at once (no I/O) is known before the bet: the
// win follows the bet to the wallet without waiting for its answer. The wallet applies
// the win only on top of the bet (the win refers to it), the writer makes both durable
// (mostly in one commit), and the player hears once the win is. A bet the wallet
// refuses takes the win with it: nothing moves, and the outcome is never shown.
bool round_steps::play_ahead(const std::string& round_id) {
  caf::error err;
  auto fast = play_now(round_id, err);
  if (err) {
    // Nothing was taken yet: the round ends here.
    if (is_vendor_fault(err))
      breaker_result(false);
    else
      st_.breaker->abandon();
    answer(round_id, err);
    st_.rounds->close(round_id);
    return true;
  }
  if (!fast) return false;
  breaker_result(true);
  st_.rounds->outcome_known(round_id, reply_of(*fast));
  st_.rounds->find(round_id)->win_ahead = true;
  ask_wallet(
      self_, st_.rounds->bet(round_id),
      [self = self_, round_id](wallet_receipt&) {
        if (auto* r = self->state.rounds->find(round_id)) r->bet_confirmed = true;
      },
      [self = self_, round_id](caf::error& err) {
        round_steps{self}.bet_ahead_failed(round_id, err);
      });
  win(round_id);
  return true;
}

void round_steps::bet_ahead_failed(const std::string& round_id, const caf::error& err) {
  auto* r = st_.rounds->find(round_id);
  if (r == nullptr || !r->paying) return; // already settled or being refunded
  // The bet may or may not have been written: the win's answer tells.
  if (is_retryable(wallet_error_of(err))) {
    r->bet_error = err;
    return;
  }
  // Refused: nothing was taken, and the win behind it is refused as well.
  answer(round_id, err);
  st_.rounds->close(round_id);
}

std::optional<vendors::round_outcome> round_steps::play_now(const std::string& round_id,
                                                            caf::error& err) {
  const auto& req = st_.rounds->find(round_id)->req;
  try {
    return st_.adapter->play_now(
        {req.player_id, req.game_id, req.currency, req.stake, req.params_json, round_id});
  } catch (const vendors::invalid_params& e) {
    err = invalid_params_error(e.what());
  } catch (const std::exception& e) {
    log::warn("vendor", "play failed", {{"vendor", st_.opts.id}, {"error", e.what()}});
    err = make_error(vendor_errc::vendor_error);
  }
  return std::nullopt;
}

void round_steps::outcome(const std::string& round_id) {
  // A studio that can answer at once (no I/O) does so here; otherwise a worker does.
  caf::error err;
  auto fast = play_now(round_id, err);
  if (err) return outcome_failed(round_id, err);
  if (fast) return outcome_known(round_id, reply_of(*fast));
  self_
      ->request(st_.workers, st_.opts.round_timeout, play_atom_v,
                st_.rounds->find(round_id)->req, round_id)
      .then(
          [self = self_, round_id](outcome_reply& o) {
            round_steps{self}.outcome_known(round_id, std::move(o));
          },
          [self = self_, round_id](caf::error& err) {
            round_steps{self}.outcome_failed(round_id, err);
          });
}

void round_steps::outcome_known(const std::string& round_id, outcome_reply o) {
  breaker_result(true);
  st_.rounds->outcome_known(round_id, std::move(o));
  win(round_id);
}

void round_steps::outcome_failed(const std::string& round_id, const caf::error& err) {
  bool vendor_fault = is_vendor_fault(err);
  if (vendor_fault)
    breaker_result(false);
  else
    st_.breaker->abandon();
  if (vendor_fault && st_.adapter->resolvable()) return resolve(round_id);
  fail_round(round_id, vendor_fault ? make_error(vendor_errc::vendor_error) : err);
}

// The outcome is unknown: the player hears at once, and the round is settled by what
// the studio says it did (paid, with a push of the result), else refunded.
void round_steps::resolve(const std::string& round_id) {
  st_.rounds->outcome_unknown(round_id);
  answer(round_id, make_error(vendor_errc::vendor_error));
  const auto& req = st_.rounds->find(round_id)->req;
  self_->request(st_.workers, st_.opts.round_timeout, resolve_atom_v, req, round_id)
      .then(
          [self = self_, round_id](bool played, outcome_reply& o) {
            round_steps s{self};
            if (!played) return s.refund(round_id);
            auto& rounds = *self->state.rounds;
            rounds.outcome_known(round_id, std::move(o));
            rounds.find(round_id)->req.origin = 0; // the requester heard vendor_error
            s.win(round_id);
          },
          [self = self_, round_id](caf::error&) { round_steps{self}.refund(round_id); });
}

void round_steps::win(const std::string& round_id) {
  ask_wallet(
      self_, st_.rounds->win(round_id),
      [self = self_, round_id](wallet_receipt& rc) {
        if (self->state.rounds->contains(round_id)) round_steps{self}.paid(round_id, rc);
      },
      [self = self_, round_id](caf::error& err) {
        round_steps{self}.win_failed(round_id, err);
      });
}

void round_steps::win_failed(const std::string& round_id, const caf::error& err) {
  auto* r = st_.rounds->find(round_id);
  if (r == nullptr) return; // its bet was refused: answered and closed
  // A win sent ahead of its bet finds no bet when the bet was not written: the round
  // ends as a failed bet does (answered, and rolled back to leave a tombstone).
  if (r->win_ahead && !r->bet_confirmed &&
      wallet_error_of(err) == wallet_errc::transaction_not_found)
    return fail_round(round_id, r->bet_error ? *r->bet_error
                                             : make_error(wallet_errc::storage_error));
  settle_failed(round_id, err);
}

void round_steps::paid(const std::string& round_id, const wallet_receipt& rc) {
  auto r = st_.rounds->result(round_id, rc);
  if (auto presence = st_.deps.presence()) caf::anon_send(presence, push_atom_v, r);
  if (auto& m = st_.deps.stats)
    m->round_latency.observe(
        std::chrono::duration_cast<std::chrono::microseconds>(
            std::chrono::steady_clock::now() - st_.rounds->find(round_id)->started)
            .count());
  if (auto i = st_.waiting.find(round_id); i != st_.waiting.end()) {
    if (i->second.pending()) i->second.deliver(std::move(r));
    st_.waiting.erase(i);
  }
  st_.rounds->close(round_id);
}

// After the bet the round cannot fail silently: the stake is refunded.
void round_steps::fail_round(const std::string& round_id, const caf::error& reason) {
  st_.rounds->outcome_unknown(round_id);
  answer(round_id, reason);
  refund(round_id);
}

void round_steps::refund(const std::string& round_id) {
  ask_wallet(
      self_, st_.rounds->refund(round_id),
      [self = self_, round_id](wallet_receipt&) { self->state.rounds->close(round_id); },
      [self = self_, round_id](caf::error& err) {
        round_steps{self}.settle_failed(round_id, err);
      });
}

// A win or refund that failed: retried with backoff while retryable, up to
// settle_attempts_max; then the round is left to the sweep.
void round_steps::settle_failed(const std::string& round_id, const caf::error& err) {
  if (auto delay =
          st_.rounds->retry_after_failure(round_id, is_retryable(wallet_error_of(err)))) {
    self_->delayed_send(self_, *delay, tick_atom_v, round_id);
    return;
  }
  log::error("vendor", "round left unsettled",
             {{"vendor", st_.opts.id},
              {"round", round_id},
              {"error", self_->system().render(err)}});
  answer(round_id, make_error(vendor_errc::round_unsettled));
  st_.rounds->close(round_id);
}

void round_steps::retry(const std::string& round_id) {
  auto* r = st_.rounds->find(round_id);
  if (r == nullptr) return;
  if (r->paying)
    win(round_id);
  else
    refund(round_id);
}

// Answers the round's player with an error, if it is still waiting.
void round_steps::answer(const std::string& round_id, caf::error err) {
  auto i = st_.waiting.find(round_id);
  if (i == st_.waiting.end()) return;
  if (i->second.pending()) i->second.deliver(std::move(err));
  st_.waiting.erase(i);
}

void round_steps::sweep(int64_t cutoff_us) {
  constexpr int64_t batch = 200;
  self_
      ->request(st_.deps.wallets(), st_.deps.request_timeout, unsettled_atom_v,
                st_.opts.id, cutoff_us, batch)
      .then(
          [self = self_](round_page& page) {
            round_steps s{self};
            for (auto& r : page.rounds)
              if (self->state.rounds->begin_settling(r.round_id)) s.settle_stale(r);
          },
          [self = self_, cutoff_us](caf::error&) {
            // The wallets may not be up yet (at start they come up alongside): again.
            self->delayed_send(self, std::chrono::milliseconds{200}, sweep_atom_v,
                               cutoff_us, false);
          });
}

// A round left open by an earlier run (or a failed settlement): paid if the studio can
// show it played it, else refunded.
void round_steps::settle_stale(const round_record& r) {
  if (!st_.adapter->resolvable())
    return settle_stale_with(st_.rounds->stale_refund(r), "refund");
  play_request req{r.player_id, st_.opts.id, r.game_id, r.currency,
                   r.bet_total, "",          0,         {}};
  self_->request(st_.workers, st_.opts.round_timeout, resolve_atom_v, req, r.round_id)
      .then(
          [self = self_, r](bool played, outcome_reply& o) {
            round_steps s{self};
            auto& rounds = *self->state.rounds;
            if (played)
              s.settle_stale_with(rounds.stale_win(r, o), "pay");
            else
              s.settle_stale_with(rounds.stale_refund(r), "refund");
          },
          [self = self_, r](caf::error&) {
            round_steps{self}.settle_stale_with(self->state.rounds->stale_refund(r),
                                                "refund");
          });
}

void round_steps::settle_stale_with(wallet_request w, const char* what) {
  auto id = w.round_id;
  ask_wallet(
      self_, std::move(w),
      [self = self_, id](wallet_receipt&) { self->state.rounds->end_settling(id); },
      [self = self_, id, what](caf::error& err) {
        self->state.rounds->end_settling(id);
        log::error("vendor", std::string{"could not "} + what + " a stale round",
                   {{"vendor", self->state.opts.id},
                    {"round", id},
                    {"error", self->system().render(err)}});
      });
}

void round_steps::probe() {
  if (st_.breaker->current() == circuit_breaker::state::closed) {
    st_.probing = false;
    return;
  }
  self_->request(st_.workers, st_.opts.round_timeout, health_atom_v)
      .then(
          [self = self_](bool healthy) {
            round_steps s{self};
            if (!healthy) return s.next_probe();
            self->state.probing = false;
            if (self->state.breaker->current() != circuit_breaker::state::closed)
              s.breaker_result(true);
          },
          [self = self_](caf::error&) { round_steps{self}.next_probe(); });
}

void round_steps::next_probe() {
  self_->delayed_send(self_, st_.opts.health_probe_interval, probe_atom_v);
}

void round_steps::breaker_result(bool ok) {
  bool changed = ok ? st_.breaker->success() : st_.breaker->failure();
  if (!changed) return;
  if (!ok && st_.adapter->has_health_check() && !st_.probing) {
    st_.probing = true;
    next_probe();
  }
  auto wait = st_.breaker->retry_at() - circuit_breaker::clock::now();
  vendor_status s{
      st_.opts.id, ok,
      ok ? 0
         : now_us() +
               std::chrono::duration_cast<std::chrono::microseconds>(wait).count()};
  log::warn("vendor", ok ? "circuit closed" : "circuit opened",
            {{"vendor", st_.opts.id}});
  caf::anon_send(st_.deps.directory, s);
}

} // namespace agg
