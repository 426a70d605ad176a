#include "gateway/ws_server.hpp"

#include "gateway/accept_loop.hpp"
#include "gateway/json_codec.hpp"
#include "gateway/outbox.hpp"
#include "gateway/rate_limiter.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <caf/send.hpp>

#include <array>
#include <atomic>
#include <cctype>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <unordered_map>

namespace agg::gateway {

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;

constexpr const char* server_name = "aggregator/0.1";
constexpr const char* ws_path = "/v1";
// A browser keeps a connection for its page's files; after this many it opens another.
constexpr int files_per_connection_max = 100;

class ws_session;

// What every connection of one server shares.
struct shared_state {
  ws_options opts;
  session_factory make_session;
  std::shared_ptr<metrics> stats;
  address_limiter ip_limits;
  std::mutex mtx;
  std::condition_variable all_gone;
  std::unordered_map<ws_session*, std::weak_ptr<ws_session>> live;
  std::unordered_map<std::string, size_t> per_address; // open connections (under mtx)
  // Actors reach connections only through this gate; once the io threads are gone it
  // closes, so nothing is posted to an io_context that is going away.
  std::shared_mutex gate;
  bool gate_open = true;

  shared_state(ws_options o, session_factory f, std::shared_ptr<metrics> s)
      : opts(std::move(o)), make_session(std::move(f)), stats(std::move(s)),
        ip_limits(opts.ip_rate_per_s, opts.ip_burst) {}

  // Counts a new connection from `address`; false (and not counted) when the address
  // holds its maximum already.
  bool admit(const std::string& address) {
    std::lock_guard<std::mutex> guard{mtx};
    auto& n = per_address[address];
    if (n >= opts.connections_per_address_max) {
      if (n == 0) per_address.erase(address);
      return false;
    }
    ++n;
    return true;
  }

  void release(const std::string& address) {
    std::lock_guard<std::mutex> guard{mtx};
    auto i = per_address.find(address);
    if (i != per_address.end() && --i->second == 0) per_address.erase(i);
  }
};

// What a session actor holds: a weak reference to its connection, so that the
// connection's life is decided by its socket and not by the actor.
class connection_sink : public client_sink {
public:
  connection_sink(std::weak_ptr<ws_session> conn, std::shared_ptr<shared_state> shared,
                  std::string address)
      : conn_(std::move(conn)), shared_(std::move(shared)), address_(std::move(address)) {
  }
  void deliver(server_message msg) override;
  void deliver_encoded(std::string text, std::string state, int64_t version) override;
  void close(uint16_t code, std::string reason) override;
  const std::string& peer_address() const override { return address_; }

private:
  std::weak_ptr<ws_session> conn_;
  std::shared_ptr<shared_state> shared_;
  std::string address_;
};

class ws_session : public std::enable_shared_from_this<ws_session> {
public:
  ws_session(tcp::socket&& socket, std::shared_ptr<shared_state> shared)
      : ws_(std::move(socket)), shared_(std::move(shared)),
        bucket_(shared_->opts.rate_per_s, shared_->opts.burst) {
    beast::error_code ec;
    auto& sock = beast::get_lowest_layer(ws_).socket();
    // Replies and pushes are small frames written back to back: without this, Nagle
    // holds the second until the client's delayed ACK of the first (tens of ms).
    sock.set_option(tcp::no_delay(true), ec);
    if (shared_->opts.send_buffer_bytes > 0)
      sock.set_option(net::socket_base::send_buffer_size{shared_->opts.send_buffer_bytes},
                      ec);
    auto ep = sock.remote_endpoint(ec);
    address_ = ec ? "unknown" : ep.address().to_string();
    admitted_ = shared_->admit(address_);
  }

  ~ws_session() {
    if (admitted_) shared_->release(address_);
  }

  void run() {
    net::dispatch(ws_.get_executor(), beast::bind_front_handler(&ws_session::read_upgrade,
                                                                shared_from_this()));
  }

  // -- for connection_sink, from any thread -------------------------------------

