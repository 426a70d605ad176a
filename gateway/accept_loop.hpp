#pragma once

// The accept loop the Beast listeners share: each accepted socket gets a strand of its
// own and goes to `on_socket`. After a failed accept (out of file descriptors, say) it
// waits a little before accepting again, instead of spinning on the same failure, and
// logs such failures once a second at most.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <iostream>
#include <string>

namespace agg::gateway {

class accept_loop {
public:
  using socket_handler = std::function<void(boost::asio::ip::tcp::socket)>;

  // `what` names the listener in the log; `stopped` is read before each accept.
  accept_loop(boost::asio::io_context& ioc, boost::asio::ip::tcp::acceptor& acceptor,
              std::string what, const std::atomic<bool>& stopped,
              socket_handler on_socket)
      : ioc_(ioc), acceptor_(acceptor), what_(std::move(what)), stopped_(stopped),
        on_socket_(std::move(on_socket)), retry_(ioc) {}

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
            std::cerr << what_ << " accept: " << ec.message() << std::endl;
          }
          retry_.expires_after(retry_delay);
          retry_.async_wait([this](boost::system::error_code ec) {
            if (!ec && !stopped_) start();
          });
        });
  }

  static constexpr std::chrono::milliseconds retry_delay{100};

private:
  boost::asio::io_context& ioc_;
  boost::asio::ip::tcp::acceptor& acceptor_;
  std::string what_;
  const std::atomic<bool>& stopped_;
  socket_handler on_socket_;
  boost::asio::steady_timer retry_;
  std::chrono::steady_clock::time_point last_error_{};
};

} // namespace agg::gateway
