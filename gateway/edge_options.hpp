#pragma once

// The one place that turns the server's options into its three listeners' options:
// the executable and the test fixture both build their edges from here, so that a
// test runs the listeners as the server configures them.

#include "config/server_config.hpp"
#include "gateway/http_api.hpp"
#include "gateway/vendor_api.hpp"
#include "gateway/ws_server.hpp"

namespace agg::gateway {

ws_options ws_options_of(const server_options& o);
http_options http_options_of(const server_options& o);
vendor_api_options vendor_api_options_of(const server_options& o);

// What the edges find wrong in the options (beyond server_options::validate).
std::optional<std::string> edge_problem(const server_options& o);

} // namespace agg::gateway
