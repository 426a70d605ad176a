// A Kafka cluster for tests: librdkafka's mock cluster (3 brokers) in a process of its
// own, so that a server killed with SIGKILL leaves it and what it holds up. It creates
// the topics PREFIX.wallet and PREFIX.activity (4 partitions each, 3 replicas), prints
// "bootstrap HOST:PORT,..." and then takes commands on stdin, one a line, answering
// each with "ok" (or "error ...") once done:
//   down ID|all          a broker (1..3) stops answering
//   up ID|all            ... and answers again
//   errors N CODE        the next N produce requests fail with the Kafka error CODE
//                        (a number, e.g. 6 NOT_LEADER_FOR_PARTITION, 7 REQUEST_TIMED_OUT)
// It exits when stdin closes.
//
// Usage: kafka_mock_broker [PREFIX]   (default "agg")

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace {

constexpr int broker_count = 3;

bool set_brokers(rd_kafka_mock_cluster_t* cluster, const std::string& which, bool up) {
  for (int id = 1; id <= broker_count; ++id) {
    if (which != "all" && which != std::to_string(id)) continue;
    auto err = up ? rd_kafka_mock_broker_set_up(cluster, id)
                  : rd_kafka_mock_broker_set_down(cluster, id);
    if (err) return false;
  }
  return which == "all" || (which.size() == 1 && which[0] >= '1' &&
                            which[0] < static_cast<char>('1' + broker_count));
}

} // namespace

int main(int argc, char** argv) {
  std::string prefix = argc > 1 ? argv[1] : "agg";
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "log_level", "0", err, sizeof err);
  rd_kafka_t* handle = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (!handle) {
    std::cerr << "kafka_mock_broker: " << err << "\n";
    return 1;
  }
  rd_kafka_mock_cluster_t* cluster = rd_kafka_mock_cluster_new(handle, broker_count);
  if (!cluster) {
    std::cerr << "kafka_mock_broker: no mock cluster\n";
    return 1;
  }
  for (const char* suffix : {".wallet", ".activity"})
    rd_kafka_mock_topic_create(cluster, (prefix + suffix).c_str(), 4, broker_count);
  std::cout << "bootstrap " << rd_kafka_mock_cluster_bootstraps(cluster) << std::endl;

  std::string line;
  while (std::getline(std::cin, line)) {
    std::istringstream in{line};
    std::string cmd;
    in >> cmd;
    bool ok = false;
    if (cmd == "down" || cmd == "up") {
      std::string which;
      in >> which;
      ok = set_brokers(cluster, which, cmd == "up");
    } else if (cmd == "errors") {
      size_t n = 0;
      int code = 0;
      if (in >> n >> code && n > 0 && n <= 1000) {
        std::vector<rd_kafka_resp_err_t> errors(n,
                                                static_cast<rd_kafka_resp_err_t>(code));
        rd_kafka_mock_push_request_errors_array(cluster, /*Produce*/ 0, n, errors.data());
        ok = true;
      }
    }
    std::cout << (ok ? "ok" : "error " + line) << std::endl;
  }
  rd_kafka_mock_cluster_destroy(cluster);
  rd_kafka_destroy(handle);
  return 0;
}
