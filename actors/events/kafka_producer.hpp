#pragma once

// A Kafka producer (librdkafka) with its own polling thread: messages go out with an
// id, and the broker's acknowledgements (or failures) come back through a callback on
// that thread, a batch per poll. Idempotent: enable.idempotence=true (acks from every
// in-sync replica, ordered retries without duplicates within one producer's life) and,
// unless the settings say otherwise, no local give-up time (message.timeout.ms=0):
// while brokers are away a message waits, and the caller bounds how many wait.
// CAF-free; the Kafka publisher actor owns one.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace agg {

struct kafka_delivery {
  int64_t id = 0;
  bool ok = false;
  std::string error; // when not ok
};

struct kafka_producer_options {
  std::string brokers; // bootstrap.servers
  // librdkafka settings passed through as they are, after ours (so that they win)
  std::vector<std::pair<std::string, std::string>> settings;
  // Called on the polling thread.
  std::function<void(std::vector<kafka_delivery>)> on_deliveries;
  std::function<void(int brokers_up)> on_brokers; // every statistics interval
  // A fatal error: the producer is done for and a new one must take over.
  std::function<void(std::string message)> on_error;
};

class kafka_producer {
public:
  // Throws std::runtime_error when a setting is refused.
  explicit kafka_producer(kafka_producer_options opts);
  // Stops polling and drops what was not delivered (its ids never come back).
  ~kafka_producer();
  kafka_producer(const kafka_producer&) = delete;
  kafka_producer& operator=(const kafka_producer&) = delete;

  struct header {
    std::string_view name;
    std::string_view value;
  };
  // Queues one message. False with *error set when librdkafka refuses it (its local
  // queue is full, or the producer has failed for good).
  bool produce(const std::string& topic, std::string_view key, std::string_view value,
               std::initializer_list<header> headers, int64_t id, std::string* error);

  // Messages queued or in flight, not yet acknowledged.
  int64_t outstanding() const;

  // Checks the settings alone: the first one librdkafka refuses, or empty.
  static std::string check(const std::vector<std::pair<std::string, std::string>>& s);

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace agg
