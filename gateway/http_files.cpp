#include "gateway/http_files.hpp"

#include "gateway/error_body.hpp"

namespace agg::gateway {

void serve_files(httplib::Server& srv, std::shared_ptr<const static_files> files) {
  if (!files || files->empty()) return;
  auto answer = [files](const httplib::Request& req, httplib::Response& res) {
    if (auto location = files->redirect_of(req.target)) {
      res.status = 302;
      res.set_header("Location", *location);
      return;
    }
    const auto* file = files->find(req.target);
    if (!file) {
      res.status = 404;
      res.set_content(error_body("not_found", "no such file"), "application/json");
      return;
    }
    if (req.get_header_value("If-None-Match") == file->etag) {
      res.status = 304;
      res.set_header("ETag", file->etag);
      return;
    }
    for (const auto& [name, value] : file->headers)
      if (name != "Content-Type") res.set_header(name, value);
    res.set_content(file->body, file->headers.front().second.c_str());
  };
  srv.Get("/", answer);
  srv.Get(R"(/(console|common)(/[A-Za-z0-9_.\-/]*)?)", answer);
}

} // namespace agg::gateway
