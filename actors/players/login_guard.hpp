#pragma once

// What the edge remembers of failed logins per client address, in constant memory per
// address: a leaky bucket that fills by one per failed login and loses one every
// window / failures_max. An address whose bucket holds `suspect_failures` waits behind
// the others for hashing; one that reaches `failures_max` (that many failures within
// the window, give or take the drain) is refused for `ban` (no password is checked for
// it meanwhile). IPv6 addresses count by their /64 prefix, which one client usually
// holds whole. Plain and single-threaded, with the time passed in.

#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>

namespace agg {

struct login_guard_options {
  int64_t failures_max = 20;       // failed logins within window_us that ban an address
  int64_t suspect_failures = 1;    // ... that send it behind the others
  int64_t window_us = 600'000'000; // a full bucket drains in this time
  int64_t ban_us = 900'000'000;
  size_t addresses_max = 100'000; // tracked at most; beyond, new addresses are suspects
};

class login_guard {
public:
  explicit login_guard(login_guard_options opts);

  // The key an address is tracked under: the address, or an IPv6 address's /64.
  static std::string address_key(const std::string& address);

  // The end of the address's ban, or 0 when it is not banned.
  int64_t banned_until(const std::string& address, int64_t now_us);
  bool suspect(const std::string& address, int64_t now_us);
  // Records a failed login; returns true when it banned the address.
  bool failure(const std::string& address, int64_t now_us);
  size_t tracked() const { return entries_.size(); }

private:
  struct entry {
    int64_t level = 0;
    int64_t drained_us = 0; // when the bucket last lost one (or started to fill)
    int64_t banned_until_us = 0;
  };

  // The entry brought up to `now_us`, or nullptr when it is not tracked.
  entry* find(const std::string& key, int64_t now_us);
  void drain(entry& e, int64_t now_us) const;
  void forget_idle(int64_t now_us);

  login_guard_options opts_;
  int64_t drain_us_; // the time the bucket takes to lose one failure
  std::unordered_map<std::string, entry> entries_;
};

} // namespace agg
