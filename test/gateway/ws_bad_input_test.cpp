// Bad input never crashes the server: every malformed frame, wrong type, missing or
// mistyped field, oversized or binary frame, early request and flood gets its
// documented error (or close code), and the connection stays usable where the
// protocol says so. A session actor that fails takes down only its connection.

#include "support/server_fixture.hpp"

#include <catch2/catch.hpp>

#include <random>

using namespace agg;
using namespace agg::test;
using json = nlohmann::json;

namespace {

// The next reply is an error with this code, and the connection still answers pings.
void expect_error_then_usable(ws_client& c, const std::string& code) {
  auto e = c.next();
  REQUIRE(e);
  CHECK((*e)["type"] == "error");
  CHECK((*e)["code"] == code);
  CHECK(c.request({{"type", "ping"}})["type"] == "pong");
}

} // namespace

TEST_CASE("malformed JSON gets malformed_json", "[ws][bad_input]") {
  server_fixture f;
  auto c = f.connect();
  c->send_text("{\"type\": \"ping\", ");
  expect_error_then_usable(*c, "malformed_json");
  c->send_text("[1, 2, 3]");
  expect_error_then_usable(*c, "malformed_json");
}

TEST_CASE("an unknown type gets unknown_type with the request id", "[ws][bad_input]") {
  server_fixture f;
  auto c = f.connect();
  auto r = c->request({{"type", "teleport"}});
  CHECK(r["type"] == "error");
  CHECK(r["code"] == "unknown_type");
}

TEST_CASE("a missing field gets invalid_field", "[ws][bad_input]") {
  server_fixture f;
  auto c = f.connect();
  auto r = c->request({{"type", "login"}, {"username", "someone"}});
  CHECK(r["code"] == "invalid_field");
  CHECK(r["message"].get<std::string>().find("password") != std::string::npos);
  c->send_text(R"({"id": 1})");
  expect_error_then_usable(*c, "invalid_field");
}

TEST_CASE("a mistyped field gets invalid_field", "[ws][bad_input]") {
  server_fixture f;
  auto c = f.connect();
  CHECK(c->request({{"type", "login"}, {"username", 42}, {"password", "x"}})["code"] ==
        "invalid_field");
  CHECK(c->request({{"type", "history"}, {"limit", "ten"}})["code"] == "invalid_field");
  c->send_text(R"({"type": "ping", "id": {"nested": true}})");
  expect_error_then_usable(*c, "invalid_field");
  c->send_text(R"({"type": 7})");
  expect_error_then_usable(*c, "invalid_field");
}

TEST_CASE("a request before login gets not_authenticated", "[ws][bad_input]") {
  server_fixture f;
  auto c = f.connect();
  for (auto type : {"balance", "history", "logout", "refresh", "self_exclude"})
    CHECK(c->request({{"type", type}})["code"] == "not_authenticated");
}

TEST_CASE("a binary frame gets binary_not_supported", "[ws][bad_input]") {
  server_fixture f;
  auto c = f.connect();
  c->send_binary(std::string("\x00\x01\x02", 3));
  expect_error_then_usable(*c, "binary_not_supported");
}

TEST_CASE("an oversized frame closes the connection with 1009", "[ws][bad_input]") {
  server_fixture f{[](server_options& o) { o.ws_frame_bytes_max = 1024; }};
  auto c = f.connect();
  auto other = f.connect();
  c->send_text(std::string(4096, ' '));
  REQUIRE(c->closed());
  CHECK(c->close_code() == 1009);
  CHECK(other->request({{"type", "ping"}})["type"] == "pong");
}

TEST_CASE("frames of 100 KB and more end in a close 1009, never a reset",
          "[ws][bad_input]") {
  server_fixture f{};
  for (size_t size : {100u << 10, 1u << 20, 4u << 20})
    for (int i = 0; i < 8; ++i) {
      auto c = f.connect();
      c->send_text(std::string(size, ' '));
      REQUIRE(c->closed());
      INFO("frame of " << size << " bytes, try " << i);
      CHECK(c->close_code() == 1009);
    }
  auto closed = f.metric(R"(agg_ws_closed_total{reason="frame too large"})");
  CHECK(closed == 24);
}

TEST_CASE("flooding gets rate_limited, then the connection is closed",
          "[ws][bad_input]") {
  server_fixture f{[](server_options& o) {
    o.ws_rate_per_s = 1;
    o.ws_burst = 5;
    o.ws_flood_strikes_max = 20;
  }};
  auto c = f.connect();
  for (int i = 0; i < 40; ++i)
    c->send(json{{"type", "ping"}, {"id", i}});
  int pongs = 0, limited = 0;
  while (auto m = c->next(std::chrono::seconds{5})) {
    pongs += (*m)["type"] == "pong";
    limited += (*m)["code"] == "rate_limited";
  }
  CHECK(pongs <= 6);
  CHECK(limited >= 20);
  REQUIRE(c->closed());
  CHECK(c->close_code() == 1008);
  // Other connections are not affected by this one's bucket.
  auto other = f.connect();
  CHECK(other->request({{"type", "ping"}})["type"] == "pong");
}

