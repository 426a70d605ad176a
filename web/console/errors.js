// What to tell the operator for each error code the API documents
// (docs/openapi.yaml "Errors", docs/cashier.md, docs/bonus.md, docs/risk.md,
// docs/responsible_gaming.md), and the two live regions that say it.
//
// The API's `message` is not stable text (for account and wallet errors it is an
// internal rendering such as "error(1, 'wallet')"), so the sentence comes from the
// code; the server's message is shown beside it only when it adds something.

const messages = {
  // The API itself.
  unauthorized: 'The API key was not accepted. Sign in again with a valid key.',
  forbidden: 'Your role does not allow this action.',
  malformed_json: 'The request was not valid JSON (a console bug; please report it).',
  json_too_deep: 'The request was nested too deeply.',
  invalid_field: 'A field is missing or not valid.',
  invalid_parameter: 'A filter value is not valid.',
  not_found: 'No such page or resource on the server.',
  payload_too_large: 'The request is too large.',
  bad_request: 'The server could not read the request.',
  internal_error: 'The server failed unexpectedly. Try again; if it persists, report it with the request id.',
  storage_error: 'The database failed; nothing was applied. Try again.',
  unavailable: 'A service did not answer in time; the outcome is unknown. Check before retrying.',
  unknown_node: 'No node of that name is in the cluster.',
  network: 'The server could not be reached. Check the connection and try again.',
  // Accounts and KYC.
  player_not_found: 'No player with this id.',
  username_taken: 'That username is taken.',
  invalid_username: 'Usernames are 3 to 32 characters of letters, digits, ".", "_" and "-".',
  weak_password: 'The password must be 8 to 128 bytes.',
  invalid_email: 'The email address is not valid.',
  invalid_currency: 'The currency is not valid or not the account\'s currency.',
  invalid_country: 'The country must be two capital letters (ISO 3166-1).',
  invalid_kyc: 'That KYC status is not one of the five.',
  account_locked: 'The account is locked.',
  account_self_excluded: 'The player excluded themselves; operators cannot override a self-exclusion.',
  account_cooling_off: 'The player paused the account (cool-off); operators cannot override it.',
  invalid_credentials: 'Invalid credentials.',
  // Limits.
  invalid_limit: 'The limit amount is out of range (money 0 to 2^53; minutes 1 to 1440).',
  // Wallet.
  invalid_request: 'The request is not valid (an idempotency key or a currency code).',
  invalid_amount: 'The amount is out of range.',
  insufficient_funds: 'The balance is lower than the amount.',
  account_blocked: 'The wallet refuses money out of a locked, self-excluded or cooling-off account.',
  balance_overflow: 'The balance would exceed the maximum.',
  duplicate_transaction: 'This idempotency key was already used with other data.',
  transaction_rolled_back: 'The transaction was rolled back.',
  transaction_not_found: 'The transaction was not found.',
  round_closed: 'The round is closed.',
  round_settled: 'The round is settled.',
  round_mismatch: 'The round does not match.',
  not_rollbackable: 'The transaction cannot be rolled back.',
  wager_limit_reached: 'A wager limit was reached.',
  loss_limit_reached: 'A loss limit was reached.',
  bonus_stake_too_high: 'The stake is above the bonus\'s maximum stake.',
  free_round_mismatch: 'The free round does not match its grant.',
  // Cashier.
  unknown_provider: 'No payment provider of that id is configured.',
  payment_not_found: 'No withdrawal with this id.',
  invalid_instrument: 'The payment instrument is not valid.',
  kyc_required: 'KYC verification is required.',
  account_not_active: 'The account is not active.',
  risk_refused: 'The risk check refused it.',
  bonus_refused: 'The bonus rules refused it.',
  deposit_limit_reached: 'A deposit limit was reached.',
  not_cancellable: 'The withdrawal can no longer be cancelled.',
  not_reviewable: 'The withdrawal is no longer waiting for a decision (already decided, cancelled or sent). The queue was refreshed.',
  provider_unavailable: 'The payment provider is unavailable; try later.',
  // Bonus.
  bonus_not_found: 'No such bonus grant for this player.',
  bonus_not_active: 'The grant has already ended.',
  campaign_not_found: 'No such campaign.',
  invalid_code: 'No running campaign has this code.',
  code_taken: 'Another campaign has this code.',
  already_claimed: 'The player claimed this code before.',
  campaign_ended: 'The campaign has ended; it cannot be changed or resumed.',
  invalid_campaign: 'The campaign\'s terms are out of range for its kind.',
  unknown_vendor: 'No vendor with this id is configured.',
  unknown_game: 'The vendor has no such game.',
  unknown_currency: 'The game is not offered in a listed currency.',
  invalid_stake: 'The game does not accept that bet.',
  not_eligible: 'The player is not eligible.',
  // Vendors.
  vendor_unavailable: 'The vendor is unavailable.',
  vendor_error: 'The vendor refused or failed the request.',
  // Risk.
  risk_disabled: 'The risk engine is off on this server (risk_enabled=false).',
  case_not_found: 'No risk case with this id.',
  case_resolved: 'The case was already resolved.',
  invalid_outcome: 'Choose cleared or confirmed; the note is at most 500 characters.',
  model_refused: 'The model file cannot be used; the old model stays.',
  invalid_rule: 'The range is not a network in CIDR notation, or the action is not allow or deny.',
  rule_not_found: 'No rule for that range.',
};

export function message_of(e) {
  if (!e) return 'Unknown error.';
  const known = messages[e.code];
  if (!known) return e.message || String(e);
  // invalid_field messages name the field ("'reason' must be ..."): worth showing.
  const detail = ['invalid_field', 'invalid_parameter'].includes(e.code) && e.message
    ? ` (${e.message})` : '';
  return known + detail;
}

function region(id) {
  return document.getElementById(id);
}

let clear_timer = 0;

// Errors go to the assertive region; each names its code and request id so that a
// support ticket can quote them.
export function show_error(e, what) {
  const text = (what ? what + ': ' : '') + message_of(e) +
    (e && e.code ? ` [${e.code}${e.request_id ? ', request ' + e.request_id : ''}]` : '');
  region('status').textContent = '';
  region('alert').textContent = text;
  region('notices').dataset.kind = 'error';
  arm_clear(20_000);
  return text;
}

export function show_status(text) {
  region('alert').textContent = '';
  region('status').textContent = text;
  region('notices').dataset.kind = 'ok';
  arm_clear(6_000);
}

export function clear_notices() {
  region('alert').textContent = '';
  region('status').textContent = '';
  delete region('notices').dataset.kind;
}

function arm_clear(ms) {
  clearTimeout(clear_timer);
  clear_timer = setTimeout(clear_notices, ms);
}
