// The sandbox payment provider and the signed callbacks: it decides by its rules,
// calls back signed after its delay (to a real HTTP server on loopback), retries while
// the callback is not taken, and read_callback() refuses what is forged, stale or
// malformed.

#include "common/clock.hpp"
#include "payments/sandbox/sandbox_provider.hpp"
#include "payments/signed_callback.hpp"

#include <catch2/catch.hpp>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <condition_variable>
#include <mutex>
#include <thread>

using namespace agg;
using namespace agg::payments;

namespace {

const std::string secret = "sandbox-secret-0123456789";

// Receives callbacks on 127.0.0.1; answers 500 to the first `refuse` of them.
class callback_sink {
public:
  explicit callback_sink(int refuse = 0) : refuse_(refuse) {
    server_.Post("/v1/payments/sbx/callback", [this](const httplib::Request& req,
                                                     httplib::Response& res) {
      std::lock_guard lock{mtx_};
      ++attempts;
      if (refuse_ > 0) {
        --refuse_;
        res.status = 500;
        return;
      }
      callback_request cb;
      for (const auto& [k, v] : req.headers) {
        std::string name = k;
        for (auto& ch : name)
          ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        cb.headers[name] = v;
      }
      cb.body = req.body;
      cb.now_us = now_us();
      received.push_back(std::move(cb));
      cv_.notify_all();
    });
    port = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread{[this] { server_.listen_after_bind(); }};
  }
  ~callback_sink() {
    server_.stop();
    thread_.join();
  }

  // Waits (bounded) until `n` callbacks were taken.
  bool wait_for(size_t n) {
    std::unique_lock lock{mtx_};
    return cv_.wait_for(lock, std::chrono::seconds{10},
                        [&] { return received.size() >= n; });
  }

  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(port) + "/v1/payments/sbx/callback";
  }

  int port = 0;
  int attempts = 0;
  std::vector<callback_request> received;

private:
  httplib::Server server_;
  std::thread thread_;
  std::mutex mtx_;
  std::condition_variable cv_;
  int refuse_;
};

std::unique_ptr<provider> sandbox_for(const callback_sink& sink,
                                      std::map<std::string, std::string> extra = {}) {
  provider_env env;
  env.id = "sbx";
  env.settings = {{"secret", secret}, {"delay_ms", "10"}, {"callback_retry_ms", "20"}};
  for (auto& [k, v] : extra)
    env.settings[k] = v;
  auto url = sink.url();
  env.callback_url = [url] { return url; };
  return make_provider("sandbox", env);
}

payment_order order(const std::string& id, const std::string& instrument,
                    int64_t amount = 1'000) {
  payment_order o;
  o.payment_id = id;
  o.kind = payment_kind::deposit;
  o.player_id = 7;
  o.currency = "EUR";
  o.amount = amount;
  o.instrument = instrument;
  return o;
}

} // namespace

