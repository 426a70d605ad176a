#pragma once

// Builds one player's ledger entries for storage tests: each continues the chain (seq,
// prev_hash, hash) and the running balance, as a wallet would.

#include "persistence/chain_hash.hpp"
#include "persistence/ledger_types.hpp"

#include <string>

namespace agg::test {

struct chain_builder {
  int64_t player;
  int64_t seq = 0;
  hash256 last{};
  int64_t balance = 0;

  ledger_write next(entry_kind kind, std::string tx, int64_t amount,
                    std::string round = {}) {
    ledger_write w;
    auto& e = w.entry;
    e.player_id = player;
    e.seq = ++seq;
    e.kind = static_cast<uint8_t>(kind);
    e.source = "studio";
    e.tx_id = std::move(tx);
    e.round_id = std::move(round);
    e.currency = "EUR";
    e.amount = amount;
    balance += amount;
    e.balance_after = balance;
    e.created_us = 1000 + seq;
    e.prev_hash = last;
    e.hash = chain_hash(e.prev_hash, e);
    last = e.hash;
    return w;
  }
};

} // namespace agg::test
