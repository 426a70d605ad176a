#include "actors/risk/feed_input.hpp"

#include "persistence/bonus_parts.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace agg::risk {

namespace {

void add_due(feed_outcome& out, int64_t player) {
  if (std::find(out.due.begin(), out.due.end(), player) == out.due.end())
    out.due.push_back(player);
}

void link(engine& e, feed_outcome& out, int64_t player, link_kind kind,
          const std::string& value, int64_t at_us) {
  if (value.empty()) return;
  for (auto p : e.on_link(player, kind, value, at_us))
    add_due(out, p);
}

nlohmann::json detail_of(const activity_record& a) {
  auto d = nlohmann::json::parse(a.detail, nullptr, false);
  return d.is_object() ? d : nlohmann::json::object();
}

std::string text_of(const nlohmann::json& d, const char* key) {
  auto i = d.find(key);
  return i != d.end() && i->is_string() ? i->get<std::string>() : std::string{};
}

// True when one of the bet's grants counts its stake under half.
bool low_weight(const ledger_entry& m, const weight_lookup& weight_of) {
  std::vector<bonus_part> parts;
  if (!weight_of || !parse_parts(m.bonus, parts)) return false;
  for (const auto& p : parts) {
    auto w = weight_of(p.grant_id, m.source, m.game);
    if (w >= 0 && w < 50) return true;
  }
  return false;
}

void take_money(engine& e, const ledger_entry& m, feed_outcome& out,
                const weight_lookup& weight_of) {
  entry_kind k;
  if (!entry_kind_from_int(m.kind, k)) return;
  auto bonus = parts_total_all(m.bonus);
  risk_event r;
  r.at_us = m.created_us;
  r.game = m.game.empty() ? m.source : m.game;
  switch (k) {
    case entry_kind::bet:
      r.what = risk_event::kind::bet;
      r.amount = -(m.amount + bonus);
      r.bonus_active = !m.bonus.empty();
      r.low_weight = r.bonus_active && low_weight(m, weight_of);
      break;
    case entry_kind::win:
      r.what = risk_event::kind::win;
      r.amount = m.amount + bonus;
      break;
    case entry_kind::rollback:
      r.what = risk_event::kind::refund;
      r.amount = m.amount + bonus;
      break;
    case entry_kind::deposit:
      r.what = risk_event::kind::deposit;
      r.amount = m.amount;
      break;
    case entry_kind::bonus_grant:
      r.what = risk_event::kind::bonus_grant;
      r.amount = bonus;
      break;
    case entry_kind::withdrawal:
      r.what = risk_event::kind::withdrawal_request;
      r.amount = -m.amount;
      out.withdrawal_tx = m.tx_id;
      break;
    default:
      return;
  }
  if (r.amount < 0) r.amount = 0;
  if (e.on_event(m.player_id, r)) add_due(out, m.player_id);
}

void take_activity(engine& e, const activity_record& a, feed_outcome& out) {
  activity_kind k;
  if (a.player_id <= 0 || !activity_kind_from_int(a.kind, k)) return;
  switch (k) {
    case activity_kind::registered: {
      auto d = detail_of(a);
      link(e, out, a.player_id, link_kind::registration, text_of(d, "email_key"),
           a.created_us);
      [[fallthrough]];
    }
    case activity_kind::logged_in:
    case activity_kind::resumed:
      link(e, out, a.player_id, link_kind::device, a.device.id, a.created_us);
      if (is_client_address(a.address))
        link(e, out, a.player_id, link_kind::address, a.address, a.created_us);
      break;
    case activity_kind::payment_created: {
      auto d = detail_of(a);
      auto instrument = text_of(d, "fingerprint");
      if (instrument.empty()) instrument = text_of(d, "instrument");
      link(e, out, a.player_id, link_kind::instrument, instrument, a.created_us);
      break;
    }
    default:
      break;
  }
}

} // namespace

feed_outcome take_event(engine& e, const feed_event& ev, const weight_lookup& weight_of) {
  feed_outcome out;
  if (ev.is_money)
    take_money(e, ev.money, out, weight_of);
  else
    take_activity(e, ev.activity, out);
  return out;
}

} // namespace agg::risk
