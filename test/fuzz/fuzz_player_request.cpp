// The player protocol's request decoder (gateway/json_codec.cpp) on any bytes as a
// text frame. It must answer every frame with a request or one of its documented error
// codes, and what it accepts must be usable downstream: the id encodes back into a
// reply, and params are one JSON object within the nesting bound.

#include "common/json_parse.hpp"
#include "gateway/json_codec.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view frame{reinterpret_cast<const char*>(data), size};
  agg::client_request req;
  agg::gateway::decode_error err;
  if (!agg::gateway::decode_request(frame, req, err)) {
    if (err.code != "malformed_json" && err.code != "json_too_deep" &&
        err.code != "invalid_field" && err.code != "unknown_type")
      std::abort();
    agg::gateway::encode(agg::out_error{err.id, err.code, err.message});
    return 0;
  }
  if (!req.params_json.empty() && !agg::parse_json(req.params_json).is_object())
    std::abort();
  agg::gateway::encode(agg::out_error{req.id, "invalid_params", req.params_json});
  agg::gateway::encode(
      agg::out_launch{req.id, {req.vendor, req.game_id, req.lobby_url, ""}});
  return 0;
}
