// The logger's lines: whole records with time, level, component and message, fields
// as logfmt (quoted and escaped where they must be) or as one JSON object; and
// records written from many threads at once come out as whole lines.

#include "common/log.hpp"

#include <nlohmann/json.hpp>

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

using namespace agg;

namespace {

constexpr int64_t t0 = 1'733'256'880'123'456; // 2024-12-03T20:14:40.123456Z

} // namespace

TEST_CASE("a text record is one logfmt line", "[log]") {
  auto line = log::format_line(log::format::text, t0, log::level::warn, "vendor",
                               "circuit opened", {{"vendor", "remote"}, {"failures", 5}});
  CHECK(line == "ts=2024-12-03T20:14:40.123456Z level=warn component=vendor "
                "msg=\"circuit opened\" vendor=remote failures=5");
  auto quoted = log::format_line(log::format::text, t0, log::level::error, "http", "x",
                                 {{"error", "a \"b\"\nc=d"}, {"empty", ""}});
  CHECK(quoted.find(R"(error="a \"b\"\nc=d")") != std::string::npos);
  CHECK(quoted.find(R"(empty="")") != std::string::npos);
  CHECK(quoted.find('\n') == std::string::npos);
}

TEST_CASE("a JSON record is one object per line", "[log]") {
  auto line = log::format_line(log::format::json, t0, log::level::info, "node", "ready",
                               {{"port", 8080}, {"path", "a\"b"}});
  auto j = nlohmann::json::parse(line);
  CHECK(j["ts"] == "2024-12-03T20:14:40.123456Z");
  CHECK(j["level"] == "info");
  CHECK(j["component"] == "node");
  CHECK(j["msg"] == "ready");
  CHECK(j["port"] == 8080);
  CHECK(j["path"] == "a\"b");
}

TEST_CASE("levels and formats are named", "[log]") {
  CHECK(log::level_named("debug") == log::level::debug);
  CHECK(log::level_named("error") == log::level::error);
  CHECK_FALSE(log::level_named("loud"));
  CHECK(log::format_named("json") == log::format::json);
  CHECK_FALSE(log::format_named("xml"));
}

TEST_CASE("records from many threads never interleave", "[log]") {
  char path[] = "/tmp/agg_log_testXXXXXX";
  int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  int saved = dup(STDERR_FILENO);
  dup2(fd, STDERR_FILENO);
  log::configure(log::level::info, log::format::json);
  constexpr int threads = 8;
  constexpr int records = 500;
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([t] {
      std::string payload(200 + t * 50, static_cast<char>('a' + t));
      for (int i = 0; i < records; ++i)
        log::info("test", payload, {{"thread", t}, {"i", i}});
    });
  for (auto& t : pool)
    t.join();
  log::debug("test", "below the level: not written");
  dup2(saved, STDERR_FILENO);
  close(saved);
  close(fd);
  log::configure(log::level::info, log::format::text);
  std::ifstream in{path};
  std::string line;
  int lines = 0;
  while (std::getline(in, line)) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    REQUIRE_FALSE(j.is_discarded());
    auto t = j["thread"].get<int>();
    CHECK(j["msg"] == std::string(200 + t * 50, static_cast<char>('a' + t)));
    ++lines;
  }
  CHECK(lines == threads * records);
  std::remove(path);
}
