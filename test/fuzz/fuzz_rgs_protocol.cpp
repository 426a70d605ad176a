// The remote RGS protocol's bodies (vendors/remote/rgs_protocol.cpp) on any bytes: the
// studio decodes round contexts from requests, the aggregator outcomes and games from
// answers. Each decoder either throws or returns a value that encodes and decodes
// back to the same value.

#include "common/json_parse.hpp"
#include "vendors/remote/rgs_protocol.hpp"

#include <cstdint>
#include <cstdlib>
#include <exception>
#include <string_view>

namespace rgs = agg::vendors::rgs;

namespace {

template <class F>
void no_throw_expected(F f) {
  try {
    f();
  } catch (const std::exception&) {
    std::abort(); // a value we encoded ourselves must decode
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto parsed = agg::parse_json({reinterpret_cast<const char*>(data), size});
  if (!parsed.is_object()) return 0;
  const auto& doc = parsed.doc;
  try {
    auto c = rgs::context_from_json(doc);
    no_throw_expected([&] {
      auto again = rgs::context_from_json(rgs::to_json(c));
      if (again.round_id != c.round_id || again.stake != c.stake ||
          again.player_id != c.player_id || again.params_json != c.params_json)
        std::abort();
    });
  } catch (const std::exception&) {
  }
  try {
    auto o = rgs::outcome_from_json(doc);
    no_throw_expected([&] {
      auto again = rgs::outcome_from_json(rgs::to_json(o));
      if (again.win != o.win || again.detail_json != o.detail_json ||
          again.proof.has_value() != o.proof.has_value())
        std::abort();
    });
  } catch (const std::exception&) {
  }
  try {
    auto g = rgs::game_from_json(doc);
    no_throw_expected([&] {
      auto again = rgs::game_from_json(rgs::to_json(g));
      if (again.game_id != g.game_id || again.stake_max != g.stake_max ||
          again.currencies != g.currencies)
        std::abort();
    });
  } catch (const std::exception&) {
  }
  return 0;
}
