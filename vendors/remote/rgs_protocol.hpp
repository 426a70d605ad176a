#pragma once

// The remote RGS protocol (v1): how a vendor connection asks a studio's game server
// for round outcomes over HTTP. Documented in docs/vendor-integration.md.
//
// Every request and every response is signed with HMAC-SHA256 under a secret the
// two sides share:
//   request:  X-RGS-Timestamp: <unix ms>
//             X-RGS-Signature: hex(HMAC(secret, "<timestamp>\n<path>\n<body>"))
//   response: X-RGS-Timestamp: <unix ms>
//             X-RGS-Signature: hex(HMAC(secret, "<timestamp>\n<request
//             signature>\n<body>"))
// A request whose timestamp is outside the replay window, or whose signature was
// already seen within it, is refused; a response is bound to its request.

#include "common/clock.hpp"
#include "vendors/adapter.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

namespace agg::vendors::rgs {

inline constexpr const char* timestamp_header = "X-RGS-Timestamp";
inline constexpr const char* signature_header = "X-RGS-Signature";
inline constexpr const char* path_prefix = "/rgs/v1/";

// hex(HMAC-SHA256(secret, message)).
std::string hmac_hex(const std::string& secret, const std::string& message);

std::string request_signature(const std::string& secret, int64_t timestamp_ms,
                              const std::string& path, const std::string& body);
std::string response_signature(const std::string& secret, int64_t timestamp_ms,
                               const std::string& request_signature,
                               const std::string& body);

// Constant-time comparison of two signatures.
bool same_signature(const std::string& a, const std::string& b);

// Reads a shared secret from a file (surrounding whitespace dropped); throws
// std::runtime_error when it is missing or shorter than 16 bytes.
std::string read_secret(const std::string& path);

// Parses a decimal timestamp header; nothing when it is not one.
std::optional<int64_t> parse_timestamp(const std::string& text);

// The studio's side of the replay window: remembers the signatures it accepted for
// as long as their timestamps are inside the window. Thread-safe.
class replay_guard {
public:
  explicit replay_guard(std::chrono::milliseconds window) : window_(window) {}

  enum class verdict { fresh, stale, replayed };
  // Records `signature` when fresh.
  verdict admit(int64_t timestamp_ms, const std::string& signature, int64_t now);

private:
  std::chrono::milliseconds window_;
  std::mutex mtx_;
  std::unordered_map<std::string, int64_t> seen_; // signature -> timestamp
  int64_t last_purge_ = 0;
};

// -- bodies -------------------------------------------------------------------------

nlohmann::json to_json(const game_info& g);
game_info game_from_json(const nlohmann::json& j); // throws on missing fields

nlohmann::json to_json(const round_outcome& o);
round_outcome outcome_from_json(const nlohmann::json& j); // throws on missing fields

nlohmann::json to_json(const round_context& c);
round_context context_from_json(const nlohmann::json& j); // throws on missing fields

// An error body: {"error":{"code":..., "message":...}}.
nlohmann::json error_json(const std::string& code, const std::string& message);

} // namespace agg::vendors::rgs
