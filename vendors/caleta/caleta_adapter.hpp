#pragma once

// The Caleta Gaming adapter (kind "caleta"): a seamless-wallet studio. Its games are
// launched through Caleta's Games API (/api/game/url, signed with our private key);
// its rounds reach us as calls to our wallet (see caleta_codec.hpp). Round details
// come from /api/game/round. Free rounds of our bonus campaigns are given through the
// Freebets API (/api/freebet/rewards/create, our grant id as the reward_uuid).
//
// Settings ([vendors.<id>]): api_url (Caleta's base URL), operator_id,
// sub_partner_id, private_key_file (our key, PEM), public_key_file (Caleta's key, PEM),
// games ("code:Name:Category;..."; when absent, Caleta's /api/game/list at start),
// stake_max (minor units), api_timeout_ms,
// currency_exponents, verify_signatures, default_country (ISO 3166, when a launch
// names none), lobby_url (when a launch names none).

#include "vendors/adapter.hpp"
#include "vendors/caleta/rsa_signature.hpp"

#include <nlohmann/json.hpp>

#include <optional>

namespace agg::vendors::caleta {

class caleta_codec;

class caleta_adapter : public adapter {
public:
  explicit caleta_adapter(const adapter_env& env);

  std::vector<game_info> games() const override { return games_; }
  round_outcome play(const round_context&) override;
  bool seamless() const override { return true; }
  std::string launch(const launch_context& ctx) override;
  std::string round_details(const std::string& round_id, int64_t player) override;
  bool gives_free_rounds() const override { return !api_url_.empty() && our_key_; }
  void give_free_rounds(const free_rounds_award& award) override;

  // POSTs a signed JSON body to Caleta's Games API; returns the decoded reply.
  nlohmann::json call_games_api(const std::string& path, const std::string& body) const;

private:
  std::string url_of(const std::string& path, const std::string& body) const;
  std::vector<game_info> fetch_games(int64_t stake_max) const;

  std::string vendor_;
  std::string api_url_;
  std::string operator_id_;
  std::string sub_partner_id_;
  std::optional<rsa_key> our_key_;
  std::vector<game_info> games_;
  int64_t api_timeout_ms_;
  std::string default_country_; // when the player's launch names none
  std::string lobby_url_;
  std::shared_ptr<const caleta_codec> units_; // amounts in Caleta's units
};

} // namespace agg::vendors::caleta
