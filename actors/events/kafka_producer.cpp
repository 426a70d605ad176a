#include "actors/events/kafka_producer.hpp"

#include "common/log.hpp"

#include <librdkafka/rdkafka.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <stdexcept>
#include <thread>

namespace agg {

namespace {

// Our defaults, before the operator's settings.
const std::pair<const char*, const char*> defaults[] = {
    {"enable.idempotence", "true"},
    // an error that could leave a gap in a partition stops the producer (the
    // publisher starts a new one and produces every unacknowledged event again)
    {"enable.gapless.guarantee", "true"},
    {"message.timeout.ms", "0"}, // wait for the broker as long as it takes
    {"linger.ms", "5"},
    {"statistics.interval.ms", "1000"},
};

rd_kafka_conf_t* make_conf(const std::vector<std::pair<std::string, std::string>>& s,
                           std::string* refused) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char err[512];
  auto set = [&](const std::string& k, const std::string& v) {
    if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof err) ==
        RD_KAFKA_CONF_OK)
      return true;
    *refused = k + ": " + err;
    return false;
  };
  for (const auto& [k, v] : defaults)
    if (!set(k, v)) break;
  if (refused->empty())
    for (const auto& [k, v] : s)
      if (!set(k, v)) break;
  if (!refused->empty()) {
    rd_kafka_conf_destroy(conf);
    return nullptr;
  }
  return conf;
}

} // namespace

struct kafka_producer::impl {
  kafka_producer_options opts;
  rd_kafka_t* rk = nullptr;
  std::vector<kafka_delivery> batch; // filled by the delivery callback during a poll
  std::atomic<bool> stop{false};
  std::thread poller;

  static void on_delivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
    auto* self = static_cast<impl*>(opaque);
    kafka_delivery d;
    d.id = reinterpret_cast<intptr_t>(m->_private);
    d.ok = m->err == RD_KAFKA_RESP_ERR_NO_ERROR;
    if (!d.ok) d.error = rd_kafka_err2str(m->err);
    self->batch.push_back(std::move(d));
  }

  // librdkafka's own log lines (syslog levels) go through the server's logger.
  static void on_log(const rd_kafka_t*, int level, const char* facility,
                     const char* text) {
    std::string_view fac{facility ? facility : ""};
    std::string_view msg{text ? text : ""};
    auto l = level <= 3   ? log::level::error
             : level == 4 ? log::level::warn
             : level <= 6 ? log::level::info
                          : log::level::debug;
    // We set the experimental gapless guarantee on purpose; its warning is not news.
    if (fac == "CONFWARN" && msg.find("enable.gapless.guarantee") != msg.npos)
      l = log::level::debug;
    if (log::enabled(l)) log::write(l, "kafka", msg, {{"facility", fac}});
  }

  // Errors were logged by on_log; here only what the caller acts on.
  static void on_error(rd_kafka_t* rk, int code, const char* reason, void* opaque) {
    auto* self = static_cast<impl*>(opaque);
    if (code == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN && self->opts.on_brokers)
      self->opts.on_brokers(0);
    if (code != RD_KAFKA_RESP_ERR__FATAL || !self->opts.on_error) return;
    char buf[512];
    rd_kafka_fatal_error(rk, buf, sizeof buf);
    (void)reason;
    self->opts.on_error(buf);
  }

  // Counts the brokers of the cluster (not the bootstrap entries) that are up.
  static int on_stats(rd_kafka_t*, char* json, size_t len, void* opaque) {
    auto* self = static_cast<impl*>(opaque);
    if (!self->opts.on_brokers) return 0;
    auto doc = nlohmann::json::parse(json, json + len, nullptr, false);
    if (doc.is_discarded()) return 0;
    int up = 0;
    if (auto b = doc.find("brokers"); b != doc.end() && b->is_object())
      for (const auto& [name, broker] : b->items())
        if (broker.value("nodeid", -1) >= 0 && broker.value("state", "") == "UP") ++up;
    self->opts.on_brokers(up);
    return 0;
  }

  void run() {
    while (!stop.load(std::memory_order_relaxed)) {
      rd_kafka_poll(rk, 50);
      if (!batch.empty() && opts.on_deliveries) {
        opts.on_deliveries(std::move(batch));
        batch.clear();
      }
    }
  }
};

kafka_producer::kafka_producer(kafka_producer_options opts)
    : impl_(std::make_unique<impl>()) {
  impl_->opts = std::move(opts);
  std::string refused;
  auto settings = impl_->opts.settings;
  settings.insert(settings.begin(), {"bootstrap.servers", impl_->opts.brokers});
  rd_kafka_conf_t* conf = make_conf(settings, &refused);
  if (!conf) throw std::runtime_error("kafka: " + refused);
  rd_kafka_conf_set_opaque(conf, impl_.get());
  rd_kafka_conf_set_dr_msg_cb(conf, &impl::on_delivery);
  rd_kafka_conf_set_error_cb(conf, &impl::on_error);
  rd_kafka_conf_set_log_cb(conf, &impl::on_log);
  rd_kafka_conf_set_stats_cb(conf, &impl::on_stats);
  char err[512];
  impl_->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (!impl_->rk) {
    rd_kafka_conf_destroy(conf);
    throw std::runtime_error(std::string{"kafka: "} + err);
  }
  impl_->poller = std::thread{[i = impl_.get()] { i->run(); }};
}

kafka_producer::~kafka_producer() {
  impl_->stop = true;
  impl_->poller.join();
  // What is still queued is dropped: its ids were never acknowledged, so the caller's
  // cursor stays before them and they go out again from the log.
  rd_kafka_purge(impl_->rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
  impl_->opts.on_deliveries = nullptr;
  rd_kafka_poll(impl_->rk, 0);
  rd_kafka_destroy(impl_->rk);
}

bool kafka_producer::produce(const std::string& topic, std::string_view key,
                             std::string_view value,
                             std::initializer_list<header> headers, int64_t id,
                             std::string* error) {
  rd_kafka_headers_t* hdrs = rd_kafka_headers_new(headers.size());
  for (const auto& h : headers)
    rd_kafka_header_add(hdrs, h.name.data(), static_cast<ssize_t>(h.name.size()),
                        h.value.data(), static_cast<ssize_t>(h.value.size()));
  auto err =
      rd_kafka_producev(impl_->rk, RD_KAFKA_V_TOPIC(topic.c_str()),
                        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                        RD_KAFKA_V_KEY(const_cast<char*>(key.data()), key.size()),
                        RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
                        RD_KAFKA_V_HEADERS(hdrs),
                        RD_KAFKA_V_OPAQUE(reinterpret_cast<void*>(id)), RD_KAFKA_V_END);
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return true;
  rd_kafka_headers_destroy(hdrs); // not taken over on failure
  if (error) *error = rd_kafka_err2str(err);
  return false;
}

int64_t kafka_producer::outstanding() const {
  return rd_kafka_outq_len(impl_->rk);
}

std::string
kafka_producer::check(const std::vector<std::pair<std::string, std::string>>& s) {
  std::string refused;
  if (auto* conf = make_conf(s, &refused)) rd_kafka_conf_destroy(conf);
  return refused;
}

} // namespace agg
