#include "gateway/vendor_api.hpp"

#include "common/json_parse.hpp"
#include "common/log.hpp"
#include "gateway/accept_loop.hpp"
#include "gateway/error_body.hpp"
#include "vendors/seamless.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include <array>
#include <atomic>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <shared_mutex>
#include <thread>
#include <unordered_map>

namespace agg::gateway {

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using json = nlohmann::json;

constexpr const char* server_name = "aggregator/0.1";
// Reading one request (an idle kept-alive connection included) and writing one answer.
constexpr std::chrono::seconds read_timeout{10};
constexpr std::chrono::seconds write_timeout{10};
// Reading what a client still sends after the answer that ends its connection.
constexpr std::chrono::seconds linger_timeout{2};
// How often a connection's watchdog looks at its deadline at most: the bounds above
// (and a call's) hold to within this.
constexpr std::chrono::seconds watchdog_tick{1};

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

bool vendor_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         c == '_' || c == '.' || c == '-';
}

bool op_char(char c) {
  return (c >= 'a' && c <= 'z') || c == '_';
}

// Splits /vendors/<id>/wallet/<op> (a query string ignored); false for any other path.
bool parse_target(std::string_view target, std::string& vendor, std::string& op) {
  target = target.substr(0, target.find('?'));
  constexpr std::string_view prefix = "/vendors/";
  constexpr std::string_view middle = "/wallet/";
  if (target.substr(0, prefix.size()) != prefix) return false;
  target.remove_prefix(prefix.size());
  auto slash = target.find('/');
  if (slash == 0 || slash == std::string_view::npos) return false;
  auto id = target.substr(0, slash);
  target.remove_prefix(slash);
  if (target.substr(0, middle.size()) != middle) return false;
  target.remove_prefix(middle.size());
  if (target.empty()) return false;
  for (char c : id)
    if (!vendor_char(c)) return false;
  for (char c : target)
    if (!op_char(c)) return false;
  vendor.assign(id);
  op.assign(target);
  return true;
}

vendors::seamless_result unknown_result() {
  vendors::seamless_result r;
  r.status = static_cast<uint8_t>(vendors::seamless_status::unknown);
  return r;
}

class studio_connection;

// What every connection of one listener shares.
struct shared_state {
  vendor_api_options opts;
  vendor_api_deps deps;
  caf::actor_system& sys;
  std::map<std::string, std::unique_ptr<vendors::wallet_codec>> codecs; // by vendor id
  std::mutex mtx;
  std::unordered_map<studio_connection*, std::weak_ptr<studio_connection>> live;
  // Actors reach connections only through this gate; it closes before the io threads
  // stop, so nothing is posted to an io_context that is going away.
  std::shared_mutex gate;
  bool gate_open = true;

  shared_state(vendor_api_options o, vendor_api_deps d, caf::actor_system& s)
      : opts(std::move(o)), deps(std::move(d)), sys(s) {}
};

// Carries one connection's calls to the studios' actors and their results back: the
// io threads never wait for an actor. The connection's own watchdog bounds each call,
// so the relay's requests carry no timeout of their own (one on CAF's clock costs more
// than the rest of the relay's work).
// The relay keeps the connection of the vendor it last called (asked of the
// directory, monitored), so that a call goes straight to it.
struct relay_state {
  std::string vendor;
  caf::actor target; // null: ask the directory
  static inline const char* name = "vendor_call_relay";
};
using relay_pointer = caf::stateful_actor<relay_state>*;

caf::behavior call_relay(relay_pointer self, std::weak_ptr<studio_connection> conn,
                         std::shared_ptr<shared_state> shared);

// One studio connection: reads a request, answers it, reads the next (kept alive
// while the client wants). Calls into the server run while no read is pending, so a
// connection has at most one call in flight.
class studio_connection : public std::enable_shared_from_this<studio_connection> {
public:
  studio_connection(tcp::socket&& socket, std::shared_ptr<shared_state> shared)
      : socket_(std::move(socket)), shared_(std::move(shared)) {
    beast::error_code ec;
    socket_.set_option(tcp::no_delay(true), ec);
  }

  ~studio_connection() {
    if (relay_) caf::anon_send_exit(relay_, caf::exit_reason::user_shutdown);
    std::lock_guard<std::mutex> guard{shared_->mtx};
    shared_->live.erase(this);
  }

