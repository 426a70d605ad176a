#include "gateway/vendor_api.hpp"

#include "gateway/ask.hpp"
#include "gateway/http_listener.hpp"
#include "vendors/seamless.hpp"

#include <nlohmann/json.hpp>

#include <iostream>
#include <map>
#include <set>

namespace agg::gateway {

namespace {

using json = nlohmann::json;

const char* op_name(uint8_t op) {
  switch (static_cast<vendors::seamless_op>(op)) {
    case vendors::seamless_op::check:
      return "check";
    case vendors::seamless_op::balance:
      return "balance";
    case vendors::seamless_op::bet:
      return "bet";
    case vendors::seamless_op::win:
      return "win";
    case vendors::seamless_op::rollback:
      return "rollback";
  }
  return "unknown";
}

} // namespace

struct vendor_api::impl {
  vendor_api_options opts;
  caf::actor_system& sys;
  node& n;
  std::map<std::string, std::unique_ptr<vendors::wallet_codec>> codecs; // by vendor id
  http_listener listener;

  impl(vendor_api_options o, caf::actor_system& s, node& nd)
      : opts(std::move(o)), sys(s), n(nd),
        listener("the vendor listener", static_cast<size_t>(opts.threads),
                 opts.body_bytes_max) {
    const auto& server = n.options();
    for (const auto& id : server.vendors) {
      vendors::settings_map settings;
      if (auto i = server.vendor_settings.find(id); i != server.vendor_settings.end())
        settings = i->second;
      auto kind = settings.count("kind") ? settings.at("kind") : id;
      if (auto factory = vendors::find_wallet_codec(kind))
        codecs.emplace(id, factory(id, settings));
    }
    listener.server().Post(
        R"(/vendors/([A-Za-z0-9_.\-]+)/wallet/([a-z_]+))",
        [this](const httplib::Request& req, httplib::Response& res) { serve(req, res); });
  }

  void serve(const httplib::Request& req, httplib::Response& res) {
    auto vendor = req.matches[1].str();
    auto op = req.matches[2].str();
    auto c = codecs.find(vendor);
    if (c == codecs.end()) {
      n.stats()->errors.inc("unknown_vendor");
      res.status = 404;
      res.set_content(json{{"error",
                            {{"code", "unknown_vendor"},
                             {"message", "no studio '" + vendor +
                                             "' calls the wallet on this server"}}}}
                          .dump(-1, ' ', false, json::error_handler_t::replace),
                      "application/json");
      return;
    }
    const auto& codec = *c->second;
    std::string body;
    try {
      body = respond(vendor, op, codec, req);
    } catch (const std::exception& e) {
      // The codec's own format for a failure whose effect is not known.
      std::cerr << "vendor " << vendor << ": " << op << ": " << e.what() << std::endl;
      vendors::seamless_call call;
      auto doc = json::parse(req.body, nullptr, false);
      if (doc.is_object() && doc.contains("request_uuid") &&
          doc["request_uuid"].is_string())
        call.request_id = doc["request_uuid"].get<std::string>();
      vendors::seamless_result unknown;
      unknown.status = static_cast<uint8_t>(vendors::seamless_status::unknown);
      body = codec.encode(call, unknown);
    }
    res.status = 200;
    res.set_content(body, "application/json");
  }

  std::string respond(const std::string& vendor, const std::string& op,
                      const vendors::wallet_codec& codec, const httplib::Request& req) {
    auto decoded =
        codec.decode(op, req.body, req.get_header_value(codec.signature_header()));
    if (!decoded.call) {
      // The op comes from the path, before any authentication: not a label as is.
      static const std::set<std::string> known = {"check", "balance", "bet", "win",
                                                  "rollback"};
      n.stats()->vendor_calls.inc(vendor + "/" + (known.count(op) ? op : "other") +
                                  "/refused");
      return decoded.answer;
    }
    auto& call = *decoded.call;
    // Longer than the session lookup and the wallet call together, so that the answer
    // says what happened.
    auto wait = opts.request_timeout * 2 + std::chrono::seconds{1};
    auto reply = ask<vendors::seamless_result>(sys, wait, n.vendors(), seamless_atom_v,
                                               vendor, call);
    vendors::seamless_result result;
    if (auto* r = std::get_if<vendors::seamless_result>(&reply))
      result = std::move(*r);
    else
      result.status = static_cast<uint8_t>(vendors::seamless_status::unknown);
    n.stats()->vendor_calls.inc(
        vendor + "/" + op_name(call.op) + "/" +
        vendors::to_string(static_cast<vendors::seamless_status>(result.status)));
    return codec.encode(call, result);
  }
};

vendor_api::vendor_api(vendor_api_options opts, caf::actor_system& sys, node& n)
    : impl_(std::make_unique<impl>(std::move(opts), sys, n)) {}

vendor_api::~vendor_api() {
  stop();
}

bool vendor_api::needed() const {
  return !impl_->codecs.empty();
}

uint16_t vendor_api::start() {
  if (!needed()) return 0;
  return impl_->listener.start(impl_->opts.bind_address, impl_->opts.port);
}

void vendor_api::stop() {
  impl_->listener.stop();
}

} // namespace agg::gateway