  void deliver(server_message msg) {
    if (auto* e = std::get_if<out_error>(&msg)) shared_->stats->errors.inc(e->code);
    outbox::frame f{encode(msg), {}, 0};
    if (auto* b = std::get_if<out_balance_push>(&msg)) {
      f.state = b->push.currency;
      f.version = b->push.seq;
    }
    net::post(ws_.get_executor(),
              [self = shared_from_this(), f = std::move(f)]() mutable {
                self->send(std::move(f));
              });
  }

  void deliver_encoded(outbox::frame f) {
    net::post(ws_.get_executor(),
              [self = shared_from_this(), f = std::move(f)]() mutable {
                self->send(std::move(f));
              });
  }

  void close(uint16_t code, std::string reason) {
    net::post(ws_.get_executor(), [self = shared_from_this(), code, reason] {
      self->start_close(
          websocket::close_reason{static_cast<websocket::close_code>(code), reason},
          "closed by server");
    });
  }

  // Last resort at shutdown: drop the TCP connection; pending operations fail.
  void abort() {
    net::post(ws_.get_executor(), [self = shared_from_this()] {
      beast::error_code ignored;
      beast::get_lowest_layer(self->ws_).socket().close(ignored);
    });
  }

  // Server shutdown: a close frame with 1001 (going away).
  void shutdown() {
    net::post(ws_.get_executor(), [self = shared_from_this()] {
      self->start_close(websocket::close_reason{websocket::close_code::going_away,
                                                "server shutting down"},
                        "server shutdown");
    });
  }

private:
  // -- handshake ------------------------------------------------------------------

  void read_upgrade() {
    beast::get_lowest_layer(ws_).expires_after(shared_->opts.handshake_timeout);
    http::async_read(
        ws_.next_layer(), buffer_, req_,
        beast::bind_front_handler(&ws_session::on_upgrade, shared_from_this()));
  }

