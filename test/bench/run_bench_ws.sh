#!/usr/bin/env bash
# Starts a server tuned for the WebSocket benchmark on a fresh data dir, runs
# bench_ws against it with the given arguments, and stops the server.
#   test/bench/run_bench_ws.sh [--events both|on|off] --connections 10000 --rate 20000 \
#     --duration-s 20
# --events on: the Kafka publisher produces every event to librdkafka's mock cluster
# (test/actors/events/kafka_mock_broker, a process of its own); off: no publisher (the
# event feed stays: the balance pushes ride on it). both (the default): on, then off,
# back to back, and a line comparing the two. bench_ws prints the feed's lag p99 (from
# the server's agg_feed_latency_seconds) and, with Kafka, its greatest lag.
# --risk both: without Kafka, the risk engine on, off, off, on (its lock score out of
# reach, so that every run serves the same play), and a line comparing both runs of
# each; --risk on|off: one run so. Without --risk the server's default (on) holds.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${AGG_BUILD_DIR:-$root/build}"
port="${BENCH_WS_PORT:-18080}"
http_port="${BENCH_HTTP_PORT:-18081}"
events=both
risk=""
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --events) events="$2"; shift 2 ;;
    --events=*) events="${1#--events=}"; shift ;;
    --risk) risk="$2"; shift 2 ;;
    --risk=*) risk="${1#--risk=}"; shift ;;
    *) args+=("$1"); shift ;;
  esac
done
case "$events" in both|on|off) ;; *) echo "--events: both, on or off" >&2; exit 2 ;; esac
case "$risk" in ""|both|on|off) ;; *) echo "--risk: both, on or off" >&2; exit 2 ;; esac

# One run: $1 is on or off. Prints bench_ws's lines; its JSON line is kept in $last_json.
run_one() {
  local kafka="$1" risk_on="${2:-}" data server broker="" extra=()
  data="$(mktemp -d)"
  local key="bench-admin-key-$RANDOM$RANDOM$RANDOM"
  if [ "$kafka" = on ]; then
    mkfifo "$data/broker.in"
    "$build/test/kafka_mock_broker" agg < "$data/broker.in" > "$data/broker.out" 2>&1 &
    broker=$!
    exec 9> "$data/broker.in" # its stdin, held open until the run ends
    for _ in $(seq 1 100); do
      grep -q "^bootstrap " "$data/broker.out" && break
      sleep 0.1
    done
    extra=(--events.kafka.enabled
           "--events.kafka.brokers=$(sed -n 's/^bootstrap //p' "$data/broker.out")"
           '--events.kafka.settings=["log_level=3"]')
  fi
  local config="$root/config/aggregator.conf"
  if [ -n "$risk_on" ]; then
    # A flag cannot be turned off on the command line: a copy of the file does it.
    config="$data/aggregator.conf"
    sed -e "s/^risk_enabled=.*/risk_enabled=$([ "$risk_on" = on ] && echo true || echo false)/" \
        -e 's/^risk_lock_score=.*/risk_lock_score=1.0/' "$root/config/aggregator.conf" > "$config"
  fi
  "$build/gateway/aggregator" --config-file="$config" \
    --aggregator.data_dir="$data" --aggregator.ws_port="$port" \
    --aggregator.http_port="$http_port" --aggregator.api_keys="[\"bench:admin:$key\"]" \
    --aggregator.password_ops_limit=1 --aggregator.password_mem_kib=8 \
    --aggregator.ip_rate_per_s=100000000 --aggregator.ip_burst=100000000 \
    --aggregator.account_workers=1 --aggregator.ws_connections_per_address_max=1000000 \
    --aggregator.login_queue_len_max=100000 --aggregator.login_queue_per_address_max=100000 \
    "${extra[@]}" ${SERVER_ARGS:-} > "$data/server.log" 2>&1 &
  server=$!
  for _ in $(seq 1 100); do
    grep -q "aggregator ready" "$data/server.log" && break
    sleep 0.1
  done
  grep -q "aggregator ready" "$data/server.log" || { cat "$data/server.log"; exit 1; }
  local rc=0
  "$build/test/bench/bench_ws" --port "$port" --server-pid "$server" \
    --http-port "$http_port" --api-key "$key" "${args[@]}" | tee "$data/bench.out" || rc=$?
  last_json="$(grep '^{' "$data/bench.out" | head -1)"
  kill -TERM "$server" 2>/dev/null; wait "$server" 2>/dev/null || true
  if [ -n "$broker" ]; then
    exec 9>&-
    wait "$broker" 2>/dev/null || true
  fi
  rm -rf "$data"
  return $rc
}

rate_of() { sed -n 's/.*"requests_per_s":\([0-9]*\).*/\1/p' <<< "$1"; }

status=0
if [ -n "$risk" ]; then
  case "$risk" in
    on|off) run_one off "$risk" || status=$? ;;
    both)
      declare -a rates=()
      for mode in on off off on; do
        run_one off "$mode" || status=$?
        rates+=("$(rate_of "$last_json")")
      done
      if [ -n "${rates[0]}" ] && [ -n "${rates[1]}" ] && [ -n "${rates[2]}" ] && [ -n "${rates[3]}" ]; then
        on_rate=$(( (rates[0] + rates[3]) / 2 ))
        off_rate=$(( (rates[1] + rates[2]) / 2 ))
        echo "{\"bench\":\"ws_risk\",\"on_requests_per_s\":$on_rate,\"off_requests_per_s\":$off_rate,\"on_over_off\":$(awk "BEGIN{printf \"%.3f\", $on_rate/$off_rate}")}"
        echo "with the risk engine the server served $(awk "BEGIN{printf \"%d\", 100*$on_rate/$off_rate+0.5}")% of the rate without it (runs on, off, off, on, back to back)"
      fi
      ;;
  esac
  exit $status
fi
case "$events" in
  on|off) run_one "$events" || status=$? ;;
  both)
    run_one on || status=$?
    on_json="$last_json"
    run_one off || status=$?
    on_rate="$(rate_of "$on_json")"
    off_rate="$(rate_of "$last_json")"
    if [ -n "$on_rate" ] && [ -n "$off_rate" ] && [ "$off_rate" -gt 0 ]; then
      echo "{\"bench\":\"ws_events\",\"on_requests_per_s\":$on_rate,\"off_requests_per_s\":$off_rate,\"on_over_off\":$(awk "BEGIN{printf \"%.3f\", $on_rate/$off_rate}")}"
      echo "with the Kafka publisher (mock cluster) the server served $(awk "BEGIN{printf \"%d\", 100*$on_rate/$off_rate+0.5}")% of the rate without it, back to back"
    fi
    ;;
esac
exit $status
