#include "gateway/cluster_http.hpp"

#include "gateway/ask.hpp"
#include "gateway/error_body.hpp"

#include <nlohmann/json.hpp>

#include <regex>

namespace agg::gateway {

using json = nlohmann::json;

std::optional<std::string> route_of(const httplib::Request& req,
                                    const cluster_view& view) {
  if (req.has_header(forwarded_header)) return std::nullopt;
  const auto& path = req.path;
  if (path == "/health" || path == "/ready" || path == "/metrics" ||
      path == "/v1/cluster")
    return std::nullopt;
  const auto& set = view.set();
  const auto& me = view.self().name;
  auto pick = [&](const std::string& node) -> std::optional<std::string> {
    if (node == me) return std::nullopt;
    return node;
  };
  if (req.has_param("node")) return pick(req.get_param_value("node"));
  static const std::regex player_path{R"(^/v1/players/(\d{1,18})(/.*)?$)"};
  std::smatch m;
  if (std::regex_match(path, m, player_path))
    return pick(set.owner_of(std::stoll(m[1].str())));
  if (path == "/v1/players" && req.method == "POST") {
    auto body = json::parse(req.body, nullptr, false);
    if (body.is_object() && body.contains("username") && body["username"].is_string())
      return pick(set.owner_of_username(body["username"].get<std::string>()));
  }
  if (path == "/v1/players" && req.has_param("username"))
    return pick(set.owner_of_username(req.get_param_value("username")));
  if (view.self().role == node_role::edge) return view.first_core_up();
  return std::nullopt;
}

namespace {

http_call call_of(const httplib::Request& req, const std::string& from) {
  http_call c;
  c.method = req.method;
  c.target = req.target;
  c.body = req.body;
  for (const char* h :
       {"Authorization", "X-API-Key", "X-Request-Id", "X-Forwarded-For", "Content-Type"})
    if (req.has_header(h)) {
      c.header_names.emplace_back(h);
      c.header_values.push_back(req.get_header_value(h));
    }
  // The client's address as this node saw it, for the audit and the address rules.
  if (!req.has_header("X-Forwarded-For") && !req.remote_addr.empty()) {
    c.header_names.emplace_back("X-Forwarded-For");
    c.header_values.push_back(req.remote_addr);
  }
  c.header_names.emplace_back(forwarded_header);
  c.header_values.push_back(from);
  return c;
}

http_reply unavailable_reply(const std::string& node) {
  return {503, error_body("unavailable", "node " + node + " is unavailable; retry"),
          "application/json"};
}

// One forwarded call: monitors the node's endpoint so that its loss ends the call.
caf::behavior forwarder(caf::event_based_actor* self, caf::actor endpoint,
                        std::string node, std::chrono::milliseconds timeout) {
  self->monitor(endpoint);
  return {
      [=](forward_atom, http_call& call) -> caf::result<http_reply> {
        auto rp = std::make_shared<caf::typed_response_promise<http_reply>>(
            self->make_response_promise<http_reply>());
        auto answer = [self, rp](http_reply r) {
          if (rp->pending()) rp->deliver(std::move(r));
          self->quit();
        };
        self->set_down_handler([=](caf::down_msg&) { answer(unavailable_reply(node)); });
        self->request(endpoint, timeout, forward_atom_v, std::move(call))
            .then([=](http_reply& r) { answer(std::move(r)); },
                  [=](caf::error& err) {
                    if (err == caf::sec::request_timeout)
                      answer(http_reply{
                          504, error_body("timeout", "node " + node + " did not answer"),
                          "application/json"});
                    else
                      answer(unavailable_reply(node));
                  });
        return *rp;
      },
  };
}

} // namespace

void forward_call(caf::actor_system& sys, const cluster_view& view,
                  const std::string& node, const httplib::Request& req,
                  httplib::Response& res, std::chrono::milliseconds timeout) {
  res.set_header(node_header, node);
  http_reply reply;
  if (auto ep = view.endpoint(node)) {
    auto f = sys.spawn(forwarder, ep, node, timeout);
    auto got = ask<http_reply>(sys, timeout + std::chrono::seconds{1}, f, forward_atom_v,
                               call_of(req, view.self().name));
    if (auto* r = std::get_if<http_reply>(&got))
      reply = std::move(*r);
    else
      reply = unavailable_reply(node);
  } else {
    reply = unavailable_reply(node);
  }
  res.status = reply.status;
  res.set_content(reply.body, reply.content_type.empty() ? std::string{"application/json"}
                                                         : reply.content_type);
}

bool pass_on(caf::actor_system& sys, const cluster_view& view,
             std::chrono::milliseconds timeout, const httplib::Request& req,
             httplib::Response& res) {
  auto target = route_of(req, view);
  if (!target) return false;
  if (target->empty()) {
    res.status = 503;
    res.set_content(error_body("unavailable", "no core node is up; retry"),
                    "application/json");
  } else if (!view.set().find(*target) || view.set().find(*target)->pattern()) {
    res.status = 404;
    res.set_content(error_body("unknown_node", "no node '" + *target + "' in the set"),
                    "application/json");
  } else {
    forward_call(sys, view, *target, req, res, timeout);
  }
  return true;
}

caf::actor spawn_http_executor(caf::actor_system& sys,
                               std::shared_ptr<std::atomic<uint16_t>> port,
                               size_t workers, std::chrono::milliseconds timeout) {
  auto factory = [&sys, port, timeout] {
    return sys.spawn<caf::detached>([port,
                                     timeout](caf::event_based_actor*) -> caf::behavior {
      return {
          [port, timeout](forward_atom, http_call& call) -> http_reply {
            httplib::Client cli{"127.0.0.1", port->load()};
            auto secs = std::chrono::duration_cast<std::chrono::seconds>(timeout).count();
            cli.set_read_timeout(static_cast<time_t>(secs), 0);
            cli.set_write_timeout(static_cast<time_t>(secs), 0);
            httplib::Headers headers;
            std::string type = "application/json";
            for (size_t i = 0; i < call.header_names.size(); ++i) {
              if (call.header_names[i] == "Content-Type")
                type = call.header_values[i];
              else
                headers.emplace(call.header_names[i], call.header_values[i]);
            }
            const auto& path = call.target;
            auto r = call.method == "GET"    ? cli.Get(path, headers)
                     : call.method == "POST" ? cli.Post(path, headers, call.body, type)
                     : call.method == "PUT"  ? cli.Put(path, headers, call.body, type)
                                             : cli.Delete(path, headers, call.body, type);
            if (!r)
              return {503, error_body("unavailable", "the operator API did not answer"),
                      "application/json"};
            return {r->status, r->body, r->get_header_value("Content-Type")};
          },
      };
    });
  };
  return caf::actor_cast<caf::actor>(caf::actor_pool::make(
      sys.dummy_execution_unit(), workers, factory, caf::actor_pool::round_robin()));
}

std::string cluster_json(caf::actor_system& sys, const cluster_view& view,
                         std::chrono::milliseconds timeout) {
  json nodes = json::array();
  for (const auto& p : view.peers()) {
    static const char* states[] = {"self", "up", "down", "refused"};
    json n{{"name", p.node.name},
           {"role", to_string(p.node.role)},
           {"address", p.node.host + ":" + std::to_string(p.node.port)},
           {"state", states[static_cast<int>(p.state)]},
           {"since_us", p.since_us}};
    if (!p.problem.empty()) n["problem"] = p.problem;
    if (p.endpoint) {
      auto got = ask<node_status>(sys, timeout, p.endpoint, status_atom_v);
      if (auto* s = std::get_if<node_status>(&got)) {
        n["sessions"] = s->sessions;
        if (p.node.role == node_role::core) {
          n["players"] = s->players;
          n["wallets"] = s->wallets;
          n["ledger_seq"] = s->ledger_seq;
        }
      }
    }
    nodes.push_back(std::move(n));
  }
  json out{{"node", view.self().name},
           {"role", to_string(view.self().role)},
           {"epoch", view.set().epoch()},
           {"digest", view.set().digest()},
           {"nodes", std::move(nodes)}};
  return out.dump();
}

std::string cluster_metrics(const cluster_view& view) {
  std::string out =
      "# HELP agg_cluster_peer_up Whether a node of the cluster is up (1) as this node "
      "sees it; this node counts as up.\n# TYPE agg_cluster_peer_up gauge\n";
  for (const auto& p : view.peers()) {
    bool up = p.state == cluster_view::peer_state::self ||
              p.state == cluster_view::peer_state::up;
    out += "agg_cluster_peer_up{node=\"" + p.node.name + "\",role=\"" +
           to_string(p.node.role) + "\"} " + (up ? "1" : "0") + "\n";
  }
  out += "# HELP agg_cluster_node_set_mismatch 1 when no peer agrees with this node's "
         "node set.\n# TYPE agg_cluster_node_set_mismatch gauge\n"
         "agg_cluster_node_set_mismatch " +
         std::string{view.mismatched() ? "1" : "0"} + "\n";
  return out;
}

bool cluster_ready(const cluster_view& view, bool locally_ready, std::string& body) {
  std::string why;
  if (!locally_ready)
    why = "starting";
  else if (view.mismatched())
    why = "node_set_mismatch";
  else if (!view.any_core_up())
    why = "no_core_up";
  body = why.empty() ? R"({"status":"ready"})"
                     : json{{"status", "not_ready"}, {"reason", why}}.dump();
  return why.empty();
}

} // namespace agg::gateway
