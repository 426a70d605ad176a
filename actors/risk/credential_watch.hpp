#pragma once

// Credential stuffing seen from the failed logins (docs/risk.md): per client address
// and per device, the distinct usernames that failed within a window. One that reaches
// `accounts_max` is reported once per window: the risk service opens a case about it.
// Constant memory per subject (at most `accounts_max` usernames kept); subjects idle
// for a window are forgotten. No actors.

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace agg::risk {

struct stuffing_options {
  int64_t accounts_max = 10; // distinct usernames failing from one subject
  int64_t window_us = 3'600'000'000;
  size_t subjects_max = 100'000;
};

class credential_watch {
public:
  explicit credential_watch(stuffing_options opts = {}) : opts_(opts) {}

  // A failed login for `username` from `subject` ("address:<a>", "device:<id>");
  // true when it makes the subject a stuffing source (once per window).
  bool failed(const std::string& subject, const std::string& username, int64_t now_us);
  // Distinct usernames failed from the subject in its current window.
  int64_t accounts(const std::string& subject) const;

private:
  struct entry {
    int64_t started_us = 0;
    std::vector<std::string> usernames;
    bool reported = false;
  };
  stuffing_options opts_;
  std::unordered_map<std::string, entry> subjects_;
};

} // namespace agg::risk
