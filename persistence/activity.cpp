#include "persistence/activity.hpp"

#include <array>

namespace agg {

namespace {

constexpr std::array<std::pair<activity_kind, const char*>, 31> names = {{
    {activity_kind::registered, "registered"},
    {activity_kind::logged_in, "logged_in"},
    {activity_kind::login_failed, "login_failed"},
    {activity_kind::resumed, "resumed"},
    {activity_kind::logged_out, "logged_out"},
    {activity_kind::locked, "locked"},
    {activity_kind::unlocked, "unlocked"},
    {activity_kind::self_excluded, "self_excluded"},
    {activity_kind::address_blocked, "address_blocked"},
    {activity_kind::payment_created, "payment_created"},
    {activity_kind::payment_pending, "payment_pending"},
    {activity_kind::payment_confirmed, "payment_confirmed"},
    {activity_kind::payment_declined, "payment_declined"},
    {activity_kind::payment_failed, "payment_failed"},
    {activity_kind::payment_expired, "payment_expired"},
    {activity_kind::payment_callback_refused, "payment_callback_refused"},
    {activity_kind::locked_out, "locked_out"},
    {activity_kind::chain_checkpoint, "chain_checkpoint"},
    {activity_kind::payment_requested, "payment_requested"},
    {activity_kind::payment_review, "payment_review"},
    {activity_kind::payment_approved, "payment_approved"},
    {activity_kind::payment_sent, "payment_sent"},
    {activity_kind::payment_paid, "payment_paid"},
    {activity_kind::payment_rejected, "payment_rejected"},
    {activity_kind::payment_cancelled, "payment_cancelled"},
    {activity_kind::kyc_changed, "kyc_changed"},
    {activity_kind::limit_changed, "limit_changed"},
    {activity_kind::cooling_off, "cooling_off"},
    {activity_kind::address_rule_set, "address_rule_set"},
    {activity_kind::address_rule_removed, "address_rule_removed"},
    {activity_kind::registrations_blocked, "registrations_blocked"},
}};

void put_u64(std::string& out, uint64_t x) {
  for (int shift = 56; shift >= 0; shift -= 8)
    out.push_back(static_cast<char>((x >> shift) & 0xff));
}

void put_str(std::string& out, std::string_view s) {
  put_u64(out, s.size());
  out.append(s);
}

} // namespace

const char* to_string(activity_kind k) {
  for (const auto& [kind, name] : names)
    if (kind == k) return name;
  return "unknown";
}

std::optional<activity_kind> activity_kind_named(std::string_view name) {
  for (const auto& [kind, n] : names)
    if (name == n) return kind;
  return std::nullopt;
}

bool activity_kind_from_int(int64_t code, activity_kind& out) {
  for (const auto& [kind, name] : names)
    if (static_cast<int64_t>(kind) == code) {
      out = kind;
      return true;
    }
  return false;
}

bool is_client_address(std::string_view a) {
  return !a.empty() && a.substr(0, 9) != "operator:" && a != "system" && a != "risk";
}

std::string canonical_encoding(const activity_record& a) {
  std::string out;
  out.reserve(128 + a.detail.size());
  out.append("agg.activity.v1");
  put_u64(out, a.kind);
  put_u64(out, static_cast<uint64_t>(a.player_id));
  put_u64(out, static_cast<uint64_t>(a.created_us));
  put_str(out, a.address);
  put_str(out, a.device.id);
  put_str(out, a.device.user_agent);
  put_str(out, a.device.platform);
  put_str(out, a.device.screen);
  put_str(out, a.device.timezone);
  put_str(out, a.device.language);
  put_str(out, a.detail);
  return out;
}

hash256 activity_hash(const activity_record& a) {
  return sha256(canonical_encoding(a));
}

} // namespace agg
