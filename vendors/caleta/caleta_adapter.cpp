#include "vendors/caleta/caleta_adapter.hpp"

#include "common/json_parse.hpp"
#include "common/log.hpp"
#include "vendors/caleta/caleta_codec.hpp"

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <ctime>
#include <sstream>

namespace agg::vendors::caleta {

namespace {

using json = nlohmann::json;

std::string setting(const adapter_env& env, const char* key,
                    const std::string& fallback = "") {
  return text_setting(env.settings, key, fallback);
}

int64_t stake_max(const adapter_env& env) {
  return integer_setting(env.vendor_id, env.settings, "stake_max", 100'000'000, 1,
                         1'000'000'000'000'000);
}

std::vector<game_info> parse_games(const std::string& vendor, const std::string& list,
                                   int64_t stake_max) {
  std::vector<game_info> out;
  std::stringstream in{list};
  std::string item;
  while (std::getline(in, item, ';')) {
    if (item.empty()) continue;
    std::stringstream parts{item};
    std::string code, name, category;
    std::getline(parts, code, ':');
    std::getline(parts, name, ':');
    std::getline(parts, category, ':');
    if (code.empty())
      throw std::invalid_argument("vendors." + vendor +
                                  ".games: entries are code:Name:Category");
    out.push_back({code,
                   name.empty() ? code : name,
                   category.empty() ? "slots" : category,
                   0,
                   1,
                   stake_max,
                   1,
                   {}});
  }
  return out;
}

} // namespace

caleta_adapter::caleta_adapter(const adapter_env& env)
    : vendor_(env.vendor_id), api_url_(setting(env, "api_url")),
      operator_id_(setting(env, "operator_id")),
      sub_partner_id_(setting(env, "sub_partner_id", setting(env, "operator_id"))),
      games_(parse_games(env.vendor_id, setting(env, "games"), stake_max(env))),
      api_timeout_ms_(integer_setting(env.vendor_id, env.settings, "api_timeout_ms", 5000,
                                      1, 600'000)),
      default_country_(setting(env, "default_country", "MT")),
      lobby_url_(setting(env, "lobby_url")), units_([&] {
        auto settings = env.settings;
        settings["verify_signatures"] = "false"; // only its currency exponents
        return std::make_shared<const caleta_codec>(env.vendor_id, settings);
      }()) {
  if (auto key = setting(env, "private_key_file"); !key.empty())
    our_key_ = rsa_key::private_from_file(key);
  if (games_.empty() && !api_url_.empty()) {
    // The catalog from Caleta itself; a studio that cannot be reached starts with no
    // games rather than failing its connection over and over.
    try {
      games_ = fetch_games(stake_max(env));
    } catch (const std::exception& e) {
      log::warn("vendor", "no catalog", {{"vendor", vendor_}, {"error", e.what()}});
    }
  }
}

round_outcome caleta_adapter::play(const round_context&) {
  throw invalid_params("Caleta games are played after a launch, not through play");
}

nlohmann::json caleta_adapter::call_games_api(const std::string& path,
                                              const std::string& body) const {
  if (api_url_.empty() || !our_key_)
    throw std::runtime_error("vendor " + vendor_ +
                             ": api_url and private_key_file are needed");
  httplib::Client http{api_url_};
  auto timeout = std::chrono::milliseconds{api_timeout_ms_};
  http.set_connection_timeout(timeout);
  http.set_read_timeout(timeout);
  http.set_tcp_nodelay(true);
  httplib::Headers headers{{"X-Auth-Signature", our_key_->sign(body)}};
  auto res = http.Post(path, headers, body, "application/json");
  if (!res)
    throw std::runtime_error("vendor " + vendor_ + ": " + path + ": " +
                             httplib::to_string(res.error()));
  auto reply = parse_json(res->body).doc;
  if (res->status != 200 || reply.is_discarded()) {
    std::string why = reply.is_object() && reply.contains("error") ? reply["error"].dump()
                      : reply.is_object() && reply.contains("message")
                          ? reply["message"].dump()
                          : "HTTP " + std::to_string(res->status);
    throw std::runtime_error("vendor " + vendor_ + ": " + path + " refused: " + why);
  }
  return reply;
}

std::string caleta_adapter::url_of(const std::string& path,
                                   const std::string& body) const {
  auto reply = call_games_api(path, body);
  if (!reply.is_object() || !reply.contains("url") || !reply["url"].is_string())
    throw std::runtime_error("vendor " + vendor_ + ": " + path + ": no url in the reply");
  return reply["url"].get<std::string>();
}

std::vector<game_info> caleta_adapter::fetch_games(int64_t stake_max) const {
  auto reply =
      call_games_api("/api/game/list", json{{"operator_id", operator_id_}}.dump());
  if (!reply.is_array())
    throw std::runtime_error("vendor " + vendor_ + ": /api/game/list: not a list");
  std::vector<game_info> out;
  for (const auto& g : reply) {
    if (!g.is_object() || !g.contains("game_code") || !g["game_code"].is_string())
      continue;
    if (g.contains("enabled") && g["enabled"].is_boolean() && !g["enabled"].get<bool>())
      continue;
    auto text = [&](const char* key, const std::string& fallback) {
      return g.contains(key) && g[key].is_string() ? g[key].get<std::string>() : fallback;
    };
    auto code = g["game_code"].get<std::string>();
    out.push_back(
        {code, text("name", code), text("category", "slots"), 0, 1, stake_max, 1, {}});
  }
  return out;
}

std::string caleta_adapter::launch(const launch_context& ctx) {
  json body{{"user", std::to_string(ctx.player_id)},
            {"token", ctx.token},
            {"sub_partner_id", sub_partner_id_},
            {"operator_id", operator_id_},
            {"lobby_url", ctx.lobby_url.empty() ? lobby_url_ : ctx.lobby_url},
            {"lang", ctx.lang.empty() ? "en" : ctx.lang},
            {"game_code", ctx.game_id},
            {"currency", ctx.currency},
            {"country", ctx.country.empty() ? default_country_ : ctx.country}};
  return url_of("/api/game/url", body.dump());
}

namespace {

// Caleta's date-time: "YYYY-MM-DDThh:mm:ss", UTC.
std::string caleta_time(int64_t us) {
  std::time_t t = us / 1'000'000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char out[32];
  std::strftime(out, sizeof out, "%Y-%m-%dT%H:%M:%S", &tm);
  return out;
}

} // namespace

void caleta_adapter::give_free_rounds(const free_rounds_award& a) {
  auto bet = units_->to_caleta(a.bet, a.currency);
  if (!bet) throw std::runtime_error("vendor " + vendor_ + ": a bet Caleta cannot carry");
  // The campaign's vendor_campaign: "<prepaid uuid>" or "<prepaid uuid>/<campaign uuid>".
  auto slash = a.vendor_campaign.find('/');
  json body{{"user", std::to_string(a.player_id)},
            {"sub_partner_id", sub_partner_id_},
            {"operator_id", operator_id_},
            {"prepaid_uuid", a.vendor_campaign.substr(0, slash)},
            {"reward_uuid", a.reward_id},
            {"bet_value", *bet},
            {"bet_count", a.rounds}};
  if (slash != std::string::npos)
    body["campaign_uuid"] = a.vendor_campaign.substr(slash + 1);
  if (a.expires_us > 0) body["end_time"] = caleta_time(a.expires_us);
  auto reply = call_games_api("/api/freebet/rewards/create", body.dump());
  if (!reply.is_object() || !reply.contains("reward_uuid") ||
      reply["reward_uuid"] != a.reward_id)
    throw std::runtime_error("vendor " + vendor_ +
                             ": /api/freebet/rewards/create: not the reward asked for");
}

std::string caleta_adapter::round_details(const std::string& round_id, int64_t player) {
  json body{{"operator_id", operator_id_},
            {"sub_partner_id", sub_partner_id_},
            {"user", std::to_string(player)},
            {"round", round_id}};
  return url_of("/api/game/round", body.dump());
}

namespace {

const bool registered = [] {
  register_adapter("caleta", [](const adapter_env& env) {
    return std::make_unique<caleta_adapter>(env);
  });
  register_wallet_codec("caleta",
                        [](const std::string& vendor, const settings_map& settings) {
                          return std::make_unique<caleta_codec>(vendor, settings);
                        });
  return true;
}();

} // namespace

} // namespace agg::vendors::caleta
