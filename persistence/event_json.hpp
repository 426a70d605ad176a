#pragma once

// The JSON form of an event, as docs/events.md documents it (version 1): what
// `aggregator events`, GET /v1/events and the Kafka publisher give out.

#include "persistence/event_log.hpp"

#include <nlohmann/json_fwd.hpp>

#include <string>

namespace agg {

inline constexpr int event_json_version = 1;

// "wallet.<entry kind>" for money, "activity.<activity kind>" otherwise.
std::string event_type(const feed_event& ev);

// One line of JSON, without a newline.
std::string to_json(const feed_event& ev);
// The same, always built as a document first (to_json writes plain money events
// directly; a test holds the two to the same text).
std::string to_json_document(const feed_event& ev);

// An entry's bonus parts (bonus_parts.hpp) as the events show them: an array of
// {grant_id, amount[, lapsed]}; null when it has none.
nlohmann::json bonus_parts_json(const std::string& bonus);

} // namespace agg