  void run() {
    bool full = false;
    {
      std::lock_guard<std::mutex> guard{shared_->mtx};
      full = shared_->live.size() >= shared_->opts.connections_max;
      shared_->live.emplace(this, weak_from_this());
    }
    if (full) {
      shared_->deps.stats->errors.inc("too_many_connections");
      // Answered at once, without reading what the client sends.
      return net::dispatch(socket_.get_executor(), [self = shared_from_this()] {
        self->answer(http::status::service_unavailable, 11, false,
                     error_body("too_many_connections",
                                "the vendor listener holds vendor_http_connections_max "
                                "connections; retry later"));
      });
    }
    net::dispatch(
        socket_.get_executor(),
        beast::bind_front_handler(&studio_connection::read, shared_from_this()));
  }

  // From the relay, on an actor's thread and inside the gate (see call_relay): the
  // result of call number `seq`.
  void complete(uint64_t seq, vendors::seamless_result result) {
    net::post(socket_.get_executor(),
              [self = shared_from_this(), seq, r = std::move(result)]() mutable {
                self->finish_call(seq, std::move(r));
              });
  }

  // After the io threads stopped: drops the socket and a call still in flight.
  void abandon() {
    beast::error_code ignored;
    socket_.close(ignored);
    in_flight_.reset();
    waiting_ = waiting::nothing;
  }

private:
  using clock = std::chrono::steady_clock;
  enum class waiting { nothing, read, call, write, linger };

  // What the connection waits for now, and until when. One watchdog timer per
  // connection checks the deadline (at least every watchdog_tick), so that setting one
  // costs no timer operation: a timeout on every read, write and call would arm and
  // cancel a timer three times per call, each cancel running a handler.
  void bound(waiting what, clock::duration d) {
    waiting_ = what;
    deadline_ = clock::now() + d;
    if (watching_) return;
    watching_ = true;
    watch();
  }

  void watch() {
    watchdog_.expires_at(std::min(deadline_, clock::now() + watchdog_tick));
    // A pending wait does not keep the connection: it ends when nothing else holds it.
    watchdog_.async_wait([weak = weak_from_this()](beast::error_code ec) {
      auto self = weak.lock();
      if (!ec && self) self->on_watchdog();
    });
  }

  void on_watchdog() {
    if (waiting_ == waiting::nothing) {
      watching_ = false;
      return;
    }
    if (clock::now() < deadline_) return watch();
    watching_ = false;
    auto what = std::exchange(waiting_, waiting::nothing);
    if (what == waiting::call) return finish_call(call_seq_, unknown_result());
    // A read, write or linger past its time: closing cancels it.
    beast::error_code ignored;
    socket_.close(ignored);
  }

  void read() {
    parser_.emplace();
    parser_->body_limit(shared_->opts.body_bytes_max);
    bound(waiting::read, read_timeout);
    http::async_read_header(
        socket_, buffer_, *parser_,
        beast::bind_front_handler(&studio_connection::on_header, shared_from_this()));
  }

  // A client that sent "Expect: 100-continue" waits for our go-ahead before the body
  // (a body over the limit was refused with the header already).
  void on_header(beast::error_code ec, std::size_t) {
    if (ec) return on_read(ec, 0);
    auto expect = parser_->get()[http::field::expect];
    if (beast::iequals(expect, "100-continue")) {
      static constexpr char go_ahead[] = "HTTP/1.1 100 Continue\r\n\r\n";
      return net::async_write(
          socket_, net::buffer(go_ahead, sizeof(go_ahead) - 1),
          [self = shared_from_this()](beast::error_code ec, std::size_t) {
            if (!ec) self->read_body();
          });
    }
    read_body();
  }

