#include "actors/wallet/id_filter.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace agg;

TEST_CASE("id_filter: every added id is contained, and new ids mostly are not") {
  constexpr int n = 100'000;
  id_filter f{1 << 17}; // 10.5 bits per id
  for (int i = 0; i < n; ++i)
    f.add(id_key(id_kind::tx, "caleta", "tx-" + std::to_string(i)));
  for (int i = 0; i < n; ++i)
    REQUIRE(f.may_contain(id_key(id_kind::tx, "caleta", "tx-" + std::to_string(i))));
  int positives = 0;
  for (int i = n; i < 2 * n; ++i)
    positives += f.may_contain(id_key(id_kind::tx, "caleta", "tx-" + std::to_string(i)));
  // At 10.5 bits per id, 7 hashes and 512-bit blocks the expected rate is about 1.1%.
  CHECK(positives < n * 25 / 1000);
  // The kind and the source are part of the key.
  int crossed = 0;
  for (int i = 0; i < 1000; ++i) {
    crossed += f.may_contain(id_key(id_kind::round, "caleta", "tx-" + std::to_string(i)));
    crossed += f.may_contain(id_key(id_kind::tx, "other", "tx-" + std::to_string(i)));
  }
  CHECK(crossed < 2000 * 25 / 1000);
}

TEST_CASE("id_filter: the smallest filter still answers without false negatives") {
  id_filter f{1};
  CHECK(f.bytes() == 64);
  for (int i = 0; i < 100; ++i)
    f.add(std::to_string(i));
  for (int i = 0; i < 100; ++i)
    CHECK(f.may_contain(std::to_string(i)));
}

TEST_CASE("id_key_into reuses its buffer and equals id_key") {
  std::string buf;
  id_key_into(buf, id_kind::mark, "src", "a-long-transaction-identifier");
  CHECK(buf == id_key(id_kind::mark, "src", "a-long-transaction-identifier"));
  id_key_into(buf, id_kind::tx, "s", "x");
  CHECK(buf == id_key(id_kind::tx, "s", "x"));
}
