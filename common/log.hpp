#pragma once

// The server's one logger: each record is one whole line on stderr with a time, a
// level, the component and a message, and fields as key=value (logfmt) or as one JSON
// object per line, as configured. Lines are built whole and written under a lock with
// one write(2), so that records from several threads never interleave. Cheap when a
// level is off: the line is not built.
//
//   log::warn("vendor", "circuit opened", {{"vendor", id}, {"failures", 5}});
//   ts=2026-12-03T20:14:40.123456Z level=warn component=vendor msg="circuit opened"
//   vendor=remote failures=5

#include <concepts>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace agg::log {

enum class level : uint8_t { debug = 0, info = 1, warn = 2, error = 3 };
enum class format : uint8_t { text = 0, json = 1 };

// One key and its value; numbers are written unquoted.
struct field {
  field(std::string_view k, std::string_view v) : key(k), value(v) {}
  field(std::string_view k, const char* v) : key(k), value(v) {}
  field(std::string_view k, const std::string& v) : key(k), value(v) {}
  template <std::integral T>
  field(std::string_view k, T v) : key(k), value(std::to_string(v)), number(true) {}

  std::string_view key;
  std::string value;
  bool number = false;
};

void configure(level min, format f);
bool enabled(level l);
std::optional<level> level_named(std::string_view name);   // debug, info, warn, error
std::optional<format> format_named(std::string_view name); // text, json

void write(level l, std::string_view component, std::string_view message,
           std::initializer_list<field> fields = {});

inline void debug(std::string_view c, std::string_view m,
                  std::initializer_list<field> f = {}) {
  if (enabled(level::debug)) write(level::debug, c, m, f);
}
inline void info(std::string_view c, std::string_view m,
                 std::initializer_list<field> f = {}) {
  if (enabled(level::info)) write(level::info, c, m, f);
}
inline void warn(std::string_view c, std::string_view m,
                 std::initializer_list<field> f = {}) {
  if (enabled(level::warn)) write(level::warn, c, m, f);
}
inline void error(std::string_view c, std::string_view m,
                  std::initializer_list<field> f = {}) {
  if (enabled(level::error)) write(level::error, c, m, f);
}

// The line a record becomes (without the final newline), for tests.
std::string format_line(format f, int64_t time_us, level l, std::string_view component,
                        std::string_view message, std::initializer_list<field> fields);

} // namespace agg::log
