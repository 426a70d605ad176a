// The event log for operators: GET /v1/events pages through every committed event in
// the global order, and `aggregator events` prints the same events as JSON lines.

#include "support/server_fixture.hpp"

#include <cstdio>

using namespace agg;
using namespace agg::test;
using json = nlohmann::json;

namespace {

json get_events(server_fixture& f, const std::string& query, int expect_status = 200,
                const std::string& key = reader_key) {
  auto res = f.http(key).Get("/v1/events" + query);
  REQUIRE(res);
  CHECK(res->status == expect_status);
  return json::parse(res->body);
}

std::vector<std::string> run_cli(const std::string& args) {
  std::string cmd = std::string{AGGREGATOR_PATH} + " events " + args;
  std::vector<std::string> lines;
  auto* p = popen(cmd.c_str(), "r");
  REQUIRE(p);
  std::string line;
  for (int ch = fgetc(p); ch != EOF; ch = fgetc(p)) {
    if (ch == '\n') {
      lines.push_back(line);
      line.clear();
    } else {
      line.push_back(static_cast<char>(ch));
    }
  }
  CHECK(pclose(p) == 0);
  return lines;
}

} // namespace

TEST_CASE("GET /v1/events pages through the log and the CLI prints the same events",
          "[http][events]") {
  server_fixture f;
  auto alice = f.register_player("alice").second["player_id"].get<int64_t>();
  auto bob = f.register_player("bob").second["player_id"].get<int64_t>();
  f.deposit(alice, 500, "a1");
  f.deposit(bob, 300, "b1");
  f.deposit(alice, 200, "a2");

  auto first = get_events(f, "?after=0&limit=3");
  REQUIRE(first["events"].size() == 3);
  CHECK(first["next_after"] == 3);
  auto rest = get_events(f, "?after=3");
  REQUIRE(rest["events"].size() == 2);
  CHECK(rest["next_after"] == 5);
  std::vector<json> all;
  for (auto& e : first["events"])
    all.push_back(e);
  for (auto& e : rest["events"])
    all.push_back(e);
  for (size_t i = 0; i < all.size(); ++i) {
    CHECK(all[i]["v"] == 1);
    CHECK(all[i]["id"] == static_cast<int64_t>(i + 1));
    CHECK(all[i]["ghash"].get<std::string>().size() == 64);
  }
  CHECK(all[0]["type"] == "activity.registered");
  CHECK(all[0]["player_id"] == alice);
  CHECK(all[0]["detail"]["username"] == "alice");
  CHECK(all[2]["type"] == "wallet.deposit");
  CHECK(all[2]["amount"] == 500);
  CHECK(all[2]["balance_after"] == 500);
  CHECK(all[4]["balance_after"] == 700);
  CHECK(all[4]["seq"] == 2);
  // Past the head: nothing, and the position stays.
  auto none = get_events(f, "?after=5");
  CHECK(none["events"].empty());
  CHECK(none["next_after"] == 5);
  // A key is needed; a bad position or limit is refused.
  get_events(f, "?after=0", 401, "");
  CHECK(get_events(f, "?after=-1", 400)["error"]["code"] == "invalid_field");
  CHECK(get_events(f, "?limit=0", 400)["error"]["code"] == "invalid_field");
  CHECK(get_events(f, "?limit=1001", 400)["error"]["code"] == "invalid_field");

  // The command line reads the same database, from a position on.
  auto lines = run_cli("--data-dir " + f.dir.str() + " --from 3");
  REQUIRE(lines.size() == 3);
  for (size_t i = 0; i < lines.size(); ++i)
    CHECK(json::parse(lines[i]) == all[i + 2]);
}