  void on_upgrade(beast::error_code ec, std::size_t) {
    // Bytes that are no HTTP request (a TLS hello, bare LF line ends) get a 400; a
    // connection closed or silent before its request, nothing.
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == net::error::eof || ec == net::error::operation_aborted)
      return;
    if (ec) return reject(http::status::bad_request, "not an HTTP request");
    if (!admitted_) {
      shared_->stats->ws_refused.inc("connections_per_address");
      return reject(http::status::too_many_requests,
                    "too many connections from your address");
    }
    auto forwarded = req_["X-Forwarded-For"];
    client_ = shared_->opts.proxies.client_of(
        address_, std::string_view{forwarded.data(), forwarded.size()});
    if (auto& rules = shared_->opts.rules;
        rules && rules->of(client_) == address_rules::verdict::deny) {
      shared_->stats->ws_refused.inc("address_denied");
      shared_->stats->edge_refusals.inc("address_denied");
      return reject(http::status::forbidden, "your address is denied");
    }
    if (shared_->opts.files && !websocket::is_upgrade(req_) && serve_file()) return;
    auto target = req_.target();
    bool path_ok = target == ws_path || target.starts_with(std::string{ws_path} + "?");
    if (!path_ok) return reject(http::status::not_found, "no such endpoint");
    if (!websocket::is_upgrade(req_))
      return reject(http::status::bad_request, "not a WebSocket upgrade");
    if (!valid_key(req_[http::field::sec_websocket_key]))
      return reject(http::status::bad_request,
                    "Sec-WebSocket-Key must be 16 bytes in base64");
    beast::get_lowest_layer(ws_).expires_never();
    ws_.set_option(websocket::stream_base::timeout{shared_->opts.handshake_timeout,
                                                   shared_->opts.idle_timeout, true});
    ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& res) {
      res.set(http::field::server, server_name);
    }));
    // The frame limit is ours to enforce (on_read): when Beast fails a message for its
    // size, its teardown (1.74) reads one chunk of what the client still sends and
    // closes the socket on the rest, so that the client sees a reset, not the 1009.
    ws_.read_message_max(0);
    ws_.async_accept(
        req_, beast::bind_front_handler(&ws_session::on_accept, shared_from_this()));
  }

  // -- the web client's files ------------------------------------------------------

  // Answers a GET or HEAD for one of the player app's files (or its redirect), then
  // reads the connection's next request while it is kept alive; false when the
  // request names none of them (it is then refused as before).
  bool serve_file() {
    const auto& files = *shared_->opts.files;
    if (req_.method() != http::verb::get && req_.method() != http::verb::head)
      return false;
    auto target = std::string_view{req_.target().data(), req_.target().size()};
    auto location = files.redirect_of(target);
    const static_file* file = location ? nullptr : files.find(target);
    if (!location && !file) return false;
    if (!shared_->ip_limits.take(client_)) {
      shared_->stats->ws_refused.inc("address_rate");
      reject(http::status::too_many_requests, "too many requests from your address");
      return true;
    }
    auto res = std::make_shared<http::response<http::span_body<const char>>>();
    res->version(req_.version());
    res->set(http::field::server, server_name);
    if (location) {
      res->result(http::status::found);
      res->set(http::field::location, *location);
    } else if (req_[http::field::if_none_match] == file->etag) {
      res->result(http::status::not_modified);
      res->set(http::field::etag, file->etag);
    } else {
      res->result(http::status::ok);
      for (const auto& [name, value] : file->headers)
        res->set(name, value);
      if (req_.method() == http::verb::get)
        res->body() = {file->body.data(), file->body.size()};
    }
    bool again = req_.keep_alive() && ++files_served_ < files_per_connection_max;
    res->keep_alive(again);
    res->prepare_payload();
    if (req_.method() == http::verb::head && file && !location)
      res->content_length(file->body.size());
    http::async_write(
        ws_.next_layer(), *res,
        [self = shared_from_this(), res, again](beast::error_code ec, std::size_t) {
          if (ec) return;
          if (!again) {
            beast::error_code ignored;
            beast::get_lowest_layer(self->ws_).socket().shutdown(
                tcp::socket::shutdown_send, ignored);
            return self->drain();
          }
          self->req_ = {};
          self->read_upgrade();
        });
    return true;
  }

  // RFC 6455 4.1: the key is a random 16-byte value in base64 (24 characters, "=="
  // last).
  static bool valid_key(beast::string_view key) {
    if (key.size() != 24 || key.substr(22) != "==") return false;
    for (char c : key.substr(0, 22))
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '/')
        return false;
    return true;
  }

  // Answers the upgrade request with an HTTP error and closes once the client has
  // read it (what it still sends is read and dropped for up to a second, so that it
  // gets the answer rather than a reset).
  void reject(http::status status, const char* why) {
    auto res = std::make_shared<http::response<http::string_body>>(status, 11);
    res->set(http::field::server, server_name);
    res->set(http::field::content_type, "text/plain");
    res->set(http::field::connection, "close");
    res->body() = std::string{why} + "; WebSocket endpoint: ws://host:port/v1\n";
    res->prepare_payload();
    beast::get_lowest_layer(ws_).expires_after(std::chrono::seconds{1});
    http::async_write(
        ws_.next_layer(), *res,
        [self = shared_from_this(), res](beast::error_code ec, std::size_t) {
          if (ec) return;
          beast::error_code ignored;
          beast::get_lowest_layer(self->ws_).socket().shutdown(tcp::socket::shutdown_send,
                                                               ignored);
          self->drain();
        });
  }

  void drain() {
    auto scratch = std::make_shared<std::array<char, 4096>>();
    beast::get_lowest_layer(ws_).async_read_some(
        net::buffer(*scratch),
        [self = shared_from_this(), scratch](beast::error_code ec, std::size_t) {
          if (!ec) self->drain();
        });
  }

  void on_accept(beast::error_code ec) {
    if (ec) return;
    req_ = {};
    {
      std::lock_guard<std::mutex> guard{shared_->mtx};
      shared_->live.emplace(this, weak_from_this());
    }
    registered_ = true;
    shared_->stats->ws_connections.fetch_add(1, std::memory_order_relaxed);
    shared_->stats->ws_connections_total.fetch_add(1, std::memory_order_relaxed);
    actor_ = shared_->make_session(
        std::make_shared<connection_sink>(weak_from_this(), shared_, client_));
    send_text(encode_welcome(server_name, shared_->opts.idle_timeout.count()));
    do_read();
  }

  // -- reading --------------------------------------------------------------------

  // Reads the next part of a message, at most one byte past the frame limit.
  void do_read() {
    auto room = shared_->opts.frame_bytes_max + 1 - buffer_.size();
    ws_.async_read_some(
        buffer_, room,
        beast::bind_front_handler(&ws_session::on_read, shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec)
      return finish(ec == websocket::error::closed ? "closed by client"
                    : ec == beast::error::timeout  ? "idle timeout"
                                                   : "read error");
    if (buffer_.size() > shared_->opts.frame_bytes_max) {
      // The close handshake reads and drops the rest of the message, so that the
      // client reads the 1009 rather than a reset.
      buffer_.consume(buffer_.size());
      return start_close(
          websocket::close_reason{websocket::close_code::too_big, "frame too large"},
          "frame too large");
    }
    if (!ws_.is_message_done()) return do_read();
    shared_->stats->ws_messages_in.fetch_add(1, std::memory_order_relaxed);
    auto frame = beast::buffers_to_string(buffer_.data());
    buffer_.consume(buffer_.size());
    if (closing_) return do_read();
    // Every frame counts against the limits, whatever it holds.
    if (!bucket_.take() || !shared_->ip_limits.take(client_))
      rate_limited();
    else if (!ws_.got_text())
      answer_error("", "binary_not_supported", "frames must be UTF-8 JSON text");
    else
      dispatch(frame);
    do_read();
  }

  void dispatch(const std::string& frame) {
    client_request req;
    decode_error err;
    if (!decode_request(frame, req, err))
      return answer_error(err.id, err.code, err.message);
    if (actor_) caf::anon_send(actor_, std::move(req));
  }

  void rate_limited() {
    answer_error("", "rate_limited", "slow down");
    if (++strikes_ >= shared_->opts.flood_strikes_max)
      start_close(websocket::close_reason{websocket::close_code::policy_error,
                                          "rate limit exceeded"},
                  "flooding");
  }

  void answer_error(const std::string& id, const std::string& code,
                    const std::string& msg) {
    shared_->stats->errors.inc(code);
    send_text(encode(out_error{id, code, msg}));
  }

  // -- writing: one write in flight, a bounded queue behind it ------------------

  void send_text(std::string text) { send({std::move(text), {}, 0}); }

  void send(outbox::frame f) {
    if (closing_) return;
    auto replaced = outbox_.replaced();
    if (!outbox_.push(std::move(f)))
      return start_close(websocket::close_reason{websocket::close_code::try_again_later,
                                                 "write queue full"},
                         "write queue full");
    if (outbox_.replaced() != replaced)
      shared_->stats->ws_pushes_replaced.fetch_add(1, std::memory_order_relaxed);
    if (!outbox_.writing()) do_write();
  }

  void do_write() {
    ws_.text(true);
    ws_.async_write(net::buffer(outbox_.start_writing()),
                    beast::bind_front_handler(&ws_session::on_write, shared_from_this()));
  }

  void on_write(beast::error_code ec, std::size_t) {
    if (ec) return finish("write error");
    shared_->stats->ws_messages_out.fetch_add(1, std::memory_order_relaxed);
    outbox_.done_writing();
    if (!outbox_.empty()) return do_write();
    if (close_pending_) do_close();
  }

  // -- closing ----------------------------------------------------------------------

  // Frames already queued are still written, then the close frame.
  void start_close(websocket::close_reason reason, const char* why) {
    if (closing_ || finished_) return;
    closing_ = true;
    close_reason_ = std::move(reason);
    why_ = why;
    if (outbox_.writing())
      close_pending_ = true;
    else
      do_close();
  }

  void do_close() {
    close_pending_ = false;
    ws_.async_close(close_reason_, [self = shared_from_this()](beast::error_code) {
      self->finish(self->why_);
    });
  }

  // Runs once, whatever ended the connection. A connection the server closed is
  // counted under the reason it closed it for, however the close handshake ended.
  void finish(const char* why) {
    if (finished_) return;
    finished_ = true;
    if (!registered_) return;
    shared_->stats->ws_connections.fetch_sub(1, std::memory_order_relaxed);
    shared_->stats->ws_closed.inc(closing_ ? why_ : why);
    if (actor_) {
      caf::anon_send(actor_, disconnect_atom_v);
      actor_ = nullptr;
    }
    std::lock_guard<std::mutex> guard{shared_->mtx};
    shared_->live.erase(this);
    if (shared_->live.empty()) shared_->all_gone.notify_all();
  }

  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> req_;
  std::string client_; // the peer, or its forwarded client behind a trusted proxy
  std::shared_ptr<shared_state> shared_;
  caf::actor actor_;
  outbox outbox_{shared_->opts.write_queue_len_max};
  bool registered_ = false;
  bool closing_ = false;
  bool close_pending_ = false;
  bool finished_ = false;
  websocket::close_reason close_reason_;
  const char* why_ = "";
  token_bucket bucket_;
  int strikes_ = 0;
  std::string address_;
  int files_served_ = 0;  // web client files answered on this connection
  bool admitted_ = false; // counted against its address's connection limit
};