  // The body usually arrived with the header: what the buffer holds is parsed here,
  // and the socket is read only for what is still missing.
  void read_body() {
    beast::error_code ec;
    while (!parser_->is_done() && buffer_.size() != 0) {
      auto used = parser_->put(buffer_.data(), ec);
      buffer_.consume(used);
      if (ec == http::error::need_more) {
        ec = {};
        break;
      }
      if (ec || used == 0) break;
    }
    if (ec || parser_->is_done()) return on_read(ec, 0);
    http::async_read(
        socket_, buffer_, *parser_,
        beast::bind_front_handler(&studio_connection::on_read, shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec == http::error::end_of_stream) return close();
    unsigned version = parser_->get().version();
    if (version == 0) version = 11;
    if (ec == http::error::body_limit)
      return answer(http::status::payload_too_large, version, false,
                    error_body("payload_too_large",
                               "the request body is larger than http_body_bytes_max"));
    if (ec && ec.category() == http::make_error_code(http::error::bad_target).category())
      return answer(http::status::bad_request, version, false,
                    error_body("bad_request", "malformed HTTP request"));
    if (ec) return; // reset, timed out: nothing to tell
    req_ = parser_->release();
    serve();
  }

  void serve() {
    std::string vendor, op;
    bool keep = req_.keep_alive();
    auto target = req_.target();
    if (!parse_target({target.data(), target.size()}, vendor, op))
      return answer(http::status::not_found, req_.version(), keep,
                    error_body("not_found", "no such path on the vendor listener"));
    if (req_.method() != http::verb::post)
      return answer(http::status::method_not_allowed, req_.version(), keep,
                    error_body("method_not_allowed", "wallet calls are POST requests"));
    auto& stats = *shared_->deps.stats;
    auto c = shared_->codecs.find(vendor);
    if (c == shared_->codecs.end()) {
      stats.errors.inc("unknown_vendor");
      return answer(
          http::status::not_found, req_.version(), keep,
          error_body("unknown_vendor",
                     "no studio '" + vendor + "' calls the wallet on this server"));
    }
    codec_ = c->second.get();
    vendor_ = std::move(vendor);
    op_ = std::move(op);
    try {
      auto sig = req_[codec_->signature_header()];
      auto decoded =
          codec_->decode(op_, req_.body(), std::string(sig.data(), sig.size()));
      if (!decoded.call) {
        // The op comes from the path, before any authentication: not a label as is.
        static const std::set<std::string> known = {"check", "balance", "bet", "win",
                                                    "rollback"};
        stats.vendor_calls.inc(vendor_ + "/" + (known.count(op_) ? op_ : "other") +
                               "/refused");
        return answer(http::status::ok, req_.version(), keep, std::move(decoded.answer));
      }
      call_ = std::move(*decoded.call);
    } catch (const std::exception& e) {
      return answer_failure(e);
    }
    if (!relay_) relay_ = shared_->sys.spawn(call_relay, weak_from_this(), shared_);
    in_flight_ = shared_from_this();
    auto seq = ++call_seq_;
    // Longer than the session lookup and the wallet call together, so that the answer
    // says what happened.
    bound(waiting::call, shared_->opts.request_timeout * 2 + std::chrono::seconds{1});
    caf::anon_send(relay_, seamless_atom_v, vendor_, call_, seq);
  }

  // The result of call `seq`, or the watchdog's "unknown": the first one answers, a
  // later one (or one for an earlier call) is dropped.
  void finish_call(uint64_t seq, vendors::seamless_result result) {
    if (!in_flight_ || seq != call_seq_) return;
    in_flight_.reset(); // the caller holds the connection until the write does
    answer_call(std::move(result));
  }

  void answer_call(vendors::seamless_result result) {
    shared_->deps.stats->vendor_calls.inc(
        vendor_ + "/" + op_name(call_.op) + "/" +
        vendors::to_string(static_cast<vendors::seamless_status>(result.status)));
    std::string body;
    try {
      body = codec_->encode(call_, result);
    } catch (const std::exception& e) {
      return answer_failure(e);
    }
    answer(http::status::ok, req_.version(), req_.keep_alive(), std::move(body));
  }

  // The codec's own format for a failure whose effect is not known.
  void answer_failure(const std::exception& e) {
    log::error("vendor_api", "call failed",
               {{"vendor", vendor_}, {"op", op_}, {"error", e.what()}});
    vendors::seamless_call call;
    auto doc = parse_json(req_.body()).doc;
    if (doc.is_object() && doc.contains("request_uuid") &&
        doc["request_uuid"].is_string())
      call.request_id = doc["request_uuid"].get<std::string>();
    std::string body;
    try {
      body = codec_->encode(call, unknown_result());
    } catch (const std::exception&) {
      body = error_body("internal", "the answer could not be encoded");
    }
    answer(http::status::ok, req_.version(), req_.keep_alive(), std::move(body));
  }

  // Writes the answer's head and body in one gather write. The head is ours to format:
  // four fixed fields, so Beast's field list and serializer would only cost time.
  void answer(http::status status, unsigned version, bool keep_alive, std::string body) {
    bool http11 = version >= 11; // HTTP/1.1 or 1.0, whatever the client wrote
    auto reason = http::obsolete_reason(status);
    head_.assign(http11 ? "HTTP/1.1 " : "HTTP/1.0 ");
    head_ += std::to_string(static_cast<unsigned>(status));
    head_ += ' ';
    head_.append(reason.data(), reason.size());
    head_ += "\r\nServer: ";
    head_ += server_name;
    head_ += "\r\nContent-Type: application/json\r\n";
    if (status == http::status::method_not_allowed) head_ += "Allow: POST\r\n";
    if (keep_alive != http11)
      head_ += keep_alive ? "Connection: keep-alive\r\n" : "Connection: close\r\n";
    head_ += "Content-Length: ";
    head_ += std::to_string(body.size());
    head_ += "\r\n\r\n";
    body_ = std::move(body);
    bound(waiting::write, write_timeout);
    std::array<net::const_buffer, 2> parts{net::buffer(head_), net::buffer(body_)};
    net::async_write(socket_, parts,
                     beast::bind_front_handler(&studio_connection::on_write,
                                               shared_from_this(), keep_alive));
  }

  void on_write(bool keep_alive, beast::error_code ec, std::size_t) {
    if (ec) return;
    if (!keep_alive) return close();
    read();
  }

  // Ends our side, then reads and drops what the client still sends until it closes
  // too (at most linger_timeout): closing a socket with unread bytes would reset the
  // connection, and the client could lose the answer just written.
  void close() {
    beast::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_send, ignored);
    bound(waiting::linger, linger_timeout);
    drain();
  }

