#include "common/json_parse.hpp"

namespace agg {

size_t json_depth(std::string_view text, size_t limit) {
  size_t depth = 0;
  size_t deepest = 0;
  bool in_string = false;
  bool escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
      continue;
    }
    switch (c) {
      case '"':
        in_string = true;
        break;
      case '[':
      case '{':
        if (++depth > deepest) deepest = depth;
        if (deepest > limit) return deepest;
        break;
      case ']':
      case '}':
        // An unbalanced close is the parser's to refuse.
        if (depth > 0) --depth;
        break;
      default:
        break;
    }
  }
  return deepest;
}

parsed_json parse_json(std::string_view text, size_t depth_max) {
  parsed_json out;
  if (json_depth(text, depth_max) > depth_max) {
    out.doc = nlohmann::json(nlohmann::json::value_t::discarded);
    out.fault = json_fault::too_deep;
    return out;
  }
  out.doc = nlohmann::json::parse(text, nullptr, false);
  if (out.doc.is_discarded()) out.fault = json_fault::malformed;
  return out;
}

} // namespace agg
