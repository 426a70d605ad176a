// The server at its descriptor limit, as a real process with a low RLIMIT_NOFILE: once
// it has no descriptor left, new connections are answered 503 and closed (the reserve
// descriptor makes room to do so) instead of waiting unanswered in the listen queue;
// the connections it holds keep working, and once some close it accepts again.

#include "support/raw_connection.hpp"
#include "support/server_process.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <memory>
#include <vector>

using namespace agg::test;

TEST_CASE("at the descriptor limit new connections are refused with 503, not left "
          "hanging",
          "[ws][limits]") {
  temp_dir dir;
  server_process server{AGGREGATOR_PATH,
                        {"--aggregator.data_dir=" + dir.str(),
                         "--aggregator.ws_bind_address=127.0.0.1",
                         "--aggregator.ws_port=0", "--aggregator.http_port=0",
                         "--aggregator.vendor_http_port=0",
                         "--aggregator.ws_connections_per_address_max=1000"},
                        96};
  std::vector<std::unique_ptr<raw_connection>> held;
  int refused = 0;
  for (int i = 0; i < 200 && refused == 0; ++i) {
    auto c = std::make_unique<raw_connection>(server.ws_port);
    REQUIRE(c->write(raw_connection::upgrade()));
    auto res = c->read();
    REQUIRE(res); // an answer either way, never silence or a reset
    if (res->result_int() == 101)
      held.push_back(std::move(c));
    else if (res->result_int() == 503)
      ++refused;
    else
      FAIL("unexpected answer " << res->result_int());
  }
  CHECK(refused == 1);
  CHECK(held.size() > 10);
  // The connections held still answer.
  REQUIRE(held.front()->write(raw_connection::text_frame(R"({"type":"ping","id":1})")));
  auto bytes = held.front()->read_until_closed(std::chrono::milliseconds{500});
  CHECK(bytes.find("pong") != std::string::npos);
  // Room again: accepted again.
  held.resize(held.size() - 5);
  bool accepted = false;
  for (int i = 0; i < 100 && !accepted; ++i) {
    raw_connection c{server.ws_port};
    REQUIRE(c.write(raw_connection::upgrade()));
    auto res = c.read();
    REQUIRE(res);
    accepted = res->result_int() == 101;
  }
  CHECK(accepted);
  CHECK(server.alive());
}