void connection_sink::deliver(server_message msg) {
  std::shared_lock<std::shared_mutex> guard{shared_->gate};
  if (!shared_->gate_open) return;
  if (auto c = conn_.lock()) c->deliver(std::move(msg));
}

void connection_sink::deliver_encoded(std::string text, std::string state,
                                      int64_t version) {
  std::shared_lock<std::shared_mutex> guard{shared_->gate};
  if (!shared_->gate_open) return;
  if (auto c = conn_.lock())
    c->deliver_encoded({std::move(text), std::move(state), version});
}

void connection_sink::close(uint16_t code, std::string reason) {
  std::shared_lock<std::shared_mutex> guard{shared_->gate};
  if (!shared_->gate_open) return;
  if (auto c = conn_.lock()) c->close(code, std::move(reason));
}

} // namespace

struct ws_server::impl {
  net::io_context ioc;
  tcp::acceptor acceptor{ioc};
  std::shared_ptr<shared_state> shared;
  std::vector<std::thread> threads;
  std::atomic<bool> stopped{false};
  accept_loop accepting{ioc,
                        acceptor,
                        "ws",
                        stopped,
                        [this](tcp::socket s) {
                          std::make_shared<ws_session>(std::move(s), shared)->run();
                        },
                        [this] { shared->stats->ws_refused.inc("descriptors"); }};

