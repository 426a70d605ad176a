#include "payments/sandbox/sandbox_provider.hpp"

#include "common/clock.hpp"
#include "common/crypto.hpp"
#include "common/json_parse.hpp"
#include "common/log.hpp"
#include "payments/signed_callback.hpp"

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <condition_variable>
#include <fstream>
#include <mutex>
#include <queue>
#include <sstream>
#include <thread>

namespace agg::payments {

namespace {

using json = nlohmann::json;

std::string read_secret(const provider_env& env) {
  auto secret = text_setting(env, "secret", "");
  auto file = text_setting(env, "secret_file", "");
  if (!file.empty()) {
    std::ifstream in{file, std::ios::binary};
    if (!in)
      throw provider_config_error{"payments." + env.id + ".secret_file: cannot read " +
                                  file};
    std::ostringstream s;
    s << in.rdbuf();
    secret = s.str();
    while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r'))
      secret.pop_back();
  }
  if (secret.size() < 16)
    throw provider_config_error{"payments." + env.id +
                                ".secret: at least 16 bytes (secret or secret_file)"};
  return secret;
}

// The instrument's rule word: what comes before its first '-'.
std::string rule_of(const std::string& instrument) {
  return instrument.substr(0, instrument.find('-'));
}

// Sends callbacks when they are due, retrying, on a thread of its own.
class callback_sender {
public:
  // `url` names where callbacks go when each is sent (the server's port may be known
  // only after the provider started).
  callback_sender(std::function<std::string()> url, std::string secret, int64_t retries,
                  int64_t retry_ms)
      : url_(std::move(url)), secret_(std::move(secret)), retries_(retries),
        retry_ms_(retry_ms), thread_([this] { run(); }) {}

