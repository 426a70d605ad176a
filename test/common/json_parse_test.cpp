// The bounded JSON parser every entry point uses: nesting is counted outside strings
// only, a document at the bound parses, one level more is refused without parsing, and
// a refused or malformed document says which it was.

#include "common/json_parse.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace agg;

namespace {

std::string nested(size_t depth, char open = '[', char close = ']') {
  return std::string(depth, open) + std::string(depth, close);
}

} // namespace

TEST_CASE("nesting is counted in arrays and objects, not in strings", "[json]") {
  CHECK(json_depth("1", 10) == 0);
  CHECK(json_depth("[]", 10) == 1);
  CHECK(json_depth(R"({"a":[{"b":[]}]})", 10) == 4);
  CHECK(json_depth(R"({"a":"[[[[[[[[[[[["})", 10) == 1);
  CHECK(json_depth(R"({"a":"\"[[[[[[[[[[[["})", 10) == 1);
  CHECK(json_depth(R"(["\\",[[]]])", 10) == 3);
  // Siblings do not add up.
  CHECK(json_depth("[[],[],[[]]]", 10) == 3);
}

TEST_CASE("counting stops once past the limit", "[json]") {
  auto deep = nested(1'000'000);
  CHECK(json_depth(deep, 40) == 41);
}

TEST_CASE("a document at the bound parses, one level deeper is refused", "[json]") {
  auto at = parse_json(nested(json_depth_max));
  CHECK(at.ok());
  CHECK(at.doc.is_array());
  auto over = parse_json(nested(json_depth_max + 1));
  CHECK(over.fault == json_fault::too_deep);
  CHECK(over.doc.is_discarded());
  CHECK_FALSE(over.is_object());
  auto objects = parse_json(std::string(json_depth_max, '{') + "}");
  CHECK(objects.fault == json_fault::malformed);
}

TEST_CASE("malformed text is malformed, an object is an object", "[json]") {
  CHECK(parse_json("{\"a\":").fault == json_fault::malformed);
  CHECK(parse_json("").fault == json_fault::malformed);
  CHECK(parse_json("]]]]").fault == json_fault::malformed);
  auto obj = parse_json(R"({"type":"ping","id":1})");
  CHECK(obj.is_object());
  CHECK(obj.doc["id"] == 1);
  CHECK_FALSE(parse_json("[1]").is_object());
}

TEST_CASE("a refused document of many megabytes costs one pass", "[json]") {
  // Sixteen mebibytes of brackets, as the largest permitted WebSocket frame.
  auto deep = nested(8u << 20);
  auto r = parse_json(deep);
  CHECK(r.fault == json_fault::too_deep);
}
