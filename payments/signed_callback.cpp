#include "payments/signed_callback.hpp"

#include "common/crypto.hpp"

#include <charconv>

namespace agg::payments {

std::string sign_callback(std::string_view secret, int64_t timestamp_s,
                          std::string_view body) {
  auto stamp = std::to_string(timestamp_s);
  std::string signed_text;
  signed_text.reserve(stamp.size() + 1 + body.size());
  signed_text.append(stamp).push_back('.');
  signed_text.append(body);
  return to_hex(hmac_sha256(secret, signed_text));
}

void verify_callback(std::string_view secret, const callback_request& req,
                     int64_t window_s) {
  auto stamp = req.headers.find(timestamp_header);
  auto signature = req.headers.find(signature_header);
  if (stamp == req.headers.end() || signature == req.headers.end())
    throw callback_error{callback_error::reason::bad_signature,
                         "missing X-Payment-Timestamp or X-Payment-Signature"};
  int64_t ts = 0;
  const auto& text = stamp->second;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), ts);
  if (ec != std::errc{} || end != text.data() + text.size() || text.empty())
    throw callback_error{callback_error::reason::bad_signature,
                         "X-Payment-Timestamp is not a whole number of seconds"};
  if (!same_secret(sign_callback(secret, ts, req.body), signature->second))
    throw callback_error{callback_error::reason::bad_signature, "signature mismatch"};
  int64_t now_s = req.now_us / 1'000'000;
  if (ts < now_s - window_s || ts > now_s + window_s)
    throw callback_error{callback_error::reason::stale,
                         "timestamp outside the replay window"};
}

} // namespace agg::payments
