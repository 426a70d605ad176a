#include "vendors/adapter.hpp"
#include "vendors/seamless.hpp"

#include <mutex>

namespace agg::vendors {

namespace {

struct factories {
  std::mutex mtx;
  std::map<std::string, adapter_factory> by_kind;
  std::map<std::string, codec_factory> codecs;
};

// Constructed on first use, so that static registrations in any order find it.
factories& all() {
  static factories instance;
  return instance;
}

} // namespace

bool register_adapter(const std::string& kind, adapter_factory factory) {
  auto& f = all();
  std::lock_guard<std::mutex> guard{f.mtx};
  f.by_kind[kind] = std::move(factory);
  return true;
}

adapter_factory find_adapter(const std::string& kind) {
  auto& f = all();
  std::lock_guard<std::mutex> guard{f.mtx};
  auto i = f.by_kind.find(kind);
  return i == f.by_kind.end() ? adapter_factory{} : i->second;
}

std::vector<std::string> adapter_kinds() {
  auto& f = all();
  std::lock_guard<std::mutex> guard{f.mtx};
  std::vector<std::string> out;
  for (auto& [k, v] : f.by_kind)
    out.push_back(k);
  return out;
}

bool register_wallet_codec(const std::string& kind, codec_factory factory) {
  auto& f = all();
  std::lock_guard<std::mutex> guard{f.mtx};
  f.codecs[kind] = std::move(factory);
  return true;
}

codec_factory find_wallet_codec(const std::string& kind) {
  auto& f = all();
  std::lock_guard<std::mutex> guard{f.mtx};
  auto i = f.codecs.find(kind);
  return i == f.codecs.end() ? codec_factory{} : i->second;
}

const char* to_string(seamless_status s) {
  switch (s) {
    case seamless_status::ok:
      return "ok";
    case seamless_status::invalid_token:
      return "invalid_token";
    case seamless_status::token_expired:
      return "token_expired";
    case seamless_status::invalid_game:
      return "invalid_game";
    case seamless_status::wrong_currency:
      return "wrong_currency";
    case seamless_status::user_disabled:
      return "user_disabled";
    case seamless_status::not_enough_money:
      return "not_enough_money";
    case seamless_status::duplicate_transaction:
      return "duplicate_transaction";
    case seamless_status::transaction_not_found:
      return "transaction_not_found";
    case seamless_status::transaction_rolled_back:
      return "transaction_rolled_back";
    case seamless_status::bet_limit_exceeded:
      return "bet_limit_exceeded";
    case seamless_status::invalid_signature:
      return "invalid_signature";
    case seamless_status::wrong_syntax:
      return "wrong_syntax";
    case seamless_status::wrong_types:
      return "wrong_types";
    case seamless_status::unknown:
      return "unknown";
  }
  return "unknown";
}

std::string text_setting(const std::map<std::string, std::string>& settings,
                         const std::string& key, const std::string& fallback) {
  auto i = settings.find(key);
  return i == settings.end() ? fallback : i->second;
}

int64_t integer_setting(const std::string& vendor_id,
                        const std::map<std::string, std::string>& settings,
                        const std::string& key, int64_t fallback, int64_t lo,
                        int64_t hi) {
  auto i = settings.find(key);
  if (i == settings.end()) return fallback;
  size_t used = 0;
  int64_t v = 0;
  try {
    v = std::stoll(i->second, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != i->second.size() || v < lo || v > hi)
    throw std::invalid_argument("vendors." + vendor_id + "." + key +
                                ": must be an integer between " + std::to_string(lo) +
                                " and " + std::to_string(hi));
  return v;
}

} // namespace agg::vendors
