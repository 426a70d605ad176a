#pragma once

// The event log: every ledger entry and activity record in the global order
// (global_chain.hpp), read back by position, and the durable cursors of the event
// feed's subscribers. The ledger and the activity table are the log; nothing is
// copied for it.

#include "persistence/activity.hpp"
#include "persistence/ledger_types.hpp"
#include "persistence/sqlite.hpp"

#include <optional>
#include <string>
#include <vector>

namespace agg {

// One committed change: a ledger entry (money) or an activity record.
struct feed_event {
  bool is_money = true;
  ledger_entry money;       // when is_money
  activity_record activity; // otherwise

  int64_t gseq() const { return is_money ? money.gseq : activity.gseq; }
  int64_t player_id() const { return is_money ? money.player_id : activity.player_id; }
  int64_t created_us() const { return is_money ? money.created_us : activity.created_us; }
};

namespace db {

inline constexpr const char* activity_columns =
    "gseq, kind, player_id, created_us, address, device_id, device_user_agent, "
    "device_platform, device_screen, device_timezone, device_language, detail, hash, "
    "ghash";

// Reads the activity_columns starting at column `first`.
activity_record read_activity(const statement& st, int first = 0);

} // namespace db

class event_log {
public:
  explicit event_log(db::connection& conn);

  // The events with gseq > after, in order, at most `limit`.
  std::vector<feed_event> after(int64_t after, int64_t limit);
  // One player's events (money and activity) created before before_us, newest
  // first, at most `limit`: the money and activity part of the player's timeline.
  std::vector<feed_event> of_player(int64_t player, int64_t before_us, int64_t limit);
  // The last committed gseq (0 when there is none).
  int64_t head();
  // A subscriber's stored cursor: the gseq through which it has taken every event.
  std::optional<int64_t> cursor(const std::string& name);

private:
  db::statement ledger_;
  db::statement activity_;
  db::statement player_ledger_;
  db::statement player_activity_;
  db::statement cursor_;
  db::statement head_ledger_;
  db::statement head_activity_;
};

} // namespace agg
