#include "persistence/chain_hash.hpp"

namespace agg {

namespace {

void put_u64(std::string& out, uint64_t x) {
  for (int shift = 56; shift >= 0; shift -= 8)
    out.push_back(static_cast<char>((x >> shift) & 0xff));
}

void put_str(std::string& out, std::string_view s) {
  put_u64(out, s.size());
  out.append(s);
}

} // namespace

const char* to_string(entry_kind k) {
  switch (k) {
    case entry_kind::deposit:
      return "deposit";
    case entry_kind::withdrawal:
      return "withdrawal";
    case entry_kind::bet:
      return "bet";
    case entry_kind::win:
      return "win";
    case entry_kind::rollback:
      return "rollback";
    case entry_kind::bonus_grant:
      return "bonus_grant";
    case entry_kind::bonus_conversion:
      return "bonus_conversion";
    case entry_kind::bonus_forfeit:
      return "bonus_forfeit";
    case entry_kind::bonus_expiry:
      return "bonus_expiry";
  }
  return "unknown";
}

bool entry_kind_from_int(int64_t code, entry_kind& out) {
  if (code < 1 || code > 9) return false;
  out = static_cast<entry_kind>(code);
  return true;
}

std::string canonical_encoding(const ledger_entry& e) {
  std::string out;
  out.reserve(160);
  out.append("agg.ledger.v1");
  put_u64(out, static_cast<uint64_t>(e.player_id));
  put_u64(out, static_cast<uint64_t>(e.seq));
  put_u64(out, e.kind);
  put_str(out, e.source);
  put_str(out, e.tx_id);
  put_str(out, e.ref_tx_id);
  put_str(out, e.round_id);
  put_str(out, e.currency);
  put_u64(out, static_cast<uint64_t>(e.amount));
  put_u64(out, static_cast<uint64_t>(e.balance_after));
  put_u64(out, static_cast<uint64_t>(e.created_us));
  // Entries that moved bonus money also commit to their parts; cash-only entries
  // encode as they always did.
  if (!e.bonus.empty()) {
    out.append("bonus");
    put_str(out, e.bonus);
  }
  return out;
}

hash256 chain_hash(const hash256& prev, const ledger_entry& e) {
  return sha256({bytes_of(prev), canonical_encoding(e)});
}

} // namespace agg