TEST_CASE("thousands of random and mutated frames leave the server answering",
          "[ws][bad_input][fuzz]") {
  server_fixture f{[](server_options& o) {
    o.ws_rate_per_s = 1'000'000;
    o.ws_burst = 1'000'000;
    o.ip_rate_per_s = 1'000'000;
    o.ip_burst = 1'000'000;
    o.ws_write_queue_len_max = 100'000;
  }};
  std::mt19937_64 rng{42};
  const std::vector<std::string> seeds = {
      R"({"type":"ping","id":1})",
      R"({"type":"login","id":"a","username":"u","password":"p"})",
      R"({"type":"register","id":2,"username":"fuzzer","password":"fuzzfuzzfuzz","currency":"EUR"})",
      R"({"type":"history","id":3,"limit":5,"before_seq":9})",
      R"({"type":"resume","id":4,"token":"v1.abc.def"})",
  };
  // Mostly printable bytes: invalid UTF-8 makes any compliant server close the
  // connection (1007), which would test reconnecting more than parsing.
  auto byte = [&] {
    return static_cast<char>(rng() % 50 == 0 ? rng() % 256 : 0x20 + rng() % 95);
  };
  auto mutate = [&](std::string s) {
    auto n = rng() % 6 + 1;
    for (size_t k = 0; k < n && !s.empty(); ++k) {
      auto pos = rng() % s.size();
      switch (rng() % 4) {
        case 0:
          s[pos] = byte();
          break;
        case 1:
          s.erase(pos, 1);
          break;
        case 2:
          s.insert(pos, 1, "{}[]\":,0\\"[rng() % 9]);
          break;
        default:
          s = s.substr(0, pos);
          break;
      }
    }
    return s;
  };
  auto c = f.connect();
  for (int i = 0; i < 5000; ++i) {
    std::string frame;
    if (i % 5 == 0) {
      frame.resize(rng() % 200);
      for (auto& ch : frame)
        ch = byte();
    } else {
      frame = mutate(seeds[rng() % seeds.size()]);
    }
    if (!c->send_text(frame)) {
      // Invalid UTF-8 makes a compliant server close the connection; start over.
      c = f.connect();
    }
  }
  auto fresh = f.connect();
  CHECK(fresh->request({{"type", "ping"}})["type"] == "pong");
  auto [p, reg] = f.register_player("after_fuzz");
  CHECK(p->request({{"type", "balance"}})["type"] == "balance");
}

TEST_CASE("a session actor that fails closes only its own connection",
          "[ws][supervision]") {
  node_hooks hooks;
  hooks.before_request = [](const client_request& r) {
    if (r.username == "crash-me") throw std::runtime_error("injected session failure");
  };
  server_fixture f{{}, hooks};
  auto [healthy, reg] = f.register_player("steady");
  auto victim = f.connect();
  victim->send(json{
      {"type", "login"}, {"username", "crash-me"}, {"password", "whatever1"}, {"id", 1}});
  auto e = victim->next();
  REQUIRE(e);
  CHECK((*e)["type"] == "error");
  CHECK((*e)["code"] == "internal_error");
  REQUIRE(victim->closed());
  CHECK(victim->close_code() == 1011);
  CHECK(healthy->request({{"type", "balance"}})["type"] == "balance");
  f.deposit(reg["player_id"].get<int64_t>(), 5, "after-crash");
  auto push = healthy->next_of("balance");
  REQUIRE(push);
  CHECK((*push)["balance"] == 5);
  CHECK(f.the_node().stats()->session_failures.load() == 1);
}

TEST_CASE("a frame nested deeper than allowed gets json_too_deep at the largest frame "
          "size",
          "[ws][bad_input]") {
  constexpr int64_t frame_max = 16 << 20; // the largest ws_frame_bytes_max accepted
  server_fixture f{[](server_options& o) { o.ws_frame_bytes_max = frame_max; }};
  auto c = f.connect();
  for (auto type : {"verify", "play"}) {
    std::string head = std::string{R"({"type":")"} + type + R"(","id":7,"params":)";
    auto depth = (static_cast<size_t>(frame_max) - head.size() - 1) / 2;
    auto frame = head + std::string(depth, '[') + std::string(depth, ']') + "}";
    REQUIRE(frame.size() <= static_cast<size_t>(frame_max));
    REQUIRE(c->send_text(frame));
    auto e = c->next(std::chrono::seconds{30});
    REQUIRE(e);
    CHECK((*e)["type"] == "error");
    CHECK((*e)["code"] == "json_too_deep");
  }
  CHECK(c->request({{"type", "ping"}})["type"] == "pong");
  // Nesting within the bound is still a request like any other.
  auto shallow = c->request(
      {{"type", "verify"},
       {"game", "dice"},
       {"stake", 100},
       {"params", {{"target", 50}, {"extra", json::array({json::array({1})})}}},
       {"server_seed", std::string(64, 'a')},
       {"client_seed", "c"},
       {"nonce", 0}});
  CHECK(shallow["type"] != "timeout");
  CHECK(shallow.value("code", "") != "json_too_deep");
}
