// The operator API's body decoders (gateway/operator_bodies.cpp) on any bytes as a
// request body: each answers a request or a documented 400 error, and what they accept
// holds what the handlers rely on (a non-empty idempotency key, strings for the
// account's fields).

#include "gateway/operator_bodies.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

void expect_refusal(const agg::gateway::api_error& e) {
  if (e.status != 400) std::abort();
  if (e.code != "malformed_json" && e.code != "json_too_deep" &&
      e.code != "invalid_field")
    std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body{reinterpret_cast<const char*>(data), size};
  using namespace agg::gateway;
  auto player = decode_new_player(body);
  if (auto* e = std::get_if<api_error>(&player)) expect_refusal(*e);
  auto transfer = decode_transfer(body, size % 2 == 0 ? "" : "header-key");
  if (auto* e = std::get_if<api_error>(&transfer))
    expect_refusal(*e);
  else if (std::get<transfer_body>(transfer).idempotency_key.empty())
    std::abort();
  decode_reason(body);
  return 0;
}
