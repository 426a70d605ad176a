#include "persistence/global_chain.hpp"

#include "persistence/ledger_rows.hpp"

#include <charconv>

namespace agg {

hash256 global_hash(const hash256& prev, int64_t gseq, record_kind kind,
                    const hash256& record_hash) {
  char n[8];
  for (int i = 0; i < 8; ++i)
    n[i] = static_cast<char>((static_cast<uint64_t>(gseq) >> (56 - 8 * i)) & 0xff);
  char k = static_cast<char>(kind);
  return sha256({"agg.global.v1", bytes_of(prev), std::string_view{n, 8},
                 std::string_view{&k, 1}, bytes_of(record_hash)});
}

void chain_ledger(global_head& head, ledger_entry& e) {
  e.gseq = ++head.gseq;
  e.ghash = global_hash(head.ghash, e.gseq, record_kind::ledger, e.hash);
  head.ghash = e.ghash;
}

void chain_activity(global_head& head, activity_record& a) {
  a.gseq = ++head.gseq;
  a.ghash = global_hash(head.ghash, a.gseq, record_kind::activity, a.hash);
  head.ghash = a.ghash;
}

global_head load_global_head(db::connection& conn) {
  global_head h;
  for (const char* sql :
       {"SELECT gseq, ghash FROM ledger ORDER BY gseq DESC LIMIT 1",
        "SELECT gseq, ghash FROM activity ORDER BY gseq DESC LIMIT 1"}) {
    auto st = conn.prepare(sql);
    if (st.step() && st.int64(0) > h.gseq) {
      h.gseq = st.int64(0);
      db::copy_hash(st.blob(1), h.ghash);
    }
  }
  return h;
}

std::string to_string(const global_head& h) {
  return std::to_string(h.gseq) + ":" + to_hex(h.ghash);
}

std::optional<global_head> parse_checkpoint(std::string_view text) {
  auto colon = text.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  global_head h;
  auto [p, ec] = std::from_chars(text.data(), text.data() + colon, h.gseq);
  if (ec != std::errc{} || p != text.data() + colon || h.gseq < 0) return std::nullopt;
  std::string bytes;
  if (!from_hex(text.substr(colon + 1), bytes) || bytes.size() != h.ghash.size())
    return std::nullopt;
  std::copy(bytes.begin(), bytes.end(), h.ghash.begin());
  return h;
}

} // namespace agg
