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
  cfg.read_sections();
  REQUIRE(cfg.opts.vendors.size() == 2);
  CHECK(cfg.opts.vendor_settings["faulty"]["kind"] == "scripted");
  CHECK(cfg.opts.vendor_settings["faulty"]["round_timeout_ms"] == "250");
  CHECK(cfg.opts.vendor_settings["builtin"]["slot_stake_max"] == "5000");
}

TEST_CASE("a score given as a whole number is read, not left at its default",
          "[config][risk]") {
  server_config cfg;
  std::istringstream ini{"[aggregator]\nrisk_review_score=1\nrisk_lock_score=1\n"};
  REQUIRE_FALSE(cfg.parse(std::vector<std::string>{}, ini));
  cfg.read_sections();
  CHECK(cfg.opts.risk_review_score == 1.0);
  CHECK(cfg.opts.risk_lock_score == 1.0);
  server_config fractions;
  std::istringstream text{"[aggregator]\nrisk_review_score=0.25\nrisk_lock_score=0.75\n"};
  REQUIRE_FALSE(fractions.parse(std::vector<std::string>{}, text));
  fractions.read_sections();
  CHECK(fractions.opts.risk_review_score == 0.25);
  CHECK(fractions.opts.risk_lock_score == 0.75);
}

TEST_CASE("the [events.kafka] section is read from the file and the command line",
          "[config][kafka]") {
  server_config cfg;
  std::istringstream ini{"[events.kafka]\nenabled=true\nbrokers=\"10.0.0.1:9092\"\n"
                         "topic_prefix=\"casino.events\"\nin_flight_max=100\n"
                         "settings=[\"compression.type=lz4\", \"linger.ms=20\"]\n"};
  std::vector<std::string> args{"--events.kafka.brokers=10.0.0.2:9092"};
  REQUIRE_FALSE(cfg.parse(args, ini));
  cfg.read_sections();
  const auto& k = cfg.opts.kafka;
  CHECK(k.enabled);
  CHECK(k.brokers == "10.0.0.2:9092");
  CHECK(k.topic_prefix == "casino.events");
  CHECK(k.in_flight_max == 100);
  CHECK(k.retry_ms == 1000);
  CHECK(k.settings == std::vector<std::string>{"compression.type=lz4", "linger.ms=20"});
  CHECK_FALSE(kafka_problem(k));
}

TEST_CASE("a bad [events.kafka] section is refused with the key named",
          "[config][kafka]") {
  auto problem_of = [](const std::string& section) {
    server_config cfg;
    std::istringstream ini{"[events.kafka]\n" + section};
    REQUIRE_FALSE(cfg.parse(std::vector<std::string>{}, ini));
    cfg.read_sections();
    auto p = cfg.opts.validate();
    return p ? *p : std::string{};
  };
  CHECK_THAT(problem_of("enabled=true\n"), Catch::StartsWith("events.kafka.brokers:"));
  CHECK_THAT(problem_of("enabled=true\nbrokers=\"b:1\"\ntopic_prefix=\"a b\"\n"),
             Catch::StartsWith("events.kafka.topic_prefix:"));
  CHECK_THAT(problem_of("enabled=true\nbrokers=\"b:1\"\nin_flight_max=0\n"),
             Catch::StartsWith("events.kafka.in_flight_max:"));
  CHECK_THAT(problem_of("enabled=true\nbrokers=\"b:1\"\nsettings=[\"linger.ms\"]\n"),
             Catch::StartsWith("events.kafka.settings:"));
  CHECK_THAT(problem_of("enabled=\"yes\"\n"), Catch::StartsWith("events.kafka.enabled:"));
  CHECK_THAT(problem_of("brokerz=\"b:1\"\n"), Catch::StartsWith("events.kafka.brokerz:"));
  // Off by default, and when off nothing else is asked for.
  CHECK(problem_of("brokers=\"\"\n").rfind("events.kafka", 0) == std::string::npos);
}

TEST_CASE("payment provider sections are read into the payment settings",
          "[config][payments]") {
  server_config cfg;
  std::istringstream ini{"[aggregator]\npayments=[\"sandbox\", \"psp-2\"]\n"
                         "[payments.sandbox]\nsecret=\"0123456789abcdef\"\ndelay_ms=50\n"
                         "[payments.psp-2]\nkind=\"sandbox\"\n"};
  REQUIRE_FALSE(cfg.parse(std::vector<std::string>{}, ini));
  cfg.read_sections();
  CHECK(cfg.opts.payment_settings["sandbox"]["delay_ms"] == "50");
  CHECK(cfg.opts.payment_settings["psp-2"]["kind"] == "sandbox");
  cfg.opts.payments.push_back("Bad Id");
  CHECK_THAT(*cfg.opts.validate(), Catch::StartsWith("aggregator.payments:"));
}
