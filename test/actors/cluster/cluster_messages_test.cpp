// Every type that crosses nodes goes through CAF's serializer as a message does on the
// wire, and comes back with every field: a type without inspect() or a type id would
// arrive empty or not at all.

#include "actors/core/cluster_messages.hpp"

#include <catch2/catch.hpp>

using namespace agg;

namespace {

struct wire_system {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  wire_system() {
    cfg.add_message_types<caf::id_block::agg>();
    cfg.add_message_types<caf::id_block::agg_cluster>();
    sys = std::make_unique<caf::actor_system>(cfg);
  }
};

template <class T>
void round_trip(caf::actor_system& sys, const T& value) {
  auto msg = caf::make_message(value);
  std::vector<char> buf;
  caf::binary_serializer sink{sys, buf};
  REQUIRE_FALSE(inspect(sink, msg));
  caf::message back;
  caf::binary_deserializer source{sys, buf};
  REQUIRE_FALSE(inspect(source, back));
  REQUIRE(back.match_elements<T>());
  auto before = caf::deep_to_string(value);
  auto after = caf::deep_to_string(back.get_as<T>(0));
  INFO(before);
  CHECK(after == before);
  // Not the default value: a field lost on the way would show.
  CHECK(after != caf::deep_to_string(T{}));
}

} // namespace

TEST_CASE("cluster messages: every cross-node type round-trips through the serializer") {
  wire_system w;
  auto& sys = *w.sys;
  round_trip(sys, node_hello{"aggregator", "core-1", 7, "ab12"});
  round_trip(sys, node_status{"core-2", "core", 1'000, 12, 5, 99'999});
  round_trip(sys, std::vector<node_status>{{"edge-0", "edge", 0, 0, 3, 0},
                                           {"core-0", "core", 10, 2, 1, 77}});
  round_trip(sys, wire_frame{R"({"type":"balance"})", "\"r-1\"", "EUR", 42});
  round_trip(sys, http_call{"POST",
                            "/v1/players/5/lock?node=core-1",
                            R"({"reason":"x"})",
                            {"Authorization", "X-Request-Id"},
                            {"Bearer k", "req-9"}});
  round_trip(sys, http_reply{409, R"({"error":{}})", "application/json"});
  client_request req;
  req.op = static_cast<uint8_t>(client_op::play);
  req.id = "\"7\"";
  req.username = "alice";
  req.token = "v1.x.y";
  req.game_id = "slot";
  req.stake = 100;
  req.params_json = "{}";
  req.device.id = "device-1";
  req.limit_amount = 5;
  req.free_round = "grant";
  round_trip(sys, req);
  vendors::seamless_call call;
  call.op = 2;
  call.request_id = "u-1";
  call.token = "17-abcdef";
  call.user = "17";
  call.currency = "EUR";
  call.tx_id = "tx";
  call.amount = 250;
  call.round_closed = true;
  round_trip(sys, call);
  vendors::seamless_result result;
  result.status = 1;
  result.currency = "EUR";
  result.balance = 1'000;
  round_trip(sys, result);
}
