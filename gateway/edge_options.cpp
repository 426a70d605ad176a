#include "gateway/edge_options.hpp"

namespace agg::gateway {

ws_options ws_options_of(const server_options& o) {
  ws_options ws;
  ws.bind_address = o.ws_bind_address;
  ws.port = static_cast<uint16_t>(o.ws_port);
  ws.threads = static_cast<int>(o.ws_threads);
  ws.frame_bytes_max = static_cast<size_t>(o.ws_frame_bytes_max);
  ws.handshake_timeout = std::chrono::milliseconds{o.ws_handshake_timeout_ms};
  ws.idle_timeout = std::chrono::milliseconds{o.ws_idle_timeout_ms};
  ws.write_queue_len_max = static_cast<size_t>(o.ws_write_queue_len_max);
  ws.rate_per_s = static_cast<double>(o.ws_rate_per_s);
  ws.burst = static_cast<double>(o.ws_burst);
  ws.ip_rate_per_s = static_cast<double>(o.ip_rate_per_s);
  ws.ip_burst = static_cast<double>(o.ip_burst);
  ws.flood_strikes_max = static_cast<int>(o.ws_flood_strikes_max);
  ws.connections_per_address_max = static_cast<size_t>(o.ws_connections_per_address_max);
  ws.send_buffer_bytes = static_cast<int>(o.ws_send_buffer_bytes);
  ws.proxies = trusted_proxies::parse(o.trusted_proxies).value_or(trusted_proxies{});
  ws.files = player_files(o.web_dir);
  return ws;
}

std::optional<std::string> edge_problem(const server_options& o) {
  if (!trusted_proxies::parse(o.trusted_proxies))
    return "aggregator.trusted_proxies: each entry is an address or a network in CIDR "
           "form, e.g. \"10.0.0.0/8\" or \"fd00::/8\"";
  try {
    player_files(o.web_dir);
    console_files(o.web_dir);
  } catch (const std::exception& e) {
    return std::string{"aggregator.web_dir: "} + e.what() +
           " (it holds player/, console/ and common/; empty: no web client)";
  }
  return std::nullopt;
}

http_options http_options_of(const server_options& o) {
  http_options http;
  http.bind_address = o.http_bind_address;
  http.port = static_cast<uint16_t>(o.http_port);
  http.threads = static_cast<int>(o.http_threads);
  http.body_bytes_max = static_cast<size_t>(o.http_body_bytes_max);
  http.request_timeout = std::chrono::milliseconds{o.request_timeout_ms};
  http.keys = parse_api_keys(o.api_keys);
  http.files = console_files(o.web_dir);
  return http;
}

vendor_api_options vendor_api_options_of(const server_options& o) {
  vendor_api_options v;
  v.bind_address = o.vendor_http_bind_address;
  v.port = static_cast<uint16_t>(o.vendor_http_port);
  v.threads = static_cast<int>(o.vendor_http_threads);
  v.connections_max = static_cast<size_t>(o.vendor_http_connections_max);
  v.body_bytes_max = static_cast<size_t>(o.http_body_bytes_max);
  v.request_timeout = std::chrono::milliseconds{o.request_timeout_ms};
  return v;
}

} // namespace agg::gateway
