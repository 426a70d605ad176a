#!/usr/bin/env bash
# Starts a server tuned for the WebSocket benchmark on a fresh data dir, runs
# bench_ws against it with the given arguments, and stops the server.
#   test/bench/run_bench_ws.sh --connections 10000 --rate 20000 --duration-s 20
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${AGG_BUILD_DIR:-$root/build}"
data="$(mktemp -d)"
port="${BENCH_WS_PORT:-18080}"
http_port="${BENCH_HTTP_PORT:-18081}"
key="bench-admin-key-$RANDOM$RANDOM$RANDOM"
"$build/gateway/aggregator" --config-file="$root/config/aggregator.conf" \
  --aggregator.data_dir="$data" --aggregator.ws_port="$port" \
  --aggregator.http_port="$http_port" --aggregator.api_keys="[\"bench:admin:$key\"]" \
  --aggregator.password_ops_limit=1 --aggregator.password_mem_kib=8 \
  --aggregator.ip_rate_per_s=100000000 --aggregator.ip_burst=100000000 \
  --aggregator.account_workers=1 ${SERVER_ARGS:-} > "$data/server.log" 2>&1 &
server=$!
trap 'kill -TERM $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 100); do
  grep -q "aggregator ready" "$data/server.log" && break
  sleep 0.1
done
grep -q "aggregator ready" "$data/server.log" || { cat "$data/server.log"; exit 1; }
"$build/test/bench/bench_ws" --port "$port" --server-pid "$server" \
  --http-port "$http_port" --api-key "$key" "$@"
