#include "gateway/cli_tools.hpp"

#include "config/server_config.hpp"
#include "persistence/event_json.hpp"
#include "persistence/event_log.hpp"
#include "persistence/verify.hpp"

#include <chrono>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <thread>

namespace agg::gateway {

int run_verify(int argc, char** argv) {
  server_options opts;
  std::optional<global_head> checkpoint;
  for (int i = 2; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&](const char* name) -> const char* {
      if (arg == name && i + 1 < argc) return argv[++i];
      return nullptr;
    };
    if (auto v = value("--data-dir")) {
      opts.data_dir = v;
    } else if (auto f = value("--db-file")) {
      opts.db_file = f;
    } else if (auto c = value("--checkpoint")) {
      checkpoint = parse_checkpoint(c);
      if (!checkpoint) {
        std::cerr << "verify: --checkpoint takes SEQ:HASH (64 hex digits), got " << c
                  << std::endl;
        return 2;
      }
    } else {
      std::cerr << "usage: aggregator verify --data-dir DIR [--db-file NAME] "
                   "[--checkpoint SEQ:HASH]"
                << std::endl;
      return 2;
    }
  }
  if (!std::filesystem::exists(opts.db_path())) {
    std::cerr << "verify: no database at " << opts.db_path() << std::endl;
    return 2;
  }
  try {
    auto report = verify_database(opts.db_path(), checkpoint);
    if (!report.ok) {
      std::cout << "verify FAILED: " << report.error << std::endl;
      return 1;
    }
    std::cout << "verify ok: " << report.players << " players, " << report.entries
              << " ledger entries, " << report.activities
              << " activity records, every chain and balance consistent; head "
              << to_string(report.head);
    if (checkpoint) std::cout << "; checkpoint " << to_string(*checkpoint) << " held";
    std::cout << std::endl;
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "verify: " << e.what() << std::endl;
    return 2;
  }
}

int run_events(int argc, char** argv) {
  server_options opts;
  int64_t from = 1;
  bool follow = false;
  for (int i = 2; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&](const char* name) -> const char* {
      if (arg == name && i + 1 < argc) return argv[++i];
      return nullptr;
    };
    if (auto v = value("--data-dir")) {
      opts.data_dir = v;
    } else if (auto f = value("--db-file")) {
      opts.db_file = f;
    } else if (auto s = value("--from")) {
      try {
        size_t used = 0;
        from = std::stoll(s, &used);
        if (used != std::string{s}.size() || from < 1) throw std::invalid_argument(s);
      } catch (const std::exception&) {
        std::cerr << "events: --from takes a position of 1 or more, got " << s
                  << std::endl;
        return 2;
      }
    } else if (arg == "--follow") {
      follow = true;
    } else {
      std::cerr << "usage: aggregator events --data-dir DIR [--db-file NAME] "
                   "[--from SEQ] [--follow]"
                << std::endl;
      return 2;
    }
  }
  if (!std::filesystem::exists(opts.db_path())) {
    std::cerr << "events: no database at " << opts.db_path() << std::endl;
    return 2;
  }
  try {
    auto conn = db::connection::open(opts.db_path(), db::open_mode::read_only);
    event_log log{conn};
    int64_t after = from - 1;
    for (;;) {
      auto page = log.after(after, 1'000);
      for (const auto& ev : page)
        std::cout << to_json(ev) << '\n';
      if (!page.empty()) {
        after = page.back().gseq();
        std::cout.flush();
        continue;
      }
      if (!follow) return 0;
      std::this_thread::sleep_for(std::chrono::milliseconds{200});
    }
  } catch (const std::exception& e) {
    std::cerr << "events: " << e.what() << std::endl;
    return 2;
  }
}

} // namespace agg::gateway
