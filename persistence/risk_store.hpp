#pragma once

// The risk engine's cases and the operators' address rules (docs/risk.md). No CAF.

#include "persistence/sqlite.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace agg {

struct risk_case {
  int64_t case_id = 0;
  int64_t player_id = 0;
  std::string kind;    // bot, ring, bonus_abuse (the model's), linked
  double score = 0;    // the highest score while open
  std::string reasons; // JSON array
  int64_t group_size = 1;
  bool locked = false; // the engine locked the account
  std::string status;  // open, cleared, confirmed
  int64_t opened_us = 0;
  int64_t updated_us = 0;
  int64_t resolved_us = 0;
  std::string resolved_by;
  std::string note;
  // What a case without a player is about: "address:<a>" or "device:<id>" (a
  // credential-stuffing case), else empty.
  std::string subject;
};

struct address_rule {
  std::string cidr;   // canonical: the network address and the prefix length
  std::string action; // allow or deny
  std::string note;
  int64_t created_us = 0;
  std::string created_by;
};

class risk_store {
public:
  explicit risk_store(db::connection& conn);

  // Gives the case its id.
  void open(risk_case& c);
  // A open case's score, kind, reasons, group and lock.
  void update(const risk_case& c);
  // False when the case is not open (nothing written).
  bool resolve(int64_t case_id, const std::string& status, const std::string& by,
               const std::string& note, int64_t now_us);
  std::optional<risk_case> by_id(int64_t case_id);
  // Cases of a status (empty: every one), the newest first, at most `limit`, with ids
  // below `before` (0: no bound).
  std::vector<risk_case> list(const std::string& status, int64_t before, int64_t limit);
  std::vector<risk_case> of_player(int64_t player);
  // True when a case about the subject is open.
  bool open_about(const std::string& subject);
  // Every open case and every case resolved, for the engine's start.
  std::vector<risk_case> all();

  void put_rule(const address_rule& r);
  bool remove_rule(const std::string& cidr);
  std::vector<address_rule> rules();

private:
  db::connection& conn_;
};

} // namespace agg