  void drain() {
    buffer_.consume(buffer_.size());
    socket_.async_read_some(
        buffer_.prepare(4096),
        [self = shared_from_this()](beast::error_code ec, std::size_t) {
          if (!ec) self->drain();
        });
  }

  tcp::socket socket_;
  std::shared_ptr<shared_state> shared_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::request<http::string_body> req_;
  std::string head_; // of the answer being written
  std::string body_;
  const vendors::wallet_codec* codec_ = nullptr;
  std::string vendor_;
  std::string op_;
  vendors::seamless_call call_;
  caf::actor relay_;
  // Keeps the connection while its call is in flight (no socket operation holds it).
  std::shared_ptr<studio_connection> in_flight_;
  uint64_t call_seq_ = 0; // numbers the calls, so that a late result is known as such
  net::steady_timer watchdog_{socket_.get_executor()};
  waiting waiting_ = waiting::nothing;
  clock::time_point deadline_;
  bool watching_ = false;
};

// The node that owns the call's player: the one the call names, else the one that
// leads its game session's token; empty when neither names one.
std::string owner_of_call(const cluster_view& view, const vendors::seamless_call& call) {
  auto number = [](const std::string& s, size_t end) -> std::optional<int64_t> {
    if (end == 0 || end > 18) return std::nullopt;
    int64_t v = 0;
    for (size_t i = 0; i < end; ++i) {
      if (s[i] < '0' || s[i] > '9') return std::nullopt;
      v = v * 10 + (s[i] - '0');
    }
    return v;
  };
  auto player = number(call.user, call.user.size());
  if (!player) player = number(call.token, call.token.find('-'));
  if (!player) return view.self().role == node_role::core ? view.self().name : "";
  return view.set().owner_of(*player);
}

caf::behavior call_relay(relay_pointer self, std::weak_ptr<studio_connection> conn,
                         std::shared_ptr<shared_state> shared) {
  // Inside the gate, so that a connection this relay happens to release last goes
  // while its io_context still exists; once the listener stopped, nothing is posted.
  auto deliver = [conn, shared](uint64_t seq, vendors::seamless_result r) {
    std::shared_lock<std::shared_mutex> guard{shared->gate};
    if (!shared->gate_open) return;
    if (auto c = conn.lock()) c->complete(seq, std::move(r));
  };
  // Sends the call to the vendor's connection; any failure answers "unknown".
  auto send = [self, deliver](const caf::actor& target, vendors::seamless_call call,
                              uint64_t seq) {
    self->request(target, caf::infinite, seamless_atom_v, std::move(call))
        .then([deliver, seq](vendors::seamless_result& r) { deliver(seq, std::move(r)); },
              [self, deliver, seq](caf::error& e) {
                if (e == caf::sec::request_receiver_down) self->state.target = nullptr;
                deliver(seq, unknown_result());
              });
  };
  self->set_down_handler([self](caf::down_msg& dm) {
    if (self->state.target && dm.source == self->state.target.address())
      self->state.target = nullptr;
  });
  return {
      [=](seamless_atom, std::string& vendor, vendors::seamless_call& call,
          uint64_t seq) {
        auto& st = self->state;
        if (const auto& view = shared->deps.cluster) {
          auto owner = owner_of_call(*view, call);
          if (owner != view->self().name) {
            auto ep = owner.empty() ? caf::actor{} : view->endpoint(owner);
            if (!ep) return deliver(seq, unknown_result());
            self->request(ep, caf::infinite, seamless_atom_v, vendor, std::move(call))
                .then([deliver,
                       seq](vendors::seamless_result& r) { deliver(seq, std::move(r)); },
                      [deliver, seq](caf::error&) { deliver(seq, unknown_result()); });
            return;
          }
        }
        if (st.target && st.vendor == vendor)
          return send(st.target, std::move(call), seq);
        caf::actor vendors;
        {
          // The node outlives the listener's open gate, not the listener's actors.
          std::shared_lock<std::shared_mutex> guard{shared->gate};
          if (!shared->gate_open) return;
          vendors = shared->deps.vendors ? shared->deps.vendors() : caf::actor{};
        }
        self->request(vendors, caf::infinite, caf::get_atom_v, vendor)
            .then(
                [=](caf::actor& target) mutable {
                  auto& st = self->state;
                  if (st.target) self->demonitor(st.target);
                  st.vendor = std::move(vendor);
                  st.target = target;
                  self->monitor(target);
                  send(target, std::move(call), seq);
                },
                [deliver, seq](caf::error&) { deliver(seq, unknown_result()); });
      },
  };
}

} // namespace

