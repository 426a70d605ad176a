#pragma once

// librdkafka's mock Kafka cluster in a process of its own (test/actors/events/
// kafka_mock_broker.cpp), for tests and benchmarks: so that a server killed with
// SIGKILL leaves the broker, and what it holds, up. Started with its bootstrap address
// read; commands go to its stdin (see that file); it exits when this goes.

#include <sys/wait.h>
#include <unistd.h>

#include <stdexcept>
#include <string>

namespace agg::test {

class kafka_broker_process {
public:
  explicit kafka_broker_process(const std::string& binary, const std::string& prefix = "agg") {
    int in[2];
    int out[2];
    if (pipe(in) != 0 || pipe(out) != 0) throw std::runtime_error("kafka broker: pipe");
    pid_ = fork();
    if (pid_ < 0) throw std::runtime_error("kafka broker: fork");
    if (pid_ == 0) {
      dup2(in[0], STDIN_FILENO);
      dup2(out[1], STDOUT_FILENO);
      for (int fd : {in[0], in[1], out[0], out[1]})
        close(fd);
      execl(binary.c_str(), binary.c_str(), prefix.c_str(), nullptr);
      _exit(127);
    }
    close(in[0]);
    close(out[1]);
    to_ = in[1];
    from_ = out[0];
    auto line = read_line();
    if (line.rfind("bootstrap ", 0) != 0)
      throw std::runtime_error("kafka broker did not start: '" + line + "'");
    bootstrap = line.substr(10);
  }

  ~kafka_broker_process() {
    close(to_); // its stdin closes: it exits
    close(from_);
    int status = 0;
    waitpid(pid_, &status, 0);
  }

  kafka_broker_process(const kafka_broker_process&) = delete;
  kafka_broker_process& operator=(const kafka_broker_process&) = delete;

  // Sends one command line; returns its answer ("ok" when done).
  std::string command(const std::string& c) {
    auto line = c + "\n";
    if (write(to_, line.data(), line.size()) != static_cast<ssize_t>(line.size()))
      return "error: write";
    return read_line();
  }

  std::string bootstrap;

private:
  std::string read_line() {
    std::string line;
    char ch = 0;
    while (read(from_, &ch, 1) == 1 && ch != '\n')
      line.push_back(ch);
    return line;
  }

  pid_t pid_ = -1;
  int to_ = -1;
  int from_ = -1;
};

} // namespace agg::test
