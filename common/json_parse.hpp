#pragma once

// Every JSON document that comes from outside (a player's frame, an operator's body, a
// studio's call or answer) is parsed here, with its nesting depth bounded before the
// parser sees it: nlohmann's serializer and comparisons recurse once per level, so a
// document nested deeper than the stack allows would crash whatever touches it after
// the parse. Refused documents are never parsed.

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace agg {

// Arrays and objects nest at most this deep in any document we accept. Our own
// protocols need five levels at most.
inline constexpr size_t json_depth_max = 32;

enum class json_fault : uint8_t { none, malformed, too_deep };

struct parsed_json {
  nlohmann::json doc; // discarded unless fault is none
  json_fault fault = json_fault::none;

  bool ok() const { return fault == json_fault::none; }
  bool is_object() const { return ok() && doc.is_object(); }
};

// The deepest nesting of arrays and objects in `text`, counting brackets outside
// strings; stops counting once `limit` is passed (and returns more than `limit`).
size_t json_depth(std::string_view text, size_t limit);

// Parses `text` when it nests at most `depth_max` deep.
parsed_json parse_json(std::string_view text, size_t depth_max = json_depth_max);

} // namespace agg
