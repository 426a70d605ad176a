#pragma once

// The JSON body of an HTTP error outside a protocol's own format, shared by the
// listeners: {"error":{"code":"...","message":"..."}}.

#include <nlohmann/json.hpp>

#include <string>

namespace agg::gateway {

inline std::string error_body(const std::string& code, const std::string& message) {
  return nlohmann::json{{"error", {{"code", code}, {"message", message}}}}.dump(
      -1, ' ', false, nlohmann::json::error_handler_t::replace);
}

} // namespace agg::gateway
