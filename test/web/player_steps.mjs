// Steps through the player web app that more than one scenario takes (register,
// move between screens, deposit, read the balance shown), and the operator API reads
// that check what the app shows. Locators are roles and labels, as a screen reader
// would find the controls.

import { parse_minor } from '../../web/common/money.js';
import { check, eventually } from './harness.mjs';

// The cash the header shows, in minor units (null while unknown).
export async function shown_cash(page, currency) {
  const text = (await page.locator('#balance-cash').textContent()) || '';
  if (!text.includes(currency)) return null;
  return parse_minor(text, currency);
}

export async function go(page, link_name) {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: link_name, exact: true }).click();
  await page.getByRole('heading', { level: 1, name: link_name }).waitFor();
}

// Registers a new player on a page at the app's address; returns its player id (read
// from the Account screen), back on the lobby.
export async function register(page, { username, password, currency }) {
  await page.getByRole('tab', { name: 'Register' }).click();
  await page.getByLabel('Username', { exact: true }).fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByLabel('Currency', { exact: true }).selectOption(currency);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('heading', { level: 1, name: 'Lobby' }).waitFor();
  await eventually('a zero balance shown', async () => (await shown_cash(page, currency)) === 0);
  await go(page, 'Account');
  const player_id = Number(await page.locator('dt:text-is("Player id") + dd').textContent());
  check(Number.isInteger(player_id) && player_id > 0, `a player id shown (${player_id})`);
  await go(page, 'Lobby');
  return player_id;
}

// Deposits `amount` (e.g. "100.00") through the sandbox on the Cashier screen and
// waits for the confirmation and the pushed balance `expected_cash`.
export async function deposit(page, { amount, currency, expected_cash }) {
  await go(page, 'Cashier');
  await page.getByLabel(`Deposit amount (${currency})`).fill(amount);
  await page.getByRole('button', { name: 'Deposit', exact: true }).click();
  await page.getByText(`Deposit of ${amount} ${currency} confirmed.`).first().waitFor();
  await eventually('the deposit in the balance', async () => (await shown_cash(page, currency)) === expected_cash);
}

// Every ledger entry of the player, through the operator API, paged.
export async function ledger(server, player_id) {
  const entries = [];
  let before = 0;
  for (let page = 0; page < 100; page += 1) {
    const q = before ? `?limit=500&before_seq=${before}` : '?limit=500';
    const r = await server.api('GET', `/v1/players/${player_id}/ledger${q}`);
    check(r.status === 200, `ledger read answered ${r.status}`);
    entries.push(...r.body.entries);
    if (!r.body.next_before_seq || r.body.entries.length === 0) break;
    before = r.body.next_before_seq;
  }
  return entries;
}

export async function api_balance(server, player_id) {
  const r = await server.api('GET', `/v1/players/${player_id}/balance`);
  check(r.status === 200, `balance read answered ${r.status}`);
  return r.body.balance;
}
