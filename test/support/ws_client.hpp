#pragma once

// A WebSocket client for tests (Boost.Beast over loopback). Its io_context runs on a
// thread of its own; every frame received is queued, and next() waits for one with a
// bounded timeout. request() sends a request with a fresh id and waits for the reply
// with that id, keeping pushes aside for later.

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <future>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace agg::test {

class ws_client {
public:
  using json = nlohmann::json;

  // `from`: the local address to connect from (another 127.x.y.z is another client
  // address to the server); empty: the system's choice.
  // `forwarded_for`: an X-Forwarded-For header for the handshake, when not empty.
  explicit ws_client(uint16_t port, const std::string& path = "/v1",
                     const std::string& from = "", const std::string& forwarded_for = "")
      : ws_(boost::asio::make_strand(ioc_)) {
    namespace net = boost::asio;
    auto& socket = boost::beast::get_lowest_layer(ws_).socket();
    socket.open(net::ip::tcp::v4());
    if (!from.empty()) socket.bind({net::ip::make_address(from), 0});
    socket.connect({net::ip::make_address("127.0.0.1"), port});
    if (!forwarded_for.empty())
      ws_.set_option(boost::beast::websocket::stream_base::decorator(
          [forwarded_for](boost::beast::websocket::request_type& req) {
            req.set("X-Forwarded-For", forwarded_for);
          }));
    ws_.handshake("127.0.0.1:" + std::to_string(port), path);
    read_loop();
    thread_ = std::thread{[this] { ioc_.run(); }};
  }

  ~ws_client() {
    boost::asio::post(ws_.get_executor(), [this] {
      boost::beast::error_code ignored;
      boost::beast::get_lowest_layer(ws_).socket().close(ignored);
    });
    thread_.join();
  }

  ws_client(const ws_client&) = delete;
  ws_client& operator=(const ws_client&) = delete;

  // Sends one frame; returns false when the write failed.
  bool send_text(const std::string& text) { return write(text, true); }
  bool send_binary(const std::string& bytes) { return write(bytes, false); }
  bool send(const json& j) { return send_text(j.dump()); }

  // The next frame received, parsed; nothing after the timeout or once closed.
  std::optional<json> next(std::chrono::milliseconds timeout = std::chrono::seconds{10}) {
    std::unique_lock<std::mutex> guard{mtx_};
    if (!cv_.wait_for(guard, timeout, [&] { return !inbox_.empty() || closed_; }))
      return std::nullopt;
    if (inbox_.empty()) return std::nullopt;
    auto text = std::move(inbox_.front());
    inbox_.pop_front();
    return json::parse(text, nullptr, false);
  }

  // The next frame whose type is `type`, skipping others (they stay lost).
  std::optional<json> next_of(const std::string& type,
                              std::chrono::milliseconds timeout = std::chrono::seconds{
                                  10}) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (auto m = next(std::chrono::duration_cast<std::chrono::milliseconds>(
               deadline - std::chrono::steady_clock::now()))) {
      if ((*m)["type"] == type) return m;
      if (std::chrono::steady_clock::now() >= deadline) break;
    }
    return std::nullopt;
  }

  // Sends `req` with a fresh integer id and returns the reply carrying that id;
  // frames without it (pushes) are kept for next().
  json request(json req, std::chrono::milliseconds timeout = std::chrono::seconds{10}) {
    auto id = ++last_id_;
    req["id"] = id;
    send(req);
    std::deque<std::string> skipped;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    std::unique_lock<std::mutex> guard{mtx_};
    for (;;) {
      for (auto i = inbox_.begin(); i != inbox_.end(); ++i) {
        auto j = json::parse(*i, nullptr, false);
        if (j.is_object() && j.contains("id") && j["id"] == id) {
          inbox_.erase(i);
          return j;
        }
      }
      if (closed_ || cv_.wait_until(guard, deadline) == std::cv_status::timeout)
        return json{{"type", "timeout"}};
    }
  }

  bool closed(std::chrono::milliseconds timeout = std::chrono::seconds{10}) {
    std::unique_lock<std::mutex> guard{mtx_};
    return cv_.wait_for(guard, timeout, [&] { return closed_; });
  }

  // The close frame's code once closed by the server (0 if none was received).
  int close_code() {
    std::lock_guard<std::mutex> guard{mtx_};
    return close_code_;
  }

private:
  void read_loop() {
    ws_.async_read(buffer_, [this](boost::beast::error_code ec, std::size_t) {
      std::lock_guard<std::mutex> guard{mtx_};
      if (ec) {
        closed_ = true;
        close_code_ = ws_.reason().code;
        cv_.notify_all();
        return;
      }
      inbox_.push_back(boost::beast::buffers_to_string(buffer_.data()));
      buffer_.consume(buffer_.size());
      cv_.notify_all();
      read_loop();
    });
  }

  bool write(const std::string& data, bool text) {
    {
      std::lock_guard<std::mutex> guard{mtx_};
      if (closed_) return false;
    }
    auto done = std::make_shared<std::promise<bool>>();
    auto result = done->get_future();
    boost::asio::post(ws_.get_executor(), [this, &data, text, done] {
      ws_.text(text);
      ws_.async_write(
          boost::asio::buffer(data),
          [done](boost::beast::error_code ec, std::size_t) { done->set_value(!ec); });
    });
    if (result.wait_for(std::chrono::seconds{5}) != std::future_status::ready)
      return false;
    return result.get();
  }

  boost::asio::io_context ioc_;
  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  boost::beast::flat_buffer buffer_;
  std::thread thread_;
  std::mutex mtx_;
  std::condition_variable cv_;
  std::deque<std::string> inbox_;
  bool closed_ = false;
  int close_code_ = 0;
  int64_t last_id_ = 0;
};

} // namespace agg::test
