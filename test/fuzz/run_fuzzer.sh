#!/bin/sh
# Runs one fuzz target for a bounded time from its seed corpus; exits non-zero when it
# found an input that crashes, leaks, hangs or trips a sanitizer or an assertion of
# the target. New inputs go to a scratch corpus, never into the repository's seeds;
# a failing input is kept as <artifacts>/<target>-crash-<sha1> for replay:
#   <target> <that file>
# usage: run_fuzzer.sh TARGET SEED_DIR SECONDS ARTIFACT_DIR
set -eu
target=$1 seeds=$2 seconds=$3 artifacts=$4
mkdir -p "$artifacts"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
exec "$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
  -max_len=65536 -print_final_stats=1 \
  -artifact_prefix="$artifacts/$(basename "$target")-" "$scratch" "$seeds"