  impl(ws_options opts, session_factory f, std::shared_ptr<metrics> stats)
      : ioc(opts.threads), shared(std::make_shared<shared_state>(
                               std::move(opts), std::move(f), std::move(stats))) {}
};

ws_server::ws_server(ws_options opts, session_factory make_session,
                     std::shared_ptr<metrics> stats)
    : impl_(std::make_unique<impl>(std::move(opts), std::move(make_session),
                                   std::move(stats))) {}

ws_server::~ws_server() {
  stop(std::chrono::milliseconds{2'000});
}

uint16_t ws_server::start() {
  auto& o = impl_->shared->opts;
  tcp::endpoint ep{net::ip::make_address(o.bind_address), o.port};
  auto& acc = impl_->acceptor;
  acc.open(ep.protocol());
  acc.set_option(net::socket_base::reuse_address(true));
  acc.bind(ep);
  acc.listen(net::socket_base::max_listen_connections);
  impl_->accepting.start();
  for (int i = 0; i < o.threads; ++i)
    impl_->threads.emplace_back([this] { impl_->ioc.run(); });
  return acc.local_endpoint().port();
}

void ws_server::stop(std::chrono::milliseconds grace) {
  if (impl_->stopped.exchange(true)) return;
  net::post(impl_->ioc, [this] {
    beast::error_code ignored;
    impl_->acceptor.close(ignored);
  });
  auto& shared = *impl_->shared;
  {
    std::unique_lock<std::mutex> guard{shared.mtx};
    for (auto& [ptr, weak] : shared.live)
      if (auto s = weak.lock()) s->shutdown();
    shared.all_gone.wait_for(guard, grace, [&] { return shared.live.empty(); });
    for (auto& [ptr, weak] : shared.live)
      if (auto s = weak.lock()) s->abort();
    shared.all_gone.wait_for(guard, std::chrono::seconds{1},
                             [&] { return shared.live.empty(); });
  }
  impl_->ioc.stop();
  for (auto& t : impl_->threads)
    t.join();
  impl_->threads.clear();
  std::unique_lock<std::shared_mutex> guard{shared.gate};
  shared.gate_open = false;
}

size_t ws_server::connections() const {
  std::lock_guard<std::mutex> guard{impl_->shared->mtx};
  return impl_->shared->live.size();
}

} // namespace agg::gateway