  ~callback_sender() {
    {
      std::lock_guard lock{mtx_};
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

  void schedule(std::string body, int64_t due_us) {
    {
      std::lock_guard lock{mtx_};
      queue_.push({due_us, std::move(body), 0});
    }
    cv_.notify_all();
  }

private:
  struct item {
    int64_t due_us;
    std::string body;
    int64_t attempt;
    bool operator>(const item& o) const { return due_us > o.due_us; }
  };

  void run() {
    std::unique_lock lock{mtx_};
    while (!stop_) {
      if (queue_.empty()) {
        cv_.wait(lock);
        continue;
      }
      auto wait_us = queue_.top().due_us - now_us();
      if (wait_us > 0) {
        cv_.wait_for(lock, std::chrono::microseconds{wait_us});
        continue;
      }
      auto it = queue_.top();
      queue_.pop();
      lock.unlock();
      bool delivered = send(it);
      lock.lock();
      if (!delivered && it.attempt < retries_) {
        ++it.attempt;
        it.due_us = now_us() + retry_ms_ * 1'000;
        queue_.push(std::move(it));
      }
    }
  }

  bool send(const item& it) {
    // http://host:port/path
    const std::string scheme = "http://";
    auto url = url_ ? url_() : std::string{};
    if (url.rfind(scheme, 0) != 0) return false;
    auto slash = url.find('/', scheme.size());
    auto origin = url.substr(0, slash);
    auto path = slash == std::string::npos ? "/" : url.substr(slash);
    httplib::Client c{origin};
    c.set_connection_timeout(std::chrono::seconds{2});
    c.set_read_timeout(std::chrono::seconds{10});
    auto ts = now_us() / 1'000'000;
    httplib::Headers h{{"X-Payment-Timestamp", std::to_string(ts)},
                       {"X-Payment-Signature", sign_callback(secret_, ts, it.body)}};
    auto res = c.Post(path, h, it.body, "application/json");
    bool ok = res && res->status / 100 == 2;
    if (!ok)
      log::warn(
          "sandbox", "callback not taken",
          {{"url", url}, {"status", res ? res->status : 0}, {"attempt", it.attempt}});
    return ok;
  }

  std::function<std::string()> url_;
  std::string secret_;
  int64_t retries_;
  int64_t retry_ms_;
  std::mutex mtx_;
  std::condition_variable cv_;
  std::priority_queue<item, std::vector<item>, std::greater<>> queue_;
  bool stop_ = false;
  std::thread thread_; // last: started once the rest is ready
};

class sandbox final : public provider {
public:
  explicit sandbox(const provider_env& env)
      : env_(env), secret_(read_secret(env)),
        delay_ms_(int_setting(env, "delay_ms", 100, 0, 3'600'000)),
        decline_above_(int_setting(env, "decline_above", 0, 0, INT64_MAX)),
        window_s_(int_setting(env, "window_s", 300, 1, 86'400)),
        sender_(env.callback_url, secret_,
                int_setting(env, "callback_retries", 5, 0, 1'000),
                int_setting(env, "callback_retry_ms", 500, 1, 3'600'000)) {}

  provider_reply submit(const payment_order& order) override {
    auto rule = rule_of(order.instrument);
    if (rule == "error") throw std::runtime_error("sandbox: connection reset");
    {
      // A payment id seen before is answered as then, and nothing moves again.
      std::lock_guard lock{seen_mtx_};
      if (auto i = seen_.find(order.payment_id); i != seen_.end()) return i->second;
    }
    auto r = decide(rule, order);
    std::lock_guard lock{seen_mtx_};
    seen_.emplace(order.payment_id, r);
    return r;
  }

  provider_reply decide(const std::string& rule, const payment_order& order) {
    provider_reply r;
    r.provider_tx_id = "sbx-" + order.payment_id;
    r.fingerprint = sandbox_fingerprint(order.instrument);
    if (rule == "fail") {
      r.status = payment_status::failed;
      r.reason = "instrument_failed";
      return r;
    }
    if (rule == "instant") {
      r.status = payment_status::confirmed;
      return r;
    }
    r.status = payment_status::pending;
    if (rule == "silent") return r;
    payment_callback cb;
    cb.payment_id = order.payment_id;
    cb.provider_tx_id = r.provider_tx_id;
    cb.currency = order.currency;
    cb.amount = order.amount;
    cb.fingerprint = r.fingerprint;
    if (rule == "decline") {
      cb.status = payment_status::declined;
      cb.reason = "declined_by_issuer";
    } else if (decline_above_ > 0 && order.amount > decline_above_) {
      cb.status = payment_status::declined;
      cb.reason = "amount_above_limit";
    }
    sender_.schedule(body_of(cb), now_us() + delay_ms_ * 1'000);
    return r;
  }

  payment_callback read_callback(const callback_request& req) override {
    verify_callback(secret_, req, window_s_);
    auto parsed = parse_json(req.body);
    auto bad = [](const char* what) {
      return callback_error{callback_error::reason::malformed, what};
    };
    if (parsed.fault != json_fault::none || !parsed.doc.is_object())
      throw bad("the body is not a JSON object");
    const auto& j = parsed.doc;
    payment_callback cb;
    auto text = [&](const char* key, std::string& out) {
      auto i = j.find(key);
      if (i == j.end() || !i->is_string())
        throw bad("a field is missing or not a string");
      out = i->get<std::string>();
    };
    text("payment_id", cb.payment_id);
    text("provider_tx_id", cb.provider_tx_id);
    text("currency", cb.currency);
    text("fingerprint", cb.fingerprint);
    std::string status;
    text("status", status);
    if (!payment_status_from_string(status, cb.status) ||
        (cb.status != payment_status::confirmed &&
         cb.status != payment_status::declined && cb.status != payment_status::failed))
      throw bad("status is not confirmed, declined or failed");
    auto amount = j.find("amount");
    if (amount == j.end() || !amount->is_number_integer())
      throw bad("amount is missing or not an integer");
    cb.amount = amount->get<int64_t>();
    if (auto reason = j.find("reason"); reason != j.end() && reason->is_string())
      cb.reason = reason->get<std::string>();
    return cb;
  }

private:
  static std::string body_of(const payment_callback& cb) {
    json j{{"payment_id", cb.payment_id},
           {"provider_tx_id", cb.provider_tx_id},
           {"status", to_string(cb.status)},
           {"currency", cb.currency},
           {"amount", cb.amount},
           {"fingerprint", cb.fingerprint}};
    if (!cb.reason.empty()) j["reason"] = cb.reason;
    return j.dump();
  }

  provider_env env_;
  std::string secret_;
  int64_t delay_ms_;
  int64_t decline_above_;
  int64_t window_s_;
  std::mutex seen_mtx_;
  std::map<std::string, provider_reply> seen_; // by payment id
  callback_sender sender_;
};

const bool registered = register_provider(
    "sandbox", [](const provider_env& env) { return make_sandbox(env); });

} // namespace

std::unique_ptr<provider> make_sandbox(const provider_env& env) {
  return std::make_unique<sandbox>(env);
}

std::string sandbox_fingerprint(const std::string& instrument) {
  return sha256_hex("sandbox:" + instrument).substr(0, 32);
}

} // namespace agg::payments
