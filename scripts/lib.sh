# Shared by scripts/run and scripts/test: install missing Debian packages, then build.
# Sourced, not executed.

AGG_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
AGG_BUILD_DIR="${AGG_BUILD_DIR:-$AGG_ROOT/build}"
AGG_BUILD_TYPE="${AGG_BUILD_TYPE:-Release}"
AGG_JOBS="${AGG_JOBS:-2}"

AGG_PACKAGES=(
  g++ cmake make pkg-config
  libcaf-dev libboost-dev libboost-system-dev libcpp-httplib-dev librdkafka-dev
  libsqlite3-dev libssl-dev libsodium-dev nlohmann-json3-dev catch2 libjemalloc-dev
  liblinear-dev python3 python3-yaml
  clang libclang-rt-14-dev
)

# The browser tests (test/web): Debian's chromium, driven by playwright-core from npm
# (pinned in test/web/package-lock.json). Node.js and npm from Debian when the machine
# has no node of its own.
AGG_TEST_PACKAGES=(chromium)

agg_missing_packages() {
  local missing=() p
  for p in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$p")
    fi
  done
  echo "${missing[@]}"
}

agg_install_dependencies() {
  local missing
  missing="$(agg_missing_packages "${AGG_PACKAGES[@]}" "$@")"
  [ -z "$missing" ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "missing Debian packages; run as root:" >&2
    echo "  apt-get update && apt-get install -y $missing" >&2
    return 1
  fi
  echo "installing: $missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $missing
}

# What only the tests need: the browser, Node.js and the test/web npm packages.
agg_install_test_dependencies() {
  local extra=("${AGG_TEST_PACKAGES[@]}")
  command -v node > /dev/null || extra+=(nodejs npm)
  agg_install_dependencies "${extra[@]}"
  (cd "$AGG_ROOT/test/web" && npm ci --no-audit --no-fund --loglevel=error)
}

agg_build() {
  local extra=("$@")
  if [ ! -f "$AGG_BUILD_DIR/CMakeCache.txt" ]; then
    cmake -S "$AGG_ROOT" -B "$AGG_BUILD_DIR" -DCMAKE_BUILD_TYPE="$AGG_BUILD_TYPE" "${extra[@]}"
  fi
  cmake --build "$AGG_BUILD_DIR" -j "$AGG_JOBS"
}
