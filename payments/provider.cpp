#include "payments/provider.hpp"

#include <mutex>

namespace agg::payments {

namespace {

struct registry {
  std::mutex mtx;
  std::map<std::string, provider_factory> factories;
};

registry& the_registry() {
  static registry r;
  return r;
}

constexpr std::pair<payment_status, const char*> status_names[] = {
    {payment_status::created, "created"},     {payment_status::pending, "pending"},
    {payment_status::confirmed, "confirmed"}, {payment_status::declined, "declined"},
    {payment_status::failed, "failed"},       {payment_status::expired, "expired"},
    {payment_status::requested, "requested"}, {payment_status::review, "review"},
    {payment_status::approved, "approved"},   {payment_status::sent, "sent"},
    {payment_status::paid, "paid"},           {payment_status::rejected, "rejected"},
    {payment_status::cancelled, "cancelled"},
};

} // namespace

const char* to_string(payment_kind k) {
  return k == payment_kind::deposit ? "deposit" : "payout";
}

const char* to_string(payment_status s) {
  for (const auto& [status, name] : status_names)
    if (status == s) return name;
  return "unknown";
}

bool payment_kind_from_string(const std::string& name, payment_kind& out) {
  if (name == "deposit") {
    out = payment_kind::deposit;
    return true;
  }
  if (name == "payout") {
    out = payment_kind::payout;
    return true;
  }
  return false;
}

bool payment_status_from_string(const std::string& name, payment_status& out) {
  for (const auto& [status, n] : status_names)
    if (name == n) {
      out = status;
      return true;
    }
  return false;
}

bool final_status(payment_status s) {
  switch (s) {
    case payment_status::created:
    case payment_status::pending:
    case payment_status::requested:
    case payment_status::review:
    case payment_status::approved:
    case payment_status::sent:
      return false;
    default:
      return true;
  }
}

bool register_provider(const std::string& kind, provider_factory factory) {
  auto& r = the_registry();
  std::lock_guard lock{r.mtx};
  r.factories[kind] = std::move(factory);
  return true;
}

std::unique_ptr<provider> make_provider(const std::string& kind,
                                        const provider_env& env) {
  provider_factory factory;
  {
    auto& r = the_registry();
    std::lock_guard lock{r.mtx};
    auto i = r.factories.find(kind);
    if (i == r.factories.end())
      throw provider_config_error{"payments." + env.id +
                                  ".kind: unknown provider kind '" + kind + "'"};
    factory = i->second;
  }
  return factory(env);
}

std::vector<std::string> provider_kinds() {
  auto& r = the_registry();
  std::lock_guard lock{r.mtx};
  std::vector<std::string> out;
  for (const auto& [kind, f] : r.factories)
    out.push_back(kind);
  return out;
}

std::string text_setting(const provider_env& env, const std::string& key,
                         const std::string& fallback) {
  auto i = env.settings.find(key);
  return i == env.settings.end() ? fallback : i->second;
}

int64_t int_setting(const provider_env& env, const std::string& key, int64_t fallback,
                    int64_t lo, int64_t hi) {
  auto i = env.settings.find(key);
  if (i == env.settings.end()) return fallback;
  auto name = "payments." + env.id + "." + key;
  int64_t value = 0;
  try {
    size_t used = 0;
    value = std::stoll(i->second, &used);
    if (used != i->second.size()) throw std::invalid_argument("trailing characters");
  } catch (const std::exception&) {
    throw provider_config_error{name + ": not an integer"};
  }
  if (value < lo || value > hi)
    throw provider_config_error{name + ": must be between " + std::to_string(lo) +
                                " and " + std::to_string(hi)};
  return value;
}

} // namespace agg::payments
