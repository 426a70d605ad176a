#pragma once

// How a ledger entry records the bonus money it moved, and how a grant weighs a
// stake toward its wagering (docs/bonus.md). No CAF.
//
// An entry's `bonus` text lists its parts, "<grant id>:<signed amount>" joined by
// ';', in the order they were taken; a part ending in ":lapsed" is a win's share
// for a grant that had already been forfeited or had expired, which is paid to no
// pocket; a part ending in ":free" marks a free round of that grant (its bet moved
// nothing; its win fills the grant's pocket). Empty: the entry moved cash only.

#include "persistence/ledger_types.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace agg {

struct bonus_part {
  std::string grant_id;
  int64_t amount = 0; // signed, applied to the grant's pocket
  bool lapsed = false;
  bool free = false; // a free round's bet (amount 0)
};

// Grant ids go into the parts text: 1 to 64 letters, digits, '_' and '-'.
bool valid_grant_id(std::string_view s);
// A grant id as this server makes them: "bon_" and 24 lower-case hex digits.
bool is_generated_grant_id(std::string_view s);

std::string format_parts(const std::vector<bonus_part>& parts);
// False for text that is not a list of parts.
bool parse_parts(std::string_view text, std::vector<bonus_part>& out);
// The sum of the parts that moved a pocket.
int64_t parts_total(const std::vector<bonus_part>& parts);
// The sum of every part, lapsed shares too: the bonus side as its vendor sees it.
int64_t parts_total_all(const std::vector<bonus_part>& parts);
// parts_total_all of an entry's `bonus` text (0 for empty or malformed text).
int64_t parts_total_all(std::string_view text);

// The percent (0 to 100) of a stake on `game` of `vendor` that counts toward the
// grant's wagering: the game's exception, else the vendor's, else the default.
int64_t stake_weight(const bonus_grant& g, std::string_view vendor,
                     std::string_view game);
// True when `weights` is a list of "game:<id>=<pct>" and "vendor:<id>=<pct>" with every
// percent from 0 to 100 (empty is valid).
bool valid_weights(std::string_view weights);

} // namespace agg
