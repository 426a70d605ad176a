// Proves that a withdrawal survives SIGKILL at every step: a child process makes
// withdrawals (paid, declined, cancelled) and kills itself at one step of the
// cashier's; a server on the same files then finishes every withdrawal it left. After
// each: no withdrawal is left half-way, each reservation is settled (paid) or
// released exactly once, the ledger holds one withdrawal entry per reservation and one
// release per given-back one, and each balance is what the deposits minus the paid
// payouts make it.

#include "support/cashier_support.hpp"

#include <sys/wait.h>

using namespace agg;
using namespace agg::test;
using json = nlohmann::json;

namespace {

constexpr int64_t funded = 1'000'000;

void run_child_until(const std::string& dir, const std::string& step, int64_t n) {
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    auto nth = std::to_string(n);
    execl(WITHDRAWAL_CHILD_PATH, WITHDRAWAL_CHILD_PATH, dir.c_str(),
          sandbox_secret.c_str(), step.c_str(), nth.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  // The child kills itself at the step; bounded by a watchdog of our own.
  bool ended = wait_until([&] { return waitpid(pid, &status, WNOHANG) == pid; },
                          std::chrono::seconds{60});
  if (!ended) {
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
  }
  REQUIRE(ended);
  REQUIRE(WIFSIGNALED(status));
  REQUIRE(WTERMSIG(status) == SIGKILL);
}

server_fixture recovery_server(const std::string& dir) {
  return cashier_server(900'000, {{"delay_ms", "5"}}, [dir](server_options& o) {
    o.data_dir = dir;
    o.withdrawal_auto_approve_max = {"EUR:1000"};
  });
}

json all_withdrawals(server_fixture& f) {
  auto res = f.http(reader_key).Get("/v1/withdrawals?limit=500");
  REQUIRE(res);
  REQUIRE(res->status == 200);
  return json::parse(res->body)["payments"];
}

bool settled_everywhere(const json& list) {
  for (auto& w : list) {
    auto s = w["status"].get<std::string>();
    if (s == "requested" || s == "approved" || s == "sent") return false;
    if (w["reservation"] == "held" && s != "review") return false;
  }
  return true;
}

} // namespace

TEST_CASE("withdrawals killed at every step are finished after restart, none paid twice "
          "or lost",
          "[cashier][withdrawal][crash]") {
  temp_dir dir;
  auto data = dir.str();
  {
    auto f = recovery_server(data);
    for (const char* name : {"ann", "ben", "cat"}) {
      auto [c, reg] = f.register_player(name);
      auto player = reg["player_id"].get<int64_t>();
      f.deposit(player, funded, std::string{"fund-"} + name);
      auto res = f.http(support_key)
                     .Put("/v1/players/" + std::to_string(player) + "/kyc",
                          R"({"status":"verified"})", "application/json");
      REQUIRE(res->status == 200);
    }
  }
  for (auto [step, n] : std::vector<std::pair<std::string, int64_t>>{{"requested", 2},
                                                                     {"reserved", 3},
                                                                     {"approved", 2},
                                                                     {"sent", 2},
                                                                     {"paid", 2},
                                                                     {"settled", 1},
                                                                     {"failed", 2},
                                                                     {"released", 2},
                                                                     {"review", 1},
                                                                     {"cancelled", 2}}) {
    INFO(step);
    run_child_until(data, step, n);
    auto f = recovery_server(data);
    json list;
    auto unfinished = [&] {
      json out = json::array();
      for (auto& w : list)
        if (!settled_everywhere(json::array({w}))) out.push_back(w);
      return out.dump();
    };
    bool done = wait_until(
        [&] {
          list = all_withdrawals(f);
          return settled_everywhere(list);
        },
        std::chrono::seconds{30});
    INFO(unfinished());
    REQUIRE(done);
    // Each player's balance: deposits, minus what is paid, minus what is still held.
    std::map<int64_t, int64_t> expected;
    std::map<std::string, json> by_id;
    for (auto& w : list) {
      by_id[w["payment_id"]] = w;
      auto player = w["player_id"].get<int64_t>();
      if (w["reservation"] == "settled" || w["reservation"] == "held")
        expected[player] -= w["amount"].get<int64_t>();
      CHECK((w["reservation"] == "settled") == (w["status"] == "paid"));
    }
    for (int64_t player = 1; player <= 3; ++player) {
      auto ledger = json::parse(
          f.http(reader_key)
              .Get("/v1/players/" + std::to_string(player) + "/ledger?limit=500")
              ->body);
      std::map<std::string, int> reserved, released;
      for (auto& e : ledger["entries"]) {
        auto tx = e["tx_id"].get<std::string>();
        if (e["kind"] == "withdrawal") ++reserved[tx];
        if (e["kind"] == "deposit" && tx.size() > 8 &&
            tx.compare(tx.size() - 8, 8, ":release") == 0)
          ++released[tx.substr(0, tx.size() - 8)];
      }
      for (auto& [id, count] : reserved) {
        INFO(id);
        CHECK(count == 1);
        REQUIRE(by_id.count(id) == 1);
        auto r = by_id[id]["reservation"];
        auto given_back = released.count(id) ? released.at(id) : 0;
        CHECK(given_back == (r == "released" ? 1 : 0));
      }
      for (auto& [id, count] : released)
        CHECK(count == 1);
      auto balance =
          json::parse(f.http(reader_key)
                          .Get("/v1/players/" + std::to_string(player) + "/balance")
                          ->body);
      CHECK(balance["balance"].get<int64_t>() == funded + expected[player]);
    }
  }
}
