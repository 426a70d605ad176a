#include "vendors/caleta/caleta_codec.hpp"

#include "common/json_parse.hpp"
#include "vendors/adapter.hpp"

#include <nlohmann/json.hpp>

#include <sstream>
#include <stdexcept>

namespace agg::vendors::caleta {

namespace {

using json = nlohmann::json;

int64_t pow10(int n) {
  int64_t x = 1;
  while (n-- > 0)
    x *= 10;
  return x;
}

// Reads the fields of a call with their types checked; records the first problem.
class reader {
public:
  explicit reader(const json& doc) : doc_(doc) {}

  bool str(const char* name, std::string& out, bool required) {
    auto i = doc_.find(name);
    if (i == doc_.end() || i->is_null()) return !required || fail();
    if (!i->is_string()) return fail();
    out = i->get<std::string>();
    return required ? !out.empty() || fail() : true;
  }

  bool boolean(const char* name, bool& out, bool required) {
    auto i = doc_.find(name);
    if (i == doc_.end() || i->is_null()) return !required || fail();
    if (!i->is_boolean()) return fail();
    out = i->get<bool>();
    return true;
  }

  bool integer(const char* name, int64_t& out, bool required) {
    auto i = doc_.find(name);
    if (i == doc_.end() || i->is_null()) return !required || fail();
    if (!i->is_number_integer()) return fail();
    out = i->get<int64_t>();
    return true;
  }

