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
# --cluster: a cluster of one core and one edge (docs/cluster.md); the same load
# directly at the core, then through the edge, back to back, and a line with the
# latency the edge adds (p50, p99) and the CPU per request of the extra hop (the
# edge's, and the core's beyond its direct run).
# --rates 2000,2500,3000,3500,4000 [--p99-target-ms 20]: one run per rate (each on a
# fresh server, --events on or off, off by default here; give no --rate), then a line
# with the highest rate served with p99 within the target and its CPU per request.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${AGG_BUILD_DIR:-$root/build}"
port="${BENCH_WS_PORT:-18080}"
http_port="${BENCH_HTTP_PORT:-18081}"
events=both
risk=""
cluster=""
rates_list=""
p99_target_ms=20
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --events) events="$2"; shift 2 ;;
    --events=*) events="${1#--events=}"; shift ;;
    --risk) risk="$2"; shift 2 ;;
    --risk=*) risk="${1#--risk=}"; shift ;;
    --cluster) cluster=1; shift ;;
    --rates) rates_list="$2"; shift 2 ;;
    --rates=*) rates_list="${1#--rates=}"; shift ;;
    --p99-target-ms) p99_target_ms="$2"; shift 2 ;;
    --p99-target-ms=*) p99_target_ms="${1#--p99-target-ms=}"; shift ;;
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
    --aggregator.web_dir="$root/web" \
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
field_of() { sed -n "s/.*\"$2\":\(-\?[0-9]*\).*/\1/p" <<< "$1"; }

# One core and one edge; bench_ws at the core, then at the edge.
run_cluster() {
  local data key core edge cport eport
  data="$(mktemp -d)"
  key="bench-admin-key-$RANDOM$RANDOM$RANDOM"
  cport=$((port + 100)); eport=$((port + 101))
  local nodes="[\"core-0=core@127.0.0.1:$cport\",\"edge-0=edge@127.0.0.1:$eport\"]"
  local common=(--config-file="$root/config/aggregator.conf" --aggregator.web_dir="$root/web"
    --aggregator.api_keys="[\"bench:admin:$key\"]"
    --aggregator.password_ops_limit=1 --aggregator.password_mem_kib=8
    --aggregator.ip_rate_per_s=100000000 --aggregator.ip_burst=100000000
    --aggregator.account_workers=1 --aggregator.ws_connections_per_address_max=1000000
    --aggregator.login_queue_len_max=100000 --aggregator.login_queue_per_address_max=100000
    --aggregator.vendor_http_port=0 --cluster.nodes="$nodes" --cluster.bind_address=127.0.0.1)
  mkdir -p "$data/core" "$data/edge"
  "$build/gateway/aggregator" "${common[@]}" --cluster.node=core-0 \
    --aggregator.data_dir="$data/core" --aggregator.ws_port="$port" \
    --aggregator.http_port="$http_port" ${SERVER_ARGS:-} > "$data/core.log" 2>&1 &
  core=$!
  "$build/gateway/aggregator" "${common[@]}" --cluster.node=edge-0 \
    --aggregator.data_dir="$data/edge" --aggregator.ws_port="$((port + 2))" \
    --aggregator.http_port="$((http_port + 2))" > "$data/edge.log" 2>&1 &
  edge=$!
  for _ in $(seq 1 100); do
    grep -q "aggregator ready" "$data/core.log" && grep -q "aggregator ready" "$data/edge.log" && break
    sleep 0.1
  done
  for _ in $(seq 1 100); do
    curl -fs "http://127.0.0.1:$((http_port + 2))/ready" > /dev/null 2>&1 && break
    sleep 0.1
  done
  local rc=0
  echo "directly at the core:"
  "$build/test/bench/bench_ws" --port "$port" --server-pid "$core" \
    --http-port "$http_port" --api-key "$key" "${args[@]}" | tee "$data/direct.out" || rc=$?
  echo "through the edge:"
  "$build/test/bench/bench_ws" --port "$((port + 2))" --server-pid "$edge" --behind-pid "$core" \
    --http-port "$((http_port + 2))" --api-key "$key" "${args[@]}" | tee "$data/edge.out" || rc=$?
  local d e
  d="$(grep '^{' "$data/direct.out" | head -1)"
  e="$(grep '^{' "$data/edge.out" | head -1)"
  kill -TERM "$edge" "$core" 2>/dev/null; wait "$edge" "$core" 2>/dev/null || true
  if [ -n "$d" ] && [ -n "$e" ]; then
    local p50 p99 cpu_edge cpu_core_extra
    p50=$(( $(field_of "$e" p50_us) - $(field_of "$d" p50_us) ))
    p99=$(( $(field_of "$e" p99_us) - $(field_of "$d" p99_us) ))
    cpu_edge=$(field_of "$e" server_cpu_us_per_request)
    cpu_core_extra=$(( $(field_of "$e" behind_cpu_us_per_request) - $(field_of "$d" server_cpu_us_per_request) ))
    echo "{\"bench\":\"ws_cluster\",\"direct_p50_us\":$(field_of "$d" p50_us),\"direct_p99_us\":$(field_of "$d" p99_us),\"edge_p50_us\":$(field_of "$e" p50_us),\"edge_p99_us\":$(field_of "$e" p99_us),\"added_p50_us\":$p50,\"added_p99_us\":$p99,\"direct_cpu_us_per_request\":$(field_of "$d" server_cpu_us_per_request),\"edge_cpu_us_per_request\":$cpu_edge,\"edge_core_cpu_us_per_request\":$(field_of "$e" behind_cpu_us_per_request),\"core_extra_cpu_us_per_request\":$cpu_core_extra,\"direct_steal_ms\":$(field_of "$d" steal_ms),\"edge_steal_ms\":$(field_of "$e" steal_ms)}"
    echo "through the edge: +$p50 us at p50, +$p99 us at p99; the hop costs $cpu_edge us of the edge's CPU and $cpu_core_extra us more of the core's per request"
  fi
  rm -rf "$data"
  return $rc
}

