#include "actors/players/login_guard.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

namespace agg {

std::string login_guard::address_key(const std::string& address) {
  in6_addr v6{};
  if (address.find(':') == std::string::npos ||
      inet_pton(AF_INET6, address.c_str(), &v6) != 1)
    return address;
  static constexpr unsigned char v4_mapped[12] = {0, 0, 0, 0, 0,    0,
                                                  0, 0, 0, 0, 0xff, 0xff};
  char text[INET6_ADDRSTRLEN] = {};
  if (std::memcmp(v6.s6_addr, v4_mapped, sizeof(v4_mapped)) == 0) {
    in_addr v4{};
    std::memcpy(&v4, v6.s6_addr + 12, 4);
    return inet_ntop(AF_INET, &v4, text, sizeof(text));
  }
  std::memset(v6.s6_addr + 8, 0, 8);
  return std::string{inet_ntop(AF_INET6, &v6, text, sizeof(text))} + "/64";
}

login_guard::login_guard(login_guard_options opts)
    : opts_(opts), drain_us_(std::max<int64_t>(1, opts.window_us / opts.failures_max)) {}

void login_guard::drain(entry& e, int64_t now_us) const {
  if (e.level == 0 || now_us <= e.drained_us) return;
  auto lost = std::min(e.level, (now_us - e.drained_us) / drain_us_);
  e.level -= lost;
  e.drained_us = e.level == 0 ? now_us : e.drained_us + lost * drain_us_;
}

login_guard::entry* login_guard::find(const std::string& key, int64_t now_us) {
  auto i = entries_.find(key);
  if (i == entries_.end()) return nullptr;
  drain(i->second, now_us);
  return &i->second;
}

void login_guard::forget_idle(int64_t now_us) {
  for (auto i = entries_.begin(); i != entries_.end();) {
    drain(i->second, now_us);
    if (i->second.level <= 0 && i->second.banned_until_us <= now_us)
      i = entries_.erase(i);
    else
      ++i;
  }
}

int64_t login_guard::banned_until(const std::string& address, int64_t now_us) {
  auto* e = find(address_key(address), now_us);
  return e != nullptr && e->banned_until_us > now_us ? e->banned_until_us : 0;
}

bool login_guard::suspect(const std::string& address, int64_t now_us) {
  auto key = address_key(address);
  auto* e = find(key, now_us);
  if (e != nullptr) return e->level >= opts_.suspect_failures;
  return entries_.size() >= opts_.addresses_max; // untracked for want of room
}

bool login_guard::failure(const std::string& address, int64_t now_us) {
  auto key = address_key(address);
  auto* e = find(key, now_us);
  if (e == nullptr) {
    if (entries_.size() >= opts_.addresses_max) forget_idle(now_us);
    if (entries_.size() >= opts_.addresses_max) return false;
    e = &entries_[key];
  }
  if (e->level == 0) e->drained_us = now_us;
  e->level += 1;
  if (e->level < opts_.failures_max || e->banned_until_us > now_us) return false;
  e->banned_until_us = now_us + opts_.ban_us;
  e->level = 0; // the ban is the penalty; afterwards the address starts afresh
  return true;
}

} // namespace agg
