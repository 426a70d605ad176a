#include "gateway/http_listener.hpp"

#include "gateway/error_body.hpp"

#include <sys/socket.h>

namespace agg::gateway {

http_listener::http_listener(std::string what, size_t threads, size_t body_bytes_max)
    : what_(std::move(what)) {
  srv_.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  srv_.set_payload_max_length(body_bytes_max);
  // Small replies on kept-alive connections: without this, Nagle's algorithm and
  // delayed ACKs hold each one back some 40 ms.
  srv_.set_tcp_nodelay(true);
  // httplib's default also sets SO_REUSEPORT, which would let a second server bind
  // the same port without an error; keep the socket to widen its backlog after bind.
  srv_.set_socket_options([this](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    listen_fd_ = sock;
  });
  // A kept-alive connection holds a pool thread while it lives; it is handed back
  // after this many requests so that other connections get their turn.
  srv_.set_keep_alive_max_count(100);
  // ...and an idle one after 2 s, so that idle connections cannot hold every thread.
  srv_.set_keep_alive_timeout(2);
  srv_.set_read_timeout(std::chrono::seconds{10});
  srv_.set_write_timeout(std::chrono::seconds{10});
  srv_.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return;
    auto code = res.status == 404   ? "not_found"
                : res.status == 413 ? "payload_too_large"
                : res.status == 405 ? "method_not_allowed"
                                    : "bad_request";
    res.set_content(error_body(code, code), "application/json");
  });
}

http_listener::~http_listener() {
  stop();
}

uint16_t http_listener::start(const std::string& address, uint16_t port) {
  int bound = port == 0 ? srv_.bind_to_any_port(address)
                        : (srv_.bind_to_port(address, port) ? port : -1);
  if (bound <= 0)
    throw std::runtime_error("cannot bind " + what_ + " to " + address + ":" +
                             std::to_string(port));
  // httplib listens with a backlog of 5: clients that connect at once (a studio
  // reopening its kept-alive connections) would see their SYNs dropped and retry only
  // after a second or three. Listening again only resizes the queue.
  if (listen_fd_ != INVALID_SOCKET) ::listen(listen_fd_, SOMAXCONN);
  thread_ = std::thread{[this] { srv_.listen_after_bind(); }};
  // httplib's stop() does nothing before the server runs (and the server would then
  // run forever): return only once it does.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{10};
  while (!srv_.is_running() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds{1});
  return static_cast<uint16_t>(bound);
}

void http_listener::stop() {
  if (thread_.joinable()) {
    srv_.stop();
    thread_.join();
  }
}

} // namespace agg::gateway