struct vendor_api::impl {
  std::shared_ptr<shared_state> shared;
  net::io_context ioc;
  tcp::acceptor acceptor{ioc};
  std::vector<std::thread> threads;
  std::atomic<bool> stopped{false};

  impl(vendor_api_options o, caf::actor_system& sys, vendor_api_deps deps)
      : shared(std::make_shared<shared_state>(std::move(o), std::move(deps), sys)),
        ioc(shared->opts.threads) {
    const auto& server = shared->deps.server;
    for (const auto& id : server.vendors) {
      vendors::settings_map settings;
      if (auto i = server.vendor_settings.find(id); i != server.vendor_settings.end())
        settings = i->second;
      auto kind = settings.count("kind") ? settings.at("kind") : id;
      if (auto factory = vendors::find_wallet_codec(kind))
        shared->codecs.emplace(id, factory(id, settings));
    }
  }

  accept_loop accepting{
      ioc, acceptor, "vendor listener", stopped, [this](tcp::socket s) {
        std::make_shared<studio_connection>(std::move(s), shared)->run();
      }};
};

vendor_api::vendor_api(vendor_api_options opts, caf::actor_system& sys,
                       vendor_api_deps deps)
    : impl_(std::make_unique<impl>(std::move(opts), sys, std::move(deps))) {}

vendor_api::vendor_api(vendor_api_options opts, caf::actor_system& sys, node& n,
                       std::shared_ptr<cluster_view> cluster)
    : vendor_api(std::move(opts), sys,
                 vendor_api_deps{n.options(), n.stats(), [&n] { return n.vendors(); },
                                 std::move(cluster)}) {}

vendor_api::~vendor_api() {
  stop();
}

bool vendor_api::needed() const {
  return !impl_->shared->codecs.empty();
}

uint16_t vendor_api::start() {
  if (!needed()) return 0;
  const auto& o = impl_->shared->opts;
  auto& acc = impl_->acceptor;
  try {
    tcp::endpoint ep{net::ip::make_address(o.bind_address), o.port};
    acc.open(ep.protocol());
    acc.set_option(net::socket_base::reuse_address(true));
    acc.bind(ep);
    acc.listen(net::socket_base::max_listen_connections);
  } catch (const std::exception& e) {
    throw std::runtime_error("cannot bind the vendor listener to " + o.bind_address +
                             ":" + std::to_string(o.port) + ": " + e.what());
  }
  impl_->accepting.start();
  for (int i = 0; i < o.threads; ++i)
    impl_->threads.emplace_back([this] { impl_->ioc.run(); });
  return acc.local_endpoint().port();
}

void vendor_api::stop() {
  if (impl_->threads.empty() || impl_->stopped.exchange(true)) return;
  auto& shared = *impl_->shared;
  {
    std::unique_lock<std::shared_mutex> guard{shared.gate};
    shared.gate_open = false;
  }
  impl_->ioc.stop();
  for (auto& t : impl_->threads)
    t.join();
  impl_->threads.clear();
  beast::error_code ignored;
  impl_->acceptor.close(ignored);
  // No io thread runs now: close what is left. A connection may go away as soon as it
  // is abandoned, and takes the lock to leave the set, so collect them first.
  std::vector<std::shared_ptr<studio_connection>> left;
  {
    std::lock_guard<std::mutex> guard{shared.mtx};
    for (auto& [ptr, weak] : shared.live)
      if (auto s = weak.lock()) left.push_back(std::move(s));
  }
  for (auto& s : left)
    s->abandon();
}

} // namespace agg::gateway
