#!/usr/bin/env bash
# wallet_vs_postgres.sh: bench_wallet and the PostgreSQL wallet (pg_wallet.sh), back to
# back on this machine at the same concurrency, and their ratio.
#
#   test/bench/wallet_vs_postgres.sh [--clients 64] [--players 10000] [--ops 200000]
#                                    [--duration-s 20] [--build DIR]
#
# bench_wallet runs in group mode with the event feed on and Kafka off (what a node
# does without a broker); pg_wallet.sh for --duration-s. Prints both runs' lines, then
# one JSON line with both rates, both p99s, both CPU figures per operation, the steal
# time of each run and the ratio of the rates.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build="$here/../../build"
clients=64
players=10000
ops=200000
duration_s=20
while [ $# -gt 0 ]; do
  case "$1" in
    --clients) clients="$2"; shift 2 ;;
    --players) players="$2"; shift 2 ;;
    --ops) ops="$2"; shift 2 ;;
    --duration-s) duration_s="$2"; shift 2 ;;
    --build) build="$2"; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

ours="$("$build/test/bench/bench_wallet" --mode group --events on --kafka off \
  --clients "$clients" --players "$players" --ops "$ops")"
echo "$ours"
theirs="$("$here/pg_wallet.sh" --clients "$clients" --players "$players" --duration-s "$duration_s")"
echo "$theirs"

field() { sed -n "s/.*\"$2\":\([0-9.-]*\).*/\1/p" <<< "$(grep '^{' <<< "$1" | head -1)"; }
w_rate="$(field "$ours" ops_per_s)"
p_rate="$(field "$theirs" ops_per_s)"
ratio="$(awk -v a="$w_rate" -v b="$p_rate" 'BEGIN { printf "%.1f", a / b }')"
w_p99_ms="$(awk -v v="$(field "$ours" p99_us)" 'BEGIN { printf "%.2f", v / 1000 }')"
echo "{\"bench\":\"wallet_vs_postgres\",\"clients\":$clients,\"players\":$players,\"wallet_ops_per_s\":$w_rate,\"postgres_ops_per_s\":$p_rate,\"ratio\":$ratio,\"wallet_p99_ms\":$w_p99_ms,\"postgres_p99_ms\":$(field "$theirs" latency_p99_ms),\"wallet_cpu_us_per_op\":$(field "$ours" cpu_us_per_op),\"postgres_cpu_us_per_op\":$(field "$theirs" server_cpu_us_per_op),\"wallet_steal_ms\":$(field "$ours" steal_ms),\"postgres_steal_ms\":$(field "$theirs" steal_ms)}"
echo "wallet against PostgreSQL at $clients clients: $w_rate against $p_rate ops/s = ${ratio}x; p99 $w_p99_ms ms against $(field "$theirs" latency_p99_ms) ms"
