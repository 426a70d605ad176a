#pragma once

// A small --key=value / --key value flag reader shared by the benchmarks.

#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <map>
#include <string>

namespace agg::bench {

class args {
public:
  args(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
      std::string a = argv[i];
      if (a.rfind("--", 0) != 0) {
        bad_ = a;
        continue;
      }
      a = a.substr(2);
      auto eq = a.find('=');
      if (eq != std::string::npos)
        values_[a.substr(0, eq)] = a.substr(eq + 1);
      else if (i + 1 < argc && std::string{argv[i + 1]}.rfind("--", 0) != 0)
        values_[a] = argv[++i];
      else
        values_.insert_or_assign(a, std::string(1, '1'));
    }
  }

  std::string str(const std::string& key, std::string fallback) {
    known_[key] = true;
    auto i = values_.find(key);
    return i == values_.end() ? fallback : i->second;
  }

  int64_t num(const std::string& key, int64_t fallback) {
    auto s = str(key, std::to_string(fallback));
    char* end = nullptr;
    auto v = std::strtoll(s.c_str(), &end, 10);
    if (end == s.c_str() || *end != '\0') {
      std::cerr << "--" << key << ": not a number: " << s << std::endl;
      std::exit(2);
    }
    return v;
  }

  // Exits with a message when a flag was given that no one asked for.
  void reject_unknown() {
    if (!bad_.empty()) {
      std::cerr << "unexpected argument: " << bad_ << std::endl;
      std::exit(2);
    }
    for (auto& [k, v] : values_) {
      if (!known_.count(k)) {
        std::cerr << "unknown flag: --" << k << std::endl;
        std::exit(2);
      }
    }
  }

private:
  std::map<std::string, std::string> values_;
  std::map<std::string, bool> known_;
  std::string bad_;
};

} // namespace agg::bench
