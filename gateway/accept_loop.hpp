#pragma once

// The accept loop the Beast listeners share: each accepted socket gets a strand of its
// own and goes to `on_socket`. It holds one descriptor in reserve: when the process has
// no descriptor left, the reserve is given up to accept the waiting connection, answer
// it 503 and close it, so that clients at the limit are refused cleanly instead of
// hanging in the listen queue. After any other failed accept it waits a little before
// accepting again, instead of spinning on the same failure; failures are logged once
// a second at most.

#include "common/log.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <string>

namespace agg::gateway {

class accept_loop {
public:
  using socket_handler = std::function<void(boost::asio::ip::tcp::socket)>;

  // `what` names the listener in the log; `stopped` is read before each accept;
  // `on_refused` (may be empty) hears of each connection refused for want of a
  // descriptor.
  accept_loop(boost::asio::io_context& ioc, boost::asio::ip::tcp::acceptor& acceptor,
              std::string what, const std::atomic<bool>& stopped,
              socket_handler on_socket, std::function<void()> on_refused = {})
      : ioc_(ioc), acceptor_(acceptor), what_(std::move(what)), stopped_(stopped),
        on_socket_(std::move(on_socket)), on_refused_(std::move(on_refused)), retry_(ioc),
        spare_fd_(::open("/dev/null", O_RDONLY | O_CLOEXEC)) {}

  ~accept_loop() {
    if (spare_fd_ >= 0) ::close(spare_fd_);
  }

  accept_loop(const accept_loop&) = delete;
  accept_loop& operator=(const accept_loop&) = delete;

  void start() {
    acceptor_.async_accept(
        boost::asio::make_strand(ioc_),
        [this](boost::system::error_code ec, boost::asio::ip::tcp::socket s) {
          if (ec == boost::asio::error::operation_aborted || stopped_) return;
          if (!ec) {
            on_socket_(std::move(s));
            return start();
          }
          auto now = std::chrono::steady_clock::now();
          if (now - last_error_ >= std::chrono::seconds{1}) {
            last_error_ = now;
            log::warn("listener", "accept failed",
                      {{"listener", what_}, {"error", ec.message()}});
          }
          if ((ec == boost::asio::error::no_descriptors || ec.value() == ENFILE) &&
              refuse_one())
            return start();
          retry_.expires_after(retry_delay);
          retry_.async_wait([this](boost::system::error_code ec) {
            if (!ec && !stopped_) start();
          });
        });
  }

  static constexpr std::chrono::milliseconds retry_delay{100};

private:
  // Out of descriptors: the reserve makes room to take the oldest waiting connection
  // and answer it. Returns false when there was none to take.
  bool refuse_one() {
    if (spare_fd_ < 0) return false;
    ::close(spare_fd_);
    int fd = ::accept4(acceptor_.native_handle(), nullptr, nullptr, SOCK_CLOEXEC);
    if (fd >= 0) {
      // What the client sent is read first: closing on unread bytes would reset the
      // connection before the client reads the answer.
      char scratch[4096];
      while (::recv(fd, scratch, sizeof(scratch), MSG_DONTWAIT) > 0) {
      }
      static constexpr char busy[] =
          "HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nRetry-After: 1\r\n"
          "Content-Type: text/plain\r\nContent-Length: 22\r\n\r\nserver at its capacity";
      [[maybe_unused]] auto sent = ::send(fd, busy, sizeof(busy) - 1, MSG_NOSIGNAL);
      ::shutdown(fd, SHUT_WR);
      ::close(fd);
      if (on_refused_) on_refused_();
    }
    spare_fd_ = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    return fd >= 0;
  }

  boost::asio::io_context& ioc_;
  boost::asio::ip::tcp::acceptor& acceptor_;
  std::string what_;
  const std::atomic<bool>& stopped_;
  socket_handler on_socket_;
  std::function<void()> on_refused_;
  boost::asio::steady_timer retry_;
  std::chrono::steady_clock::time_point last_error_{};
  int spare_fd_; // the descriptor held in reserve
};

} // namespace agg::gateway
