#pragma once

// Accounts linked by what they share (docs/risk.md): a device fingerprint, a payment
// instrument, an address within a window, registration data. Linked groups are the
// connected components (union-find). An identifier used by more accounts than a cap
// (public Wi-Fi, a carrier's NAT, a shared family device at scale) links nobody.
// Every link keeps its reason. No actors, no storage.

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

namespace agg::risk {

enum class link_kind : uint8_t {
  device = 1,
  instrument = 2,
  address = 3,
  registration = 4, // e.g. the same email mailbox or name and birth date
};

const char* to_string(link_kind k);

struct link_options {
  int64_t share_cap = 8; // more accounts than this: links nobody
  int64_t address_window_us = 7 * 86'400'000'000LL; // addresses link within this
};

// Why two accounts are linked: the identifier they share.
struct link_reason {
  int64_t player = 0; // the other account
  link_kind kind = link_kind::device;
  std::string value;
};

class account_links {
public:
  explicit account_links(link_options opts = {});

  // `player` used the identifier at `at_us`.
  void observe(int64_t player, link_kind kind, const std::string& value, int64_t at_us);
  // Forgets address uses older than the window before `now_us`.
  void prune(int64_t now_us);

  // The size of the player's linked group (1 when alone).
  int64_t group_size(int64_t player);
  // The player's group, the player included, in ascending order.
  std::vector<int64_t> group(int64_t player);
  // The accounts the player shares an identifier with directly, each with why.
  std::vector<link_reason> links_of(int64_t player) const;
  // True when the identifier is shared by more accounts than the cap.
  bool is_public(link_kind kind, const std::string& value) const;

private:
  using key = std::pair<uint8_t, std::string>;
  struct identifier {
    std::map<int64_t, int64_t> users; // player -> last use
    bool public_ = false;
  };

  int64_t find(int64_t player);
  void unite(int64_t a, int64_t b);
  void rebuild();

  link_options opts_;
  std::map<key, identifier> ids_;
  std::unordered_map<int64_t, std::vector<key>> used_by_; // player -> identifiers
  std::unordered_map<int64_t, int64_t> parent_;
  std::unordered_map<int64_t, int64_t> size_;
};

} // namespace agg::risk
