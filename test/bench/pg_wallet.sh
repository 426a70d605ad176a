#!/usr/bin/env bash
# pg_wallet.sh: the wallet an operator would build on PostgreSQL instead, measured
# with pgbench, so that bench_wallet has a peer measured on the same machine.
#
#   test/bench/pg_wallet.sh [--clients 64] [--players 10000] [--duration-s 20]
#
# A throwaway PostgreSQL 15 cluster (Debian's postgresql-15) in a temp directory, on
# loopback, durable as a wallet must be (fsync=on, synchronous_commit=on): a balance
# row per player and a ledger with a unique transaction id. Each operation is one
# transaction: SELECT ... FOR UPDATE of the player's balance, the debit (refused below
# zero) and its ledger row with balance_after. pgbench runs it from `clients`
# connections over `players` players for `duration_s` seconds.
#
# Prints one JSON line and a human summary: operations per second, latency p50 and
# p99 (from pgbench's per-transaction log), the server's CPU per operation (the
# postmaster's and its backends' user and system time over the run) and the machine's
# steal time. Needs root (to install postgresql-15 when missing and to run the server
# as the postgres user) or to be run as postgres.
set -euo pipefail

clients=64
players=10000
duration_s=20
while [ $# -gt 0 ]; do
  case "$1" in
    --clients) clients="$2"; shift 2 ;;
    --players) players="$2"; shift 2 ;;
    --duration-s) duration_s="$2"; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

pg_bin=/usr/lib/postgresql/15/bin
if [ ! -x "$pg_bin/postgres" ] || [ ! -x "$pg_bin/pgbench" ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "PostgreSQL 15 is missing; as root: apt-get install -y postgresql-15 postgresql-contrib" >&2
    exit 1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    postgresql-15 postgresql-contrib > /dev/null
fi

as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

dir="$(mktemp -d /tmp/pg-wallet-XXXXXX)"
chmod 755 "$dir"
[ "$(id -u)" -eq 0 ] && chown postgres "$dir"
port=$((20000 + RANDOM % 20000))
cleanup() {
  as_pg "$pg_bin/pg_ctl" -D "$dir/data" -m immediate stop > /dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT

as_pg "$pg_bin/initdb" -D "$dir/data" -A trust -U bench -E UTF8 --no-locale > /dev/null
as_pg "$pg_bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -o \
  "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=on -c synchronous_commit=on \
   -c full_page_writes=on -c max_connections=$((clients + 10)) -c shared_buffers=256MB" \
  start > /dev/null

psql_run() { as_pg psql -q -h 127.0.0.1 -p "$port" -U bench -v ON_ERROR_STOP=1 "$@"; }
as_pg "$pg_bin/createdb" -h 127.0.0.1 -p "$port" -U bench wallet
psql_run wallet > /dev/null <<SQL
CREATE TABLE balances (player_id bigint PRIMARY KEY, balance bigint NOT NULL);
CREATE TABLE ledger (
  seq bigserial PRIMARY KEY,
  tx_id text NOT NULL UNIQUE,
  player_id bigint NOT NULL,
  amount bigint NOT NULL,
  balance_after bigint NOT NULL,
  at timestamptz NOT NULL DEFAULT now());
CREATE INDEX ledger_player ON ledger (player_id, seq);
INSERT INTO balances SELECT g, 1000000000 FROM generate_series(1, $players) g;
VACUUM ANALYZE;
SQL

cat > "$dir/bet.sql" <<SQL
\set p random(1, $players)
\set amount random(1, 100)
BEGIN;
SELECT balance FROM balances WHERE player_id = :p FOR UPDATE;
WITH debit AS (
  UPDATE balances SET balance = balance - :amount
  WHERE player_id = :p AND balance >= :amount RETURNING balance)
INSERT INTO ledger (tx_id, player_id, amount, balance_after)
  SELECT gen_random_uuid()::text, :p, -:amount, balance FROM debit;
COMMIT;
SQL
[ "$(id -u)" -eq 0 ] && chown postgres "$dir/bet.sql"

# The postmaster's own CPU and that of its children once reaped (utime, stime,
# cutime, cstime of /proc/<pid>/stat), in clock ticks.
server_ticks() {
  local pid
  pid="$(head -1 "$dir/data/postmaster.pid")"
  awk '{ print $14 + $15 + $16 + $17 }' "/proc/$pid/stat"
}
steal_ticks() { awk '/^cpu / { print $9 }' /proc/stat; }

ticks_before="$(server_ticks)"
steal_before="$(steal_ticks)"
out="$(cd "$dir" && as_pg "$pg_bin/pgbench" -n -h 127.0.0.1 -p "$port" -U bench \
  -c "$clients" -j 2 -T "$duration_s" -f "$dir/bet.sql" --log --log-prefix="$dir/tx" wallet 2>&1)"
# The backends have exited once pgbench disconnected; wait until the postmaster has
# reaped them so that their CPU is in its children's time.
for _ in $(seq 1 50); do
  [ "$(pgrep -c -P "$(head -1 "$dir/data/postmaster.pid")" -f "postgres: bench wallet" || true)" -eq 0 ] && break
  sleep 0.1
done
ticks="$(( $(server_ticks) - ticks_before ))"
steal="$(( $(steal_ticks) - steal_before ))"

ops="$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' <<< "$out")"
failed="$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' <<< "$out")"
tps="$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' <<< "$out")"
if [ -z "$ops" ] || [ -z "$tps" ]; then
  echo "pgbench failed:" >&2
  echo "$out" >&2
  exit 1
fi
# pgbench's log: client, transaction, latency in microseconds, ...
read -r p50 p99 < <(cat "$dir"/tx.* | awk '{ print $3 }' | sort -n |
  awk '{ v[NR] = $1 } END { print v[int(NR * 0.50) + 1], v[int(NR * 0.99) + 1] }')
hz="$(getconf CLK_TCK)"
cpu_us_per_op="$(awk -v t="$ticks" -v hz="$hz" -v n="$ops" 'BEGIN { printf "%.1f", t * 1e6 / hz / n }')"
steal_ms="$(awk -v t="$steal" -v hz="$hz" 'BEGIN { printf "%d", t * 1000 / hz }')"
p50_ms="$(awk -v v="$p50" 'BEGIN { printf "%.2f", v / 1000 }')"
p99_ms="$(awk -v v="$p99" 'BEGIN { printf "%.2f", v / 1000 }')"

echo "{\"bench\":\"pg_wallet\",\"clients\":$clients,\"players\":$players,\"duration_s\":$duration_s,\"ops\":$ops,\"failed\":${failed:-0},\"ops_per_s\":${tps%.*},\"latency_p50_ms\":$p50_ms,\"latency_p99_ms\":$p99_ms,\"server_cpu_us_per_op\":$cpu_us_per_op,\"steal_ms\":$steal_ms}"
echo "pg_wallet: PostgreSQL 15, fsync=on, synchronous_commit=on, $clients clients over $players players for $duration_s s: ${tps%.*} ops/s, $cpu_us_per_op us server CPU each, latency p50 $p50_ms ms, p99 $p99_ms ms (steal $steal_ms ms)"