status=0
if [ -n "$rates_list" ]; then
  [ "$events" = both ] && events=off
  [ "$risk" = both ] && { echo "--rates takes --risk on or off" >&2; exit 2; }
  case "$p99_target_ms" in ''|*[!0-9]*) echo "--p99-target-ms: a whole number" >&2; exit 2 ;; esac
  base_args=("${args[@]}")
  best=0; best_cpu=-1; best_p99=-1; runs=""
  IFS=',' read -r -a rate_steps <<< "$rates_list"
  for r in "${rate_steps[@]}"; do
    case "$r" in ''|*[!0-9]*) echo "--rates: whole numbers separated by commas" >&2; exit 2 ;; esac
    args=("${base_args[@]}" --rate "$r")
    run_one "$events" "$risk" || status=$?
    served="$(rate_of "$last_json")"; p99="$(field_of "$last_json" p99_us)"
    cpu="$(field_of "$last_json" server_cpu_us_per_request)"
    steal="$(field_of "$last_json" steal_ms)"
    runs+="${runs:+,}{\"rate\":$r,\"requests_per_s\":${served:-0},\"p99_us\":${p99:--1},\"server_cpu_us_per_request\":${cpu:--1},\"steal_ms\":${steal:--1}}"
    if [ -n "$served" ] && [ -n "$p99" ] && [ "$p99" -le $((p99_target_ms * 1000)) ] &&
       [ "$served" -ge $((r * 95 / 100)) ] && [ "$served" -gt "$best" ]; then
      best="$served"; best_cpu="$cpu"; best_p99="$p99"
    fi
  done
  echo "{\"bench\":\"ws_rate_at_p99\",\"p99_target_ms\":$p99_target_ms,\"served_per_s\":$best,\"p99_us\":$best_p99,\"server_cpu_us_per_request\":$best_cpu,\"runs\":[$runs]}"
  if [ "$best" -gt 0 ]; then
    echo "highest rate served (at least 95% of its target) with p99 within $p99_target_ms ms: $best/s (p99 $best_p99 us, $best_cpu us of server CPU per request)"
  else
    echo "none of the rates $rates_list was served with p99 within $p99_target_ms ms"
  fi
  exit $status
fi
if [ -n "$cluster" ]; then
  run_cluster || status=$?
  exit $status
fi
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
