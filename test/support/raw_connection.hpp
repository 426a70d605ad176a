#pragma once

// A plain blocking loopback TCP connection for tests that must send what a library
// client would not (a bad handshake, a TLS hello, frames never answered) and read
// what comes back: an HTTP answer, or raw bytes until the server closes.

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <sys/socket.h>

#include <chrono>
#include <optional>
#include <string>

namespace agg::test {

class raw_connection {
public:
  // Connects to 127.0.0.1:port from the local address `from` (any when empty).
  // `receive_buffer_bytes`: a receive buffer this small (0: the system's), set before
  // connecting, so that a client that does not read stalls the server's writes soon.
  explicit raw_connection(uint16_t port, const std::string& from = "",
                          int receive_buffer_bytes = 0)
      : socket_(ioc_) {
    namespace net = boost::asio;
    socket_.open(net::ip::tcp::v4());
    if (receive_buffer_bytes > 0)
      socket_.set_option(net::socket_base::receive_buffer_size{receive_buffer_bytes});
    if (!from.empty()) socket_.bind({net::ip::make_address(from), 0});
    socket_.connect({net::ip::make_address("127.0.0.1"), port});
    receive_timeout(std::chrono::seconds{10});
  }

  // Writes all of `bytes`; false when the server closed the connection first.
  bool write(const std::string& bytes) {
    boost::system::error_code ec;
    boost::asio::write(socket_, boost::asio::buffer(bytes), ec);
    return !ec;
  }

  // The next HTTP answer; nothing when the server closed the connection instead, or
  // did not answer within 10 s.
  std::optional<boost::beast::http::response<boost::beast::http::string_body>> read() {
    boost::beast::http::response<boost::beast::http::string_body> res;
    boost::beast::error_code ec;
    boost::beast::http::read(socket_, buffer_, res, ec);
    if (ec) return std::nullopt;
    return res;
  }

  // Every byte until the server closes the connection or `limit` passes; `reset` tells
  // whether it ended with a reset instead of an orderly close.
  std::string read_until_closed(std::chrono::milliseconds limit, bool* reset = nullptr) {
    receive_timeout(limit);
    std::string out(static_cast<const char*>(buffer_.data().data()), buffer_.size());
    buffer_.consume(buffer_.size());
    char chunk[4096];
    for (;;) {
      auto n = ::recv(socket_.native_handle(), chunk, sizeof(chunk), 0);
      if (n > 0) {
        out.append(chunk, static_cast<size_t>(n));
        continue;
      }
      if (reset) *reset = n < 0 && errno == ECONNRESET;
      return out;
    }
  }

  static std::string post(const std::string& path, const std::string& body,
                          const std::string& signature) {
    return "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " +
           "application/json\r\nX-Auth-Signature: " + signature +
           "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  }

  // A WebSocket upgrade request for /v1 with the given key and version.
  static std::string upgrade(const std::string& key = "dGhlIHNhbXBsZSBub25jZQ==",
                             const std::string& version = "13") {
    return "GET /v1 HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
           "Connection: Upgrade\r\nSec-WebSocket-Key: " +
           key + "\r\nSec-WebSocket-Version: " + version + "\r\n\r\n";
  }

  // A masked client text frame (payloads under 64 KiB).
  static std::string text_frame(const std::string& payload) {
    std::string f;
    f.push_back(static_cast<char>(0x81));
    if (payload.size() < 126) {
      f.push_back(static_cast<char>(0x80 | payload.size()));
    } else {
      f.push_back(static_cast<char>(0x80 | 126));
      f.push_back(static_cast<char>(payload.size() >> 8));
      f.push_back(static_cast<char>(payload.size() & 0xff));
    }
    const char mask[4] = {0x11, 0x22, 0x33, 0x44};
    f.append(mask, 4);
    for (size_t i = 0; i < payload.size(); ++i)
      f.push_back(static_cast<char>(payload[i] ^ mask[i % 4]));
    return f;
  }

private:
  // Every blocking read gives up after `limit`.
  void receive_timeout(std::chrono::milliseconds limit) {
    timeval tv{static_cast<time_t>(limit.count() / 1000),
               static_cast<suseconds_t>(limit.count() % 1000 * 1000)};
    setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  }

  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::socket socket_;
  boost::beast::flat_buffer buffer_;
};

} // namespace agg::test
