// Proves that invalid option values stop startup with one line naming the key.

#include "config/server_config.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

using namespace agg;

TEST_CASE("the defaults are valid", "[config]") {
  test::temp_dir dir;
  server_options o;
  o.data_dir = dir.file("data");
  CHECK_FALSE(o.validate());
}

TEST_CASE("out-of-range values name their key", "[config]") {
  test::temp_dir dir;
  server_options o;
  o.data_dir = dir.str();
  o.commit_window_us = -1;
  auto problem = o.validate();
  REQUIRE(problem);
  CHECK_THAT(*problem, Catch::StartsWith("aggregator.commit_window_us:"));
  o.commit_window_us = 0;
  o.commit_batch_max = 0;
  REQUIRE(o.validate());
  CHECK_THAT(*o.validate(), Catch::StartsWith("aggregator.commit_batch_max:"));
  o.commit_batch_max = 1;
  o.checkpoint_after_pages = o.wal_checkpoint_pages_max;
  REQUIRE(o.validate());
  CHECK_THAT(*o.validate(), Catch::StartsWith("aggregator.checkpoint_after_pages:"));
}

TEST_CASE("an unwritable data directory is refused", "[config]") {
  test::temp_dir dir;
  server_options o;
  o.data_dir = dir.file("file-not-dir");
  { std::ofstream{o.data_dir} << "x"; }
  auto problem = o.validate();
  REQUIRE(problem);
  CHECK_THAT(*problem, Catch::StartsWith("aggregator.data_dir:"));
}

TEST_CASE("the command line overrides the config file", "[config]") {
  server_config cfg;
  std::istringstream ini{"[aggregator]\ncommit_window_us=250\ncommit_batch_max=64\n"};
  std::vector<std::string> args{"--aggregator.commit_batch_max=32"};
  REQUIRE_FALSE(cfg.parse(args, ini));
  CHECK(cfg.opts.commit_window_us == 250);
  CHECK(cfg.opts.commit_batch_max == 32);
}

TEST_CASE("vendor sections are read into the vendor settings", "[config]") {
  server_config cfg;
  std::istringstream ini{"[aggregator]\nvendors=[\"builtin\", \"faulty\"]\n"
                         "[vendors.faulty]\nkind=\"scripted\"\nround_timeout_ms=250\n"
                         "[vendors.builtin]\nslot_stake_max=5000\n"};
  REQUIRE_FALSE(cfg.parse(std::vector<std::string>{}, ini));
  cfg.read_vendor_sections();
  REQUIRE(cfg.opts.vendors.size() == 2);
  CHECK(cfg.opts.vendor_settings["faulty"]["kind"] == "scripted");
  CHECK(cfg.opts.vendor_settings["faulty"]["round_timeout_ms"] == "250");
  CHECK(cfg.opts.vendor_settings["builtin"]["slot_stake_max"] == "5000");
}
