// The connection's outbox: frames leave in order and the bound holds, but a balance
// push replaces an older push of its currency still waiting (never the frame being
// written, never with an older balance), so that a reading client is not closed for
// out-of-date pushes.

#include "gateway/outbox.hpp"

#include <catch2/catch.hpp>

#include <vector>

using agg::gateway::outbox;

namespace {

std::vector<std::string> written(outbox& o) {
  std::vector<std::string> out;
  while (!o.empty()) {
    out.push_back(o.start_writing());
    o.done_writing();
  }
  return out;
}

} // namespace

TEST_CASE("frames leave in order, and a full outbox refuses more", "[outbox]") {
  outbox o{3};
  CHECK(o.push({"a", {}, 0}));
  CHECK(o.push({"b", {}, 0}));
  CHECK(o.push({"c", {}, 0}));
  CHECK_FALSE(o.push({"d", {}, 0}));
  CHECK(written(o) == std::vector<std::string>{"a", "b", "c"});
}

TEST_CASE("a newer balance push replaces a waiting one of its currency", "[outbox]") {
  outbox o{3};
  o.push({"round 1", {}, 0});
  o.push({"EUR 100", "EUR", 10});
  o.push({"USD 5", "USD", 11});
  // Full, but the EUR push is out of date: it goes, the new one joins the end.
  CHECK(o.push({"EUR 90", "EUR", 12}));
  CHECK(o.replaced() == 1);
  CHECK(o.size() == 3);
  // An older balance than the one waiting changes nothing.
  CHECK(o.push({"EUR 95", "EUR", 11}));
  CHECK(o.size() == 3);
  CHECK_FALSE(o.push({"round 2", {}, 0}));
  CHECK(written(o) == std::vector<std::string>{"round 1", "USD 5", "EUR 90"});
}

TEST_CASE("the frame being written is never replaced", "[outbox]") {
  outbox o{4};
  o.push({"EUR 100", "EUR", 1});
  CHECK(o.start_writing() == "EUR 100");
  CHECK(o.push({"EUR 80", "EUR", 2}));
  CHECK(o.push({"EUR 70", "EUR", 3}));
  CHECK(o.replaced() == 1);
  o.done_writing();
  CHECK(written(o) == std::vector<std::string>{"EUR 70"});
}
