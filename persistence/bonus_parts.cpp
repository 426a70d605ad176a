#include "persistence/bonus_parts.hpp"

#include <cctype>
#include <charconv>

namespace agg {

namespace {

bool to_int(std::string_view s, int64_t& out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && p == s.data() + s.size();
}

// Calls f(item) for each ';'-separated item; stops and returns false when f does.
template <class F>
bool each_item(std::string_view text, F f) {
  while (!text.empty()) {
    auto end = text.find(';');
    auto item = text.substr(0, end);
    if (!f(item)) return false;
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
    if (text.empty()) return false; // a trailing ';'
  }
  return true;
}

} // namespace

const char* to_string(grant_status s) {
  switch (s) {
    case grant_status::active:
      return "active";
    case grant_status::converted:
      return "converted";
    case grant_status::forfeited:
      return "forfeited";
    case grant_status::expired:
      return "expired";
  }
  return "unknown";
}

bool grant_status_from_int(int64_t code, grant_status& out) {
  if (code < 1 || code > 4) return false;
  out = static_cast<grant_status>(code);
  return true;
}

bool valid_grant_id(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (unsigned char c : s)
    if (!std::isalnum(c) && c != '_' && c != '-') return false;
  return true;
}

bool is_generated_grant_id(std::string_view s) {
  if (s.size() != 28 || s.substr(0, 4) != "bon_") return false;
  for (unsigned char c : s.substr(4))
    if (!std::isdigit(c) && (c < 'a' || c > 'f')) return false;
  return true;
}

std::string format_parts(const std::vector<bonus_part>& parts) {
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out += ';';
    out += p.grant_id;
    out += ':';
    out += std::to_string(p.amount);
    if (p.lapsed) out += ":lapsed";
    if (p.free) out += ":free";
  }
  return out;
}

bool parse_parts(std::string_view text, std::vector<bonus_part>& out) {
  out.clear();
  return each_item(text, [&](std::string_view item) {
    bonus_part p;
    auto colon = item.find(':');
    if (colon == 0 || colon == std::string_view::npos) return false;
    p.grant_id = std::string{item.substr(0, colon)};
    auto rest = item.substr(colon + 1);
    if (auto tail = rest.find(':'); tail != std::string_view::npos) {
      auto flag = rest.substr(tail + 1);
      if (flag == "lapsed")
        p.lapsed = true;
      else if (flag == "free")
        p.free = true;
      else
        return false;
      rest = rest.substr(0, tail);
    }
    if (!to_int(rest, p.amount)) return false;
    out.push_back(std::move(p));
    return true;
  });
}

int64_t parts_total(const std::vector<bonus_part>& parts) {
  int64_t sum = 0;
  for (const auto& p : parts)
    if (!p.lapsed) sum += p.amount;
  return sum;
}

int64_t parts_total_all(const std::vector<bonus_part>& parts) {
  int64_t sum = 0;
  for (const auto& p : parts)
    sum += p.amount;
  return sum;
}

int64_t parts_total_all(std::string_view text) {
  std::vector<bonus_part> parts;
  if (text.empty() || !parse_parts(text, parts)) return 0;
  return parts_total_all(parts);
}

int64_t stake_weight(const bonus_grant& g, std::string_view vendor,
                     std::string_view game) {
  int64_t by_vendor = -1, by_game = -1;
  each_item(g.weights, [&](std::string_view item) {
    auto eq = item.rfind('=');
    int64_t pct = 0;
    if (eq == std::string_view::npos || !to_int(item.substr(eq + 1), pct)) return true;
    auto key = item.substr(0, eq);
    if (key.substr(0, 5) == "game:" && key.substr(5) == game && !game.empty())
      by_game = pct;
    else if (key.substr(0, 7) == "vendor:" && key.substr(7) == vendor)
      by_vendor = pct;
    return true;
  });
  if (by_game >= 0) return by_game;
  if (by_vendor >= 0) return by_vendor;
  return g.default_weight;
}

bool valid_weights(std::string_view weights) {
  return each_item(weights, [](std::string_view item) {
    auto eq = item.rfind('=');
    int64_t pct = 0;
    if (eq == std::string_view::npos || !to_int(item.substr(eq + 1), pct) || pct < 0 ||
        pct > 100)
      return false;
    auto key = item.substr(0, eq);
    bool game = key.substr(0, 5) == "game:" && key.size() > 5;
    bool vendor = key.substr(0, 7) == "vendor:" && key.size() > 7;
    return game || vendor;
  });
}

} // namespace agg
