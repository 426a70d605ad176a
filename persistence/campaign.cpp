#include "persistence/campaign.hpp"

namespace agg {

const char* to_string(campaign_kind k) {
  switch (k) {
    case campaign_kind::deposit_match:
      return "deposit_match";
    case campaign_kind::no_deposit:
      return "no_deposit";
    case campaign_kind::free_spins:
      return "free_spins";
    case campaign_kind::cashback:
      return "cashback";
  }
  return "unknown";
}

bool campaign_kind_from_string(const std::string& name, campaign_kind& out) {
  for (auto k : {campaign_kind::deposit_match, campaign_kind::no_deposit,
                 campaign_kind::free_spins, campaign_kind::cashback})
    if (name == to_string(k)) {
      out = k;
      return true;
    }
  return false;
}

const char* to_string(campaign_status s) {
  switch (s) {
    case campaign_status::active:
      return "active";
    case campaign_status::paused:
      return "paused";
    case campaign_status::ended:
      return "ended";
  }
  return "unknown";
}

bool campaign_status_from_string(const std::string& name, campaign_status& out) {
  for (auto s :
       {campaign_status::active, campaign_status::paused, campaign_status::ended})
    if (name == to_string(s)) {
      out = s;
      return true;
    }
  return false;
}

} // namespace agg
