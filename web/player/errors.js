// Every error code a player connection can receive (docs/protocol.md, "Error codes",
// and the wallet, cashier, bonus and limits codes it refers to), as a sentence a
// player can act on. The server's own `message` is for developers (for account and
// wallet errors it is an internal rendering such as "error(2, 'pam')"), so it is shown
// only for codes this table does not know, or where it carries the useful detail
// (`invalid_field` names the field, `invalid_params` has the studio's explanation).
//
// Two codes are the app's own, never sent by the server: `timeout` (no reply in time)
// and `offline` (the connection dropped before the reply).

const MESSAGES = {
  // Protocol and connection
  malformed_json: 'The app sent a message the server could not read. Please reload the page.',
  json_too_deep: 'The app sent a message the server could not read. Please reload the page.',
  unknown_type: 'The server does not know this request. Please reload the page to update the app.',
  invalid_field: 'Some of the details entered are not valid.',
  binary_not_supported: 'The app sent a message the server could not read. Please reload the page.',
  rate_limited: 'Too many requests at once. Please wait a moment and try again.',
  not_authenticated: 'Please log in first.',
  already_authenticated: 'You are already logged in. Log out first to use another account.',
  internal_error: 'Your session failed on the server. Reconnecting…',
  unavailable: 'The service is busy or restarting. Please try again in a moment.',
  unknown: 'Something went wrong on the server. Please try again.',

  // Tokens
  token_invalid: 'Your saved session is not valid here. Please log in again.',
  token_expired: 'Your session has expired. Please log in again.',
  token_revoked: 'Your session has ended (logged out elsewhere, or the account was paused). Please log in again.',

  // Accounts
  username_taken: 'That username is taken. Please choose another one.',
  invalid_credentials: 'The username or password is wrong.',
  address_blocked: 'Too many failed logins from your network. Logins are paused for a while.',
  account_locked_out: 'Too many failed logins for this account. Please try again later.',
  registrations_blocked: 'Too many accounts were created from this network or device lately. Please try again later.',
  account_locked: 'This account is locked. Please contact support.',
  account_self_excluded: 'This account is self-excluded, so it cannot be used.',
  account_cooling_off: 'This account is in a cool-off period and cannot be used until it ends.',
  invalid_username: 'A username has 3 to 32 characters: letters, digits, dot, underscore or hyphen.',
  weak_password: 'A password needs 8 to 128 characters.',
  invalid_email: 'That email address does not look right.',
  invalid_currency: 'That currency is not valid for this account.',
  invalid_country: 'A country is two capital letters, for example DE or MT.',
  player_not_found: 'Your account could not be found. Please contact support.',
  storage_error: 'The server could not save or read your data just now. Nothing was changed; please try again.',
  invalid_kyc: 'That verification status is not valid.',

  // Wallet
  insufficient_funds: 'Your balance is too low for this.',
  duplicate_transaction: 'This transaction was already made with other details.',
  transaction_rolled_back: 'This bet was already refunded.',
  transaction_not_found: 'The bet this refers to was not found.',
  round_closed: 'This game round is already closed.',
  round_settled: 'This game round is already settled.',
  round_mismatch: 'This game round belongs to another account or currency.',
  not_rollbackable: 'This transaction cannot be refunded.',
  invalid_request: 'The request was not valid.',
  invalid_amount: 'That amount is not allowed.',
  balance_overflow: 'That would take your balance above the maximum allowed.',
  account_blocked: 'Your account cannot bet or withdraw right now (locked, cooling off or self-excluded).',
  wager_limit_reached: 'This stake would take you over the wager limit you set. Your limits are under Responsible gaming.',
  loss_limit_reached: 'This stake could take you over the loss limit you set. Your limits are under Responsible gaming.',
  not_owner: 'The server routed this request to the wrong place. Please try again.',

  // Games
  vendor_unavailable: 'This game is not available right now. Nothing was charged.',
  vendor_busy: 'This game is busy. Nothing was charged; please try again in a moment.',
  unknown_game: 'This game does not exist.',
  invalid_stake: 'That stake is not allowed for this game (check its minimum, maximum and step).',
  invalid_params: 'The game did not accept these settings.',
  currency_not_supported: 'This game does not accept your account’s currency.',
  vendor_error: 'The game failed to finish the round. Your stake was refunded.',
  not_provably_fair: 'This game studio is not provably fair, so its rounds cannot be verified.',
  round_unsettled: 'The round could not be finished yet. It will be settled or refunded shortly; see your rounds.',

  // Payments
  unknown_provider: 'That payment method is not available.',
  invalid_instrument: 'Enter the card or account reference without spaces (printable characters only).',
  kyc_required: 'Your identity must be verified first. Please contact support to verify your account.',
  deposit_limit_reached: 'This deposit would take you over the deposit limit you set.',
  account_not_active: 'Your account cannot withdraw right now (locked, cooling off or self-excluded).',
  risk_refused: 'This withdrawal was refused by our security checks. The amount is back in your balance.',
  bonus_refused: 'This withdrawal was refused because of an active bonus. The amount is back in your balance.',
  payment_not_found: 'That payment was not found.',
  not_cancellable: 'This withdrawal can no longer be cancelled.',
  not_reviewable: 'This withdrawal is not waiting for review.',
  provider_unavailable: 'The payment provider is not responding. Nothing was charged; please try again later.',

  // Responsible gaming
  invalid_limit: 'That limit or amount is not allowed.',

  // Bonuses
  bonus_not_found: 'That bonus was not found.',
  bonus_not_active: 'That bonus has already ended.',
  bonus_stake_too_high: 'This stake is above the maximum stake allowed while your bonus is active.',
  bonus_active: 'You have an active bonus. Withdrawing forfeits it: tick “Forfeit my active bonuses” to go on.',
  no_free_rounds: 'All the free rounds of this bonus have been played.',
  free_round_mismatch: 'This free round must be played on its own game and stake.',
  invalid_code: 'That bonus code is not valid or its campaign is not running.',
  already_claimed: 'You have already claimed this bonus code.',
  not_eligible: 'Your account is not eligible for this bonus.',
  campaign_not_found: 'That bonus campaign was not found.',
  campaign_ended: 'That bonus campaign has ended.',
  invalid_campaign: 'That bonus campaign is not valid.',
  code_taken: 'That bonus code is used by another campaign.',
  unknown_vendor: 'That game studio does not exist.',
  unknown_currency: 'That currency is not offered here.',

  // The app's own
  timeout: 'The server did not answer in time. The request may still have gone through; please check before trying again.',
  offline: 'The connection to the server was lost. Reconnecting…',
};

// Codes whose server message adds the detail the player needs.
const WITH_DETAIL = new Set(['invalid_field', 'invalid_params']);

export function has_message(code) {
  return Object.prototype.hasOwnProperty.call(MESSAGES, code);
}

// The sentence for an error frame (or an Error carrying `code` and `message`).
export function message_for(error) {
  if (!error) return MESSAGES.unknown;
  const code = error.code;
  const server_text = typeof error.message === 'string' ? error.message.trim() : '';
  if (!has_message(code)) return server_text || MESSAGES.unknown;
  let text = MESSAGES[code];
  if (WITH_DETAIL.has(code) && server_text) text += ` (${server_text})`;
  if (error.retry_at_us) text += ` You can try again after ${format_retry(error.retry_at_us)}.`;
  return text;
}

function format_retry(retry_at_us) {
  const at = new Date(Math.floor(retry_at_us / 1000));
  return at.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

// Exported for the table's own test and for tools that list the codes.
export const known_codes = Object.freeze(Object.keys(MESSAGES));
