#include "common/log.hpp"

#include "common/clock.hpp"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <ctime>
#include <mutex>

namespace agg::log {

namespace {

std::atomic<uint8_t> min_level{static_cast<uint8_t>(level::info)};
std::atomic<uint8_t> line_format{static_cast<uint8_t>(format::text)};
std::mutex out_mtx;

const char* name_of(level l) {
  switch (l) {
    case level::debug:
      return "debug";
    case level::info:
      return "info";
    case level::warn:
      return "warn";
    case level::error:
      return "error";
  }
  return "info";
}

// 2026-12-03T20:14:40.123456Z
void put_time(std::string& out, int64_t time_us) {
  auto secs = static_cast<time_t>(time_us / 1'000'000);
  std::tm t{};
  gmtime_r(&secs, &t);
  char text[32];
  auto n = std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%S", &t);
  out.append(text, n);
  auto frac = std::to_string(time_us % 1'000'000);
  out.push_back('.');
  out.append(6 - frac.size(), '0');
  out.append(frac);
  out.push_back('Z');
}

// A JSON string's body: quotes, backslashes and control characters escaped.
void put_escaped(std::string& out, std::string_view s) {
  static constexpr char hex[] = "0123456789abcdef";
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out.push_back(hex[c >> 4]);
          out.push_back(hex[c & 0xf]);
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
}

// A logfmt value: bare when it is a plain word, quoted and escaped otherwise.
void put_text_value(std::string& out, std::string_view v) {
  bool bare = !v.empty();
  for (unsigned char c : v)
    if (c <= ' ' || c == '"' || c == '=' || c == '\\' || c >= 0x7f) bare = false;
  if (bare) {
    out.append(v);
    return;
  }
  out.push_back('"');
  put_escaped(out, v);
  out.push_back('"');
}

void put_json_pair(std::string& out, std::string_view key, std::string_view value,
                   bool number) {
  out += ",\"";
  put_escaped(out, key);
  out += "\":";
  if (number) {
    out.append(value);
    return;
  }
  out.push_back('"');
  put_escaped(out, value);
  out.push_back('"');
}

} // namespace

void configure(level min, format f) {
  min_level = static_cast<uint8_t>(min);
  line_format = static_cast<uint8_t>(f);
}

bool enabled(level l) {
  return static_cast<uint8_t>(l) >= min_level.load(std::memory_order_relaxed);
}

std::optional<level> level_named(std::string_view name) {
  for (auto l : {level::debug, level::info, level::warn, level::error})
    if (name == name_of(l)) return l;
  return std::nullopt;
}

std::optional<format> format_named(std::string_view name) {
  if (name == "text") return format::text;
  if (name == "json") return format::json;
  return std::nullopt;
}

std::string format_line(format f, int64_t time_us, level l, std::string_view component,
                        std::string_view message, std::initializer_list<field> fields) {
  std::string out;
  out.reserve(128);
  if (f == format::json) {
    out += "{\"ts\":\"";
    put_time(out, time_us);
    out += "\"";
    put_json_pair(out, "level", name_of(l), false);
    put_json_pair(out, "component", component, false);
    put_json_pair(out, "msg", message, false);
    for (const auto& x : fields)
      put_json_pair(out, x.key, x.value, x.number);
    out.push_back('}');
    return out;
  }
  out += "ts=";
  put_time(out, time_us);
  out += " level=";
  out += name_of(l);
  out += " component=";
  put_text_value(out, component);
  out += " msg=";
  put_text_value(out, message);
  for (const auto& x : fields) {
    out.push_back(' ');
    out.append(x.key);
    out.push_back('=');
    put_text_value(out, x.value);
  }
  return out;
}

void write(level l, std::string_view component, std::string_view message,
           std::initializer_list<field> fields) {
  auto line =
      format_line(static_cast<format>(line_format.load(std::memory_order_relaxed)),
                  now_us(), l, component, message, fields);
  line.push_back('\n');
  std::lock_guard<std::mutex> guard{out_mtx};
  const char* p = line.data();
  size_t left = line.size();
  while (left > 0) {
    auto n = ::write(STDERR_FILENO, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return; // nowhere to log to: nothing else to be done
    p += n;
    left -= static_cast<size_t>(n);
  }
}

} // namespace agg::log
