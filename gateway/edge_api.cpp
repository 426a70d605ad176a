#include "gateway/edge_api.hpp"

#include "common/crypto.hpp"
#include "gateway/cluster_http.hpp"
#include "gateway/error_body.hpp"
#include "gateway/http_files.hpp"

namespace agg::gateway {

edge_api::edge_api(http_options opts, caf::actor_system& sys,
                   std::shared_ptr<metrics> stats,
                   std::chrono::milliseconds status_timeout)
    : opts_(std::move(opts)), sys_(sys), stats_(std::move(stats)),
      status_timeout_(status_timeout),
      listener_("the operator API", static_cast<size_t>(opts_.threads),
                opts_.body_bytes_max) {
  auto& srv = listener_.server();
  auto view = opts_.cluster;
  srv.Get("/health", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(R"({"status":"ok"})", "application/json");
  });
  srv.Get("/ready", [view](const httplib::Request&, httplib::Response& res) {
    std::string body;
    res.status = cluster_ready(*view, true, body) ? 200 : 503;
    res.set_content(body, "application/json");
  });
  srv.Get("/metrics", [this, view](const httplib::Request&, httplib::Response& res) {
    res.set_content(stats_->prometheus() + cluster_metrics(*view),
                    "text/plain; version=0.0.4");
  });
  srv.Get("/v1/cluster", [this, view](const httplib::Request& req,
                                      httplib::Response& res) {
    auto given = req.get_header_value("X-API-Key");
    auto auth = req.get_header_value("Authorization");
    if (given.empty() && auth.rfind("Bearer ", 0) == 0) given = auth.substr(7);
    bool known = false;
    for (const auto& k : opts_.keys)
      known = known || (!given.empty() && same_secret(k.key, given));
    if (!known) {
      stats_->errors.inc("unauthorized");
      res.status = 401;
      return res.set_content(error_body("unauthorized", "a valid API key is required"),
                             "application/json");
    }
    res.set_content(cluster_json(sys_, *view, status_timeout_), "application/json");
  });
  serve_files(srv, opts_.files);
  // Everything else: to the node that serves it.
  auto pass = [this, view](const httplib::Request& req, httplib::Response& res) {
    stats_->http_requests.fetch_add(1, std::memory_order_relaxed);
    if (!pass_on(sys_, *view, opts_.request_timeout, req, res)) {
      res.status = 404;
      res.set_content(error_body("not_found", "not_found"), "application/json");
    }
  };
  srv.Get(".*", pass);
  srv.Post(".*", pass);
  srv.Put(".*", pass);
  srv.Delete(".*", pass);
}

uint16_t edge_api::start() {
  return listener_.start(opts_.bind_address, opts_.port);
}

void edge_api::stop() {
  listener_.stop();
}

} // namespace agg::gateway
