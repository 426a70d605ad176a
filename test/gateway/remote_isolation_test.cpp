// Process-level isolation: the server plays the built-in games in-process and the same
// games from aggregator-studio, a separate process, at the same time. The studio is
// killed with SIGKILL under load: its games answer vendor_error / vendor_unavailable
// while the in-process games see no error at all; every stake on the remote studio is
// settled or refunded (no round left open, the ledger verifies). The studio restarts
// on the same port and data: its health probe closes the circuit long before the
// cool-down (a minute here) would have let a trial round through, and play resumes.

#include "support/server_fixture.hpp"

#include <atomic>
#include <csignal>
#include <fstream>
#include <map>
#include <mutex>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace agg;
using namespace agg::test;
using json = nlohmann::json;

namespace {

// aggregator-studio as a child process; its stdout tells the port.
class studio_child {
public:
  studio_child(const std::string& secret_file, const std::string& data_dir,
               uint16_t port) {
    int out[2];
    REQUIRE(pipe(out) == 0);
    auto port_text = std::to_string(port);
    pid_ = fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      dup2(out[1], STDOUT_FILENO);
      close(out[0]);
      close(out[1]);
      execl(STUDIO_PATH, STUDIO_PATH, "--secret-file", secret_file.c_str(), "--port",
            port_text.c_str(), "--data-dir", data_dir.c_str(), "--threads", "8",
            static_cast<char*>(nullptr));
      _exit(127);
    }
    close(out[1]);
    // The ready line (bounded: the child exits on failure, which ends the pipe).
    std::string line;
    char ch = 0;
    while (read(out[0], &ch, 1) == 1 && ch != '\n')
      line.push_back(ch);
    close(out[0]);
    auto at = line.find("port ");
    REQUIRE(at != std::string::npos);
    this->port = static_cast<uint16_t>(std::stoi(line.substr(at + 5)));
  }

  ~studio_child() { kill9(); }

  void kill9() {
    if (pid_ <= 0) return;
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
  }

  uint16_t port = 0;

private:
  pid_t pid_ = -1;
};

// Spins one game in a loop on its own connection, recording every answer.
class spinner {
public:
  spinner(server_fixture& f, const std::string& token, std::string vendor)
      : vendor_(std::move(vendor)), ws_(f.connect()) {
    REQUIRE(ws_->request({{"type", "resume"}, {"token", token}})["type"] == "resumed");
    thread_ = std::thread{[this] { run(); }};
  }

  ~spinner() { stop(); }

  void stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }

  int64_t rounds() const { return rounds_; }
  int64_t rounds_since(int64_t mark) const { return rounds_ - mark; }
  std::map<std::string, int64_t> errors() const {
    std::lock_guard<std::mutex> guard{mtx_};
    return errors_;
  }
  int64_t slowest_error_ms() const { return slowest_error_ms_; }

private:
  void run() {
    while (!stop_) {
      auto t0 = std::chrono::steady_clock::now();
      auto r = ws_->request(
          {{"type", "play"}, {"vendor", vendor_}, {"game", "slot-5x3"}, {"stake", 10}},
          std::chrono::seconds{30});
      auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::steady_clock::now() - t0)
                    .count();
      if (r.is_object() && r["type"] == "round") {
        ++rounds_;
        continue;
      }
      std::lock_guard<std::mutex> guard{mtx_};
      errors_[r.is_object() && r.contains("code") ? r["code"].get<std::string>()
                                                  : "no_reply"] += 1;
      slowest_error_ms_ = std::max<int64_t>(slowest_error_ms_, ms);
    }
  }

  std::string vendor_;
  std::unique_ptr<ws_client> ws_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> rounds_{0};
  std::atomic<int64_t> slowest_error_ms_{0};
  mutable std::mutex mtx_;
  std::map<std::string, int64_t> errors_;
};

json open_rounds(server_fixture& f) {
  auto res = f.http(reader_key).Get("/v1/vendors/remote/reconciliation");
  REQUIRE(res);
  REQUIRE(res->status == 200);
  return json::parse(res->body)["open_rounds"];
}

} // namespace

TEST_CASE(
    "killing the remote studio harms only its games, and restarted it plays again") {
  temp_dir studio_dir;
  auto secret_file = studio_dir.file("rgs.secret");
  std::ofstream{secret_file} << "isolation-test-shared-secret-42\n";
  auto studio = std::make_unique<studio_child>(secret_file, studio_dir.str(), 0);
  auto port = studio->port;

  server_fixture f{[&](server_options& o) {
    o.vendors = {"builtin", "remote"};
    o.risk_enabled = false; // machine-paced play: the risk engine would lock it
    o.ws_rate_per_s = 1'000'000;
    o.ws_burst = 1'000'000;
    o.ip_rate_per_s = 1'000'000;
    o.ip_burst = 1'000'000;
    o.vendor_settings["remote"] = {{"kind", "remote"},
                                   {"url", "http://127.0.0.1:" + std::to_string(port)},
                                   {"secret_file", secret_file},
                                   {"workers", "4"},
                                   {"timeout_ms", "1000"},
                                   {"round_timeout_ms", "2000"},
                                   {"breaker_failures", "3"},
                                   {"breaker_cooldown_ms", "60000"},
                                   {"health_probe_interval_ms", "100"}};
  }};
  auto [c1, remote_reg] = f.register_player("remote_spinner");
  auto [c2, local_reg] = f.register_player("local_spinner");
  auto remote_player = remote_reg["player_id"].get<int64_t>();
  auto local_player = local_reg["player_id"].get<int64_t>();
  f.deposit(remote_player, 10'000'000, "d-remote");
  f.deposit(local_player, 10'000'000, "d-local");

  spinner remote{f, remote_reg["token"].get<std::string>(), "remote"};
  spinner local{f, local_reg["token"].get<std::string>(), "builtin"};
  REQUIRE(wait_until([&] { return remote.rounds() >= 50 && local.rounds() >= 50; }));

  // Mid-load: SIGKILL.
  studio->kill9();
  REQUIRE(wait_until([&] { return remote.errors().count("vendor_unavailable") > 0; }));
  auto local_mark = local.rounds();
  REQUIRE(wait_until([&] { return local.rounds_since(local_mark) >= 50; }));
  auto during = remote.errors();
  int64_t failed = 0;
  for (const auto& [code, n] : during) {
    INFO(code);
    CHECK((code == "vendor_unavailable" || code == "vendor_error"));
    failed += n;
  }
  CHECK(failed > 0);

  // Restarted on the same port and data: the probe closes the circuit, play resumes
  // (within the wait below, far shorter than the minute of cool-down).
  studio = std::make_unique<studio_child>(secret_file, studio_dir.str(), port);
  auto ready = std::chrono::steady_clock::now();
  auto remote_mark = remote.rounds();
  REQUIRE(wait_until([&] { return remote.rounds_since(remote_mark) >= 1; },
                     std::chrono::seconds{20}));
  auto back_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::steady_clock::now() - ready)
                     .count();
  REQUIRE(wait_until([&] { return remote.rounds_since(remote_mark) >= 20; }));
  remote.stop();
  local.stop();

  // The in-process studio never failed.
  CHECK(local.errors().empty());
  // Every stake on the remote studio was settled or refunded.
  REQUIRE(wait_until([&] { return open_rounds(f).empty(); }));
  CHECK(f.verify().ok);
  WARN("remote rounds " << remote.rounds() << ", failed " << failed
                        << ", slowest failed answer " << remote.slowest_error_ms()
                        << " ms; in-process rounds " << local.rounds()
                        << "; played again " << back_ms
                        << " ms after the studio was ready");
}
