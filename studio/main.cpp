// aggregator-studio: the built-in games served over the remote RGS protocol, as a
// studio of its own process.
//
//   aggregator-studio --secret-file FILE [--bind 127.0.0.1] [--port 9090]
//                     [--data-dir ./studio-data] [--threads 8] [--replay-window-ms 30000]
//                     [--set key=value ...]   (settings of the built-in studio)
//
// Prints "aggregator-studio ready: port N" once it serves; stops on SIGINT/SIGTERM.

#include "common/log.hpp"
#include "studio/rgs_server.hpp"
#include "vendors/remote/rgs_protocol.hpp"

#include <csignal>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <pthread.h>

int main(int argc, char** argv) {
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  agg::studio::rgs_server_options opts;
  std::string secret_file;
  std::string data_dir = "./studio-data";
  auto usage = [] {
    std::cerr << "usage: aggregator-studio --secret-file FILE [--bind ADDR] [--port N] "
                 "[--data-dir DIR] [--threads N] [--replay-window-ms N] [--set key=value]"
              << std::endl;
    return 2;
  };
  try {
    for (int i = 1; i < argc; ++i) {
      std::string a = argv[i];
      if (i + 1 >= argc) return usage();
      std::string v = argv[++i];
      if (a == "--secret-file")
        secret_file = v;
      else if (a == "--bind")
        opts.bind_address = v;
      else if (a == "--port") {
        auto port = std::stoi(v);
        if (port < 0 || port > 65'535) return usage();
        opts.port = static_cast<uint16_t>(port);
      } else if (a == "--data-dir")
        data_dir = v;
      else if (a == "--threads") {
        opts.threads = std::stoi(v);
        if (opts.threads < 1 || opts.threads > 1024) return usage();
      } else if (a == "--replay-window-ms") {
        auto ms = std::stoll(v);
        if (ms < 1'000 || ms > 3'600'000) return usage();
        opts.replay_window = std::chrono::milliseconds{ms};
      } else if (a == "--set" && v.find('=') != std::string::npos)
        opts.settings[v.substr(0, v.find('='))] = v.substr(v.find('=') + 1);
      else
        return usage();
    }
    if (secret_file.empty()) return usage();
    opts.secret = agg::vendors::rgs::read_secret(secret_file);
    std::filesystem::create_directories(data_dir);
    opts.db_path = (std::filesystem::path{data_dir} / "studio.db").string();
    agg::studio::rgs_server server{opts};
    auto port = server.start();
    std::cout << "aggregator-studio ready: port " << port << std::endl;
    int sig = 0;
    sigwait(&stop_signals, &sig);
    server.stop();
    std::cout << "aggregator-studio stopped" << std::endl;
    return 0;
  } catch (const std::exception& e) {
    agg::log::error("studio", "startup failed", {{"error", e.what()}});
    return 1;
  }
}
