#include "actors/events/activity_log.hpp"

namespace agg {

activity_record make_activity(activity_kind kind, int64_t player_id, std::string address,
                              device_info device, const nlohmann::json& detail) {
  activity_record a;
  a.kind = static_cast<uint8_t>(kind);
  a.player_id = player_id;
  a.created_us = now_us();
  a.address = std::move(address);
  a.device = std::move(device);
  a.detail = detail.is_object()
                 ? detail.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
                 : "{}";
  a.hash = activity_hash(a);
  return a;
}

} // namespace agg