TEST_CASE("the sandbox accepts a deposit and calls back confirmed, signed",
          "[payments][sandbox]") {
  callback_sink sink;
  auto p = sandbox_for(sink);
  auto reply = p->submit(order("pay-1", "card-4242"));
  CHECK(reply.status == payment_status::pending);
  CHECK(reply.provider_tx_id == "sbx-pay-1");
  CHECK(reply.fingerprint == sandbox_fingerprint("card-4242"));
  CHECK(reply.fingerprint.size() == 32);
  REQUIRE(sink.wait_for(1));
  auto cb = p->read_callback(sink.received[0]);
  CHECK(cb.payment_id == "pay-1");
  CHECK(cb.provider_tx_id == "sbx-pay-1");
  CHECK(cb.status == payment_status::confirmed);
  CHECK(cb.amount == 1'000);
  CHECK(cb.currency == "EUR");
  CHECK(cb.fingerprint == reply.fingerprint);
}

TEST_CASE("the sandbox's rules: declined, failed, unknown outcome, never called back",
          "[payments][sandbox]") {
  callback_sink sink;
  auto p = sandbox_for(sink, {{"decline_above", "5000"}});
  CHECK(p->submit(order("f", "fail-card")).status == payment_status::failed);
  CHECK_THROWS(p->submit(order("e", "error-card")));
  CHECK(p->submit(order("s", "silent-card")).status == payment_status::pending);
  CHECK(p->submit(order("d", "decline-card")).status == payment_status::pending);
  CHECK(p->submit(order("big", "card-1", 5'001)).status == payment_status::pending);
  CHECK(p->submit(order("ok", "card-1", 5'000)).status == payment_status::pending);
  REQUIRE(sink.wait_for(3));
  std::map<std::string, payment_callback> by_id;
  for (const auto& r : sink.received) {
    auto cb = p->read_callback(r);
    by_id[cb.payment_id] = cb;
  }
  // The silent one was due before the others and never came.
  CHECK(by_id.size() == 3);
  CHECK(by_id.count("s") == 0);
  CHECK(by_id["d"].status == payment_status::declined);
  CHECK(by_id["d"].reason == "declined_by_issuer");
  CHECK(by_id["big"].status == payment_status::declined);
  CHECK(by_id["big"].reason == "amount_above_limit");
  CHECK(by_id["ok"].status == payment_status::confirmed);
}

TEST_CASE("the sandbox calls back again until the callback is taken",
          "[payments][sandbox]") {
  callback_sink sink{2};
  auto p = sandbox_for(sink);
  p->submit(order("retry", "card-9"));
  REQUIRE(sink.wait_for(1));
  CHECK(sink.attempts == 3);
  CHECK(p->read_callback(sink.received[0]).payment_id == "retry");
}

TEST_CASE("forged, stale and malformed callbacks are refused", "[payments][callbacks]") {
  callback_sink sink;
  auto p = sandbox_for(sink, {{"window_s", "300"}});
  auto now = now_us();
  auto body = nlohmann::json{{"payment_id", "x"},     {"provider_tx_id", "sbx-x"},
                             {"status", "confirmed"}, {"currency", "EUR"},
                             {"amount", 10},          {"fingerprint", "f"}}
                  .dump();
  auto request = [&](const std::string& b, int64_t ts, const std::string& key) {
    callback_request r;
    r.body = b;
    r.now_us = now;
    r.headers[timestamp_header] = std::to_string(ts);
    r.headers[signature_header] = sign_callback(key, ts, b);
    return r;
  };
  auto reason_of = [&](const callback_request& r) {
    try {
      p->read_callback(r);
    } catch (const callback_error& e) {
      return static_cast<int>(e.why);
    }
    return 0;
  };
  auto ts = now / 1'000'000;
  CHECK(reason_of(request(body, ts, secret)) == 0);
  CHECK(reason_of(request(body, ts, "another-secret-0123456")) ==
        static_cast<int>(callback_error::reason::bad_signature));
  auto tampered = request(body, ts, secret);
  tampered.body[tampered.body.find("10")] = '9';
  CHECK(reason_of(tampered) == static_cast<int>(callback_error::reason::bad_signature));
  CHECK(reason_of(request(body, ts - 301, secret)) ==
        static_cast<int>(callback_error::reason::stale));
  CHECK(reason_of(request(body, ts + 301, secret)) ==
        static_cast<int>(callback_error::reason::stale));
  auto unsigned_request = request(body, ts, secret);
  unsigned_request.headers.erase(signature_header);
  CHECK(reason_of(unsigned_request) ==
        static_cast<int>(callback_error::reason::bad_signature));
  for (const auto* b : {"[1]", "{\"payment_id\":1}", "not json",
                        R"({"payment_id":"x","provider_tx_id":"t","status":"pending",)"
                        R"("currency":"EUR","amount":1,"fingerprint":""})"})
    CHECK(reason_of(request(b, ts, secret)) ==
          static_cast<int>(callback_error::reason::malformed));
}

TEST_CASE("a sandbox without a usable secret, or an unknown kind, does not start",
          "[payments][config]") {
  provider_env env;
  env.id = "sbx";
  env.settings = {{"secret", "short"}};
  CHECK_THROWS_AS(make_provider("sandbox", env), provider_config_error);
  env.settings = {{"secret", secret}, {"delay_ms", "soon"}};
  CHECK_THROWS_WITH(make_provider("sandbox", env),
                    Catch::StartsWith("payments.sbx.delay_ms"));
  CHECK_THROWS_AS(make_provider("no-such-kind", env), provider_config_error);
}
