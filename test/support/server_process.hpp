#pragma once

// The aggregator executable as a child process on loopback, for tests that need a
// real process: one with its own descriptor limit, one killed with SIGKILL. The ready
// line on its stdout tells the ports; the child is killed when this goes.

#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <string>
#include <sys/resource.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace agg::test {

class server_process {
public:
  // Starts `binary` with `args` (and, when `nofile` > 0, that descriptor limit), and
  // waits for its ready line.
  server_process(const std::string& binary, std::vector<std::string> args,
                 rlim_t nofile = 0) {
    int out[2];
    REQUIRE(pipe(out) == 0);
    pid_ = fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      dup2(out[1], STDOUT_FILENO);
      close(out[0]);
      close(out[1]);
      if (nofile > 0) {
        rlimit lim{nofile, nofile};
        setrlimit(RLIMIT_NOFILE, &lim);
      }
      std::vector<char*> argv{const_cast<char*>(binary.c_str())};
      for (auto& a : args)
        argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(binary.c_str(), argv.data());
      _exit(127);
    }
    close(out[1]);
    // The ready line (bounded: a child that fails exits, which ends the pipe).
    char ch = 0;
    while (read(out[0], &ch, 1) == 1 && ch != '\n')
      ready_line.push_back(ch);
    close(out[0]);
    INFO(ready_line);
    REQUIRE(ready_line.rfind("aggregator ready", 0) == 0);
    ws_port = port_after("ws://127.0.0.1:");
    http_port = port_after("http://127.0.0.1:");
  }

  ~server_process() { kill9(); }
  server_process(const server_process&) = delete;
  server_process& operator=(const server_process&) = delete;

  bool alive() const { return pid_ > 0 && ::kill(pid_, 0) == 0; }

  void kill9() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
  }

  void signal(int sig) {
    if (pid_ > 0) ::kill(pid_, sig);
  }

  // SIGTERM, then waits up to `bound` for the exit: its status (WEXITSTATUS), or -1
  // when it had to be killed.
  int terminate(std::chrono::milliseconds bound = std::chrono::seconds{30}) {
    if (pid_ <= 0) return -1;
    ::kill(pid_, SIGTERM);
    auto deadline = std::chrono::steady_clock::now() + bound;
    int status = 0;
    while (std::chrono::steady_clock::now() < deadline) {
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds{10});
    }
    kill9();
    return -1;
  }

  std::string ready_line;
  uint16_t ws_port = 0;
  uint16_t http_port = 0;

private:
  uint16_t port_after(const std::string& prefix) const {
    auto at = ready_line.find(prefix);
    REQUIRE(at != std::string::npos);
    return static_cast<uint16_t>(std::stoi(ready_line.substr(at + prefix.size())));
  }

  pid_t pid_ = -1;
};

} // namespace agg::test