  bool ok() const { return ok_; }

private:
  bool fail() {
    ok_ = false;
    return false;
  }
  const json& doc_;
  bool ok_ = true;
};

std::string answer(const std::string& status, const std::string& request_uuid) {
  json j{{"status", status}};
  if (!request_uuid.empty()) j["request_uuid"] = request_uuid;
  return j.dump();
}

std::optional<seamless_op> op_of(const std::string& op) {
  if (op == "check") return seamless_op::check;
  if (op == "balance") return seamless_op::balance;
  if (op == "bet") return seamless_op::bet;
  if (op == "win") return seamless_op::win;
  if (op == "rollback") return seamless_op::rollback;
  return std::nullopt;
}

} // namespace

caleta_codec::caleta_codec(const std::string& vendor_id, const settings_map& settings) {
  auto get = [&](const char* key) { return text_setting(settings, key); };
  verify_ = get("verify_signatures") != "false";
  if (verify_) {
    auto path = get("public_key_file");
    if (path.empty())
      throw std::invalid_argument("vendors." + vendor_id +
                                  ".public_key_file: Caleta's public key is required");
    caleta_key_ = rsa_key::public_from_file(path);
  }
  std::stringstream list{get("currency_exponents")};
  std::string item;
  while (std::getline(list, item, ';')) {
    auto colon = item.find(':');
    if (colon == std::string::npos || colon == 0)
      throw std::invalid_argument("vendors." + vendor_id +
                                  ".currency_exponents: entries are CUR:digits");
    exponents_[item.substr(0, colon)] = static_cast<int>(
        integer_setting(vendor_id, {{"currency_exponents", item.substr(colon + 1)}},
                        "currency_exponents", 2, 0, 18));
  }
}

int caleta_codec::exponent(const std::string& currency) const {
  auto i = exponents_.find(currency);
  return i == exponents_.end() ? 2 : i->second;
}

std::optional<int64_t> caleta_codec::to_minor(int64_t amount,
                                              const std::string& currency) const {
  auto exp = exponent(currency);
  if (exp < 0 || exp > 5 || amount < 0) return std::nullopt;
  auto per_minor = units_per_currency_unit / pow10(exp);
  if (amount % per_minor != 0) return std::nullopt;
  return amount / per_minor;
}

std::optional<int64_t> caleta_codec::to_caleta(int64_t minor,
                                               const std::string& currency) const {
  auto exp = exponent(currency);
  if (exp < 0 || exp > 5) return std::nullopt;
  auto per_minor = units_per_currency_unit / pow10(exp);
  if (minor > INT64_MAX / per_minor) return std::nullopt;
  return minor * per_minor;
}

const char* caleta_codec::status_name(seamless_status s) {
  switch (s) {
    case seamless_status::ok:
      return "RS_OK";
    case seamless_status::invalid_token:
      return "RS_ERROR_INVALID_TOKEN";
    case seamless_status::token_expired:
      return "RS_ERROR_TOKEN_EXPIRED";
    case seamless_status::invalid_game:
      return "RS_ERROR_INVALID_GAME";
    case seamless_status::wrong_currency:
      return "RS_ERROR_WRONG_CURRENCY";
    case seamless_status::user_disabled:
      return "RS_ERROR_USER_DISABLED";
    case seamless_status::not_enough_money:
      return "RS_ERROR_NOT_ENOUGH_MONEY";
    case seamless_status::duplicate_transaction:
      return "RS_ERROR_DUPLICATE_TRANSACTION";
    case seamless_status::transaction_not_found:
      return "RS_ERROR_TRANSACTION_DOES_NOT_EXIST";
    case seamless_status::transaction_rolled_back:
      return "RS_ERROR_TRANSACTION_ROLLED_BACK";
    case seamless_status::bet_limit_exceeded:
      return "RS_ERROR_BET_LIMIT_EXCEEDED";
    case seamless_status::invalid_signature:
      return "RS_ERROR_INVALID_SIGNATURE";
    case seamless_status::wrong_syntax:
      return "RS_ERROR_WRONG_SYNTAX";
    case seamless_status::wrong_types:
      return "RS_ERROR_WRONG_TYPES";
    case seamless_status::unknown:
      return "RS_ERROR_UNKNOWN";
  }
  return "RS_ERROR_UNKNOWN";
}

wallet_codec::decoded caleta_codec::decode(const std::string& op_name,
                                           const std::string& body,
                                           const std::string& signature) const {
  decoded out;
  auto op = op_of(op_name);
  // Parsed before the signature check only for the request_uuid an answer echoes.
  auto doc = parse_json(body).doc;
  std::string request_uuid;
  if (doc.is_object() && doc.contains("request_uuid") && doc["request_uuid"].is_string())
    request_uuid = doc["request_uuid"].get<std::string>();
  // Nothing is looked at before the signature: a forged body changes nothing.
  if (verify_ && !caleta_key_->verify(body, signature)) {
    out.answer = answer(status_name(seamless_status::invalid_signature), request_uuid);
    return out;
  }
  if (!op) {
    out.answer = answer(status_name(seamless_status::unknown), request_uuid);
    return out;
  }
  if (doc.is_discarded() || !doc.is_object()) {
    out.answer = answer(status_name(seamless_status::wrong_syntax), request_uuid);
    return out;
  }
  seamless_call c;
  c.op = static_cast<uint8_t>(*op);
  reader r{doc};
  r.str("token", c.token, true);
  int64_t amount = 0;
  // The studio's name for the player: checked for its type only, the token names
  // the player.
  std::string supplier_user;
  switch (*op) {
    case seamless_op::check:
      break;
    case seamless_op::balance:
      r.str("request_uuid", c.request_id, true);
      r.str("supplier_user", supplier_user, false);
      r.str("game_code", c.game_code, true);
      break;
    case seamless_op::bet:
    case seamless_op::win:
      r.str("request_uuid", c.request_id, true);
      r.str("supplier_user", supplier_user, false);
      r.str("game_code", c.game_code, true);
      r.str("currency", c.currency, true);
      r.str("transaction_uuid", c.tx_id, true);
      r.str("round", c.round_id, true);
      r.boolean("round_closed", c.round_closed, true);
      r.boolean("is_free", c.is_free, true);
      r.str("reward_uuid", c.reward_id, false);
      r.str("campaign_uuid", c.campaign_id, false);
      r.integer("amount", amount, true);
      if (*op == seamless_op::win) r.str("reference_transaction_uuid", c.ref_tx_id, true);
      break;
    case seamless_op::rollback:
      r.str("request_uuid", c.request_id, true);
      r.str("user", c.user, false);
      r.str("game_code", c.game_code, true);
      r.str("transaction_uuid", c.tx_id, true);
      r.str("reference_transaction_uuid", c.ref_tx_id, true);
      r.str("round", c.round_id, true);
      r.boolean("round_closed", c.round_closed, true);
      r.boolean("is_free", c.is_free, false);
      break;
  }
  if (!r.ok()) {
    out.answer = answer(status_name(seamless_status::wrong_types), request_uuid);
    return out;
  }
  if (*op == seamless_op::bet || *op == seamless_op::win) {
    auto minor = to_minor(amount, c.currency);
    if (!minor) {
      auto exp = exponent(c.currency);
      out.answer = answer(status_name(exp > 5 ? seamless_status::wrong_currency
                                              : seamless_status::wrong_types),
                          request_uuid);
      return out;
    }
    c.amount = *minor;
  }
  out.call = std::move(c);
  return out;
}

std::string caleta_codec::encode(const seamless_call& call,
                                 const seamless_result& result) const {
  auto status = static_cast<seamless_status>(result.status);
  if (static_cast<seamless_op>(call.op) == seamless_op::check) {
    json j{{"status", status_name(status)}};
    if (status == seamless_status::ok) j["token"] = result.token;
    return j.dump();
  }
  json j{{"status", status_name(status)}, {"request_uuid", call.request_id}};
  if (!result.user.empty()) j["user"] = result.user;
  if (!result.currency.empty()) {
    j["currency"] = result.currency;
    if (auto units = to_caleta(result.balance, result.currency)) j["balance"] = *units;
  }
  return j.dump();
}

} // namespace agg::vendors::caleta
