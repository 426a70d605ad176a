// The player web app, end to end in a real browser against a real server: a new
// player registers, deposits through the sandbox provider, survives a dropped socket
// and a reload (reconnect, resume), plays ten spins of the slot (the last two from
// the keyboard alone), checks that the balance shown is the ledger's, verifies a
// round in the browser against the server's `verify`, is refused a stake above a
// loss limit, asks for a withdrawal that waits for review, and takes a break
// (cool-off, its first length: a day) that ends the session and refuses the next
// login. At 375 px wide every screen fits without sideways scrolling. Before the
// browser, the modules that need no page are checked in Node (money parsing, the
// documented fair-round example, the fallback SHA-256, the error table's coverage).
// Every step drives the UI through roles and labels (which proves the labels) and
// checks what the page shows against the operator API; no fixed sleeps.
//
// Run: AGG_BINARY=build/gateway/aggregator node player_scenario.mjs

import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { run_scenario, new_page, check, eventually } from './harness.mjs';
import { api_balance, deposit, go, ledger, register, shown_cash as cash_shown } from './player_steps.mjs';
import { parse_minor, format_minor } from '../../web/common/money.js';
import { recompute } from '../../web/player/fairness.js';
import { sha256_js, hmac_js, to_hex, utf8 } from '../../web/player/hash.js';
import { has_message } from '../../web/player/errors.js';

const currency = 'EUR';
const password = 'correct horse battery';
const spins = 10;

// The cash the header shows, in this scenario's currency.
const shown_cash = (page) => cash_shown(page, currency);

async function fits_375(page, what) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  check(width <= 375, `${what} is ${width} px wide at a 375 px viewport`);
}

async function rounds_on_screen(page) {
  return page.getByRole('list', { name: 'Your rounds on this screen' }).getByRole('listitem').count();
}

// Clicks Spin (or presses a key on it) and waits for the round to be listed.
async function spin(page, how = 'click') {
  const before = await rounds_on_screen(page);
  const button = page.getByRole('button', { name: 'Spin', exact: true });
  if (how === 'click') await button.click();
  await eventually(`spin ${before + 1} listed`, async () => (await rounds_on_screen(page)) === before + 1);
  await eventually('the Spin button ready again', async () => (await button.getAttribute('aria-busy')) === null);
}

// The app's modules that need no page: exact money parsing, the documented worked
// example of a fair round (docs/vendor-integration.md), the JavaScript SHA-256 used
// where WebCrypto is missing, and a message for every error code the docs list.
async function check_modules() {
  check(parse_minor('0.29', 'EUR') === 29 && parse_minor('1,234.5', 'EUR') === 123450, 'parse_minor is exact');
  check(parse_minor('12', 'JPY') === 12 && format_minor(-5, 'EUR') === '-0.05 EUR', 'currency decimals');
  for (const bad of ['1.234', 'abc', '']) {
    let threw = false;
    try { parse_minor(bad, 'EUR'); } catch { threw = true; }
    check(threw, `parse_minor refuses "${bad}"`);
  }
  const seed = '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f';
  const slot = await recompute({ game: 'slot-5x3', stake: 100, server_seed: seed, client_seed: 'my-lucky-seed', nonce: 2 });
  check(slot.outcome.stops.join() === '24,8,17,30,18' && slot.win === 200, 'the worked slot example');
  check(slot.commitment === '630dcd2966c4336691125448bbb25b4ff412a49c732db2c8abc1b8581bd710dd', 'the worked commitment');
  const dice = await recompute({ game: 'dice', stake: 100, params: { chance: 2500, over: false }, server_seed: seed, client_seed: 'my-lucky-seed', nonce: 1 });
  check(dice.outcome.roll === 2516 && dice.win === 0, 'the worked dice example');
  for (const text of ['', 'abc', 'x'.repeat(200)]) {
    check(to_hex(sha256_js(utf8(text))) === createHash('sha256').update(text).digest('hex'), 'JavaScript SHA-256');
    check(to_hex(hmac_js(utf8(seed), utf8(text))) === createHmac('sha256', seed).update(text).digest('hex'), 'JavaScript HMAC');
  }
  const docs = ['protocol.md', 'cashier.md', 'bonus.md', 'responsible_gaming.md', 'wallet.md'].map((f) =>
    readFileSync(new URL(`../../docs/${f}`, import.meta.url), 'utf8'));
  for (const doc of docs) {
    const at = doc.indexOf('## Error codes');
    const end = doc.indexOf('\n## ', at + 5);
    const part = doc.slice(at, end === -1 ? undefined : end);
    for (const [, code] of part.matchAll(/^\| `([a-z_]+)`/gm)) check(has_message(code), `a message for ${code}`);
  }
}

run_scenario('player', async (server, browser, shot) => {
  await check_modules();
  const username = `web_${Date.now().toString(36)}`;
  const page = await new_page(browser);
  // Every socket of the page passes through here, so that the test can drop one.
  const sockets = [];
  await page.routeWebSocket(/\/v1$/, (ws) => {
    ws.connectToServer();
    sockets.push(ws);
  });
  await page.goto(server.app_url);

  // 1. Register: the lobby and a zero balance.
  const player_id = await register(page, { username, password, currency });
  await page.getByRole('link', { name: 'Play Five Sevens' }).waitFor();
  await page.getByRole('link', { name: 'Play Dice' }).waitFor();
  await shot(page, 'registered-lobby');

  // 2. Deposit 100.00 through the sandbox: confirmed, and the balance pushed.
  await deposit(page, { amount: '100.00', currency, expected_cash: 10000 });
  const deposit_row = page.locator('[data-status]').first();
  check((await deposit_row.getAttribute('data-status')) === 'confirmed', 'the payments list shows the deposit confirmed');
  check(await api_balance(server, player_id) === 10000, 'the server holds 100.00');
  await shot(page, 'deposit-confirmed');

  // 2b. The socket drops: the app says so, reconnects with backoff and resumes the
  // session with its token (the spins below need the resumed login).
  await sockets.at(-1).close({ code: 4000, reason: 'dropped by the test' });
  await page.getByText(/^Connection lost\. Reconnecting in \d+ s/).waitFor();
  await shot(page, 'connection-lost');
  await eventually('a new socket', () => sockets.length === 2);
  await page.getByText(/^Connection lost/).waitFor({ state: 'detached' });
  check(await page.getByRole('heading', { level: 1, name: 'Cashier' }).isVisible(), 'the screen stays after the resume');
  // A reload resumes too: the token is kept in the tab's sessionStorage.
  await page.reload();
  await page.getByRole('heading', { level: 1, name: 'Cashier' }).waitFor();
  await eventually('the balance after the reload', async () => (await shown_cash(page)) === 10000);

  // 3. Ten spins of the slot at 1.00, the last one from the keyboard alone; then
  // the balance shown equals the server's and the ledger's sum.
  await go(page, 'Lobby');
  await page.getByRole('link', { name: 'Play Five Sevens' }).click();
  await page.getByRole('heading', { level: 1, name: 'Five Sevens' }).waitFor();
  check(await page.getByLabel(`Stake (${currency})`).inputValue() === '1.00', 'the default stake is 1.00');
  for (let i = 0; i < spins - 2; i += 1) await spin(page);
  await shot(page, 'slot-after-spins');

  // Keyboard: from the page's heading, Tab until the Spin button has focus, then
  // press Space, and Enter for the tenth spin (focus stays on the button).
  await page.getByRole('heading', { level: 1, name: 'Five Sevens' }).focus();
  let on_spin = false;
  for (let tabs = 0; tabs < 40 && !on_spin; tabs += 1) {
    await page.keyboard.press('Tab');
    on_spin = await page.evaluate(() => document.activeElement && document.activeElement.textContent === 'Spin');
  }
  check(on_spin, 'Tab reaches the Spin button');
  for (const key of ['Space', 'Enter']) {
    const before = await rounds_on_screen(page);
    await page.keyboard.press(key);
    await eventually(`a spin by ${key} listed`, async () => (await rounds_on_screen(page)) === before + 1);
    await eventually('the Spin button ready again', async () =>
      (await page.getByRole('button', { name: 'Spin', exact: true }).getAttribute('aria-busy')) === null);
    check(await page.evaluate(() => document.activeElement.textContent === 'Spin'), `focus stays on Spin after ${key}`);
  }
  const played = await rounds_on_screen(page);
  check(played === spins, `rounds listed: ${played}`);

  const entries_after_play = await ledger(server, player_id);
  const bets = entries_after_play.filter((e) => e.kind === 'bet');
  check(bets.length === played, `${played} bets in the ledger (found ${bets.length})`);
  const ledger_sum = entries_after_play.reduce((s, e) => s + e.amount, 0);
  const server_cash = await api_balance(server, player_id);
  check(ledger_sum === server_cash, `the ledger sums to the balance (${ledger_sum} vs ${server_cash})`);
  check(entries_after_play[0].balance_after === server_cash, 'the newest entry ends at the balance');
  await eventually(`the balance shown is ${format_minor(server_cash, currency)}`,
    async () => (await shown_cash(page)) === server_cash);
  await shot(page, 'slot-balance-matches-ledger');

  // 4. Verify a round in the browser: reveal the server seed, check a round.
  await go(page, 'Fairness');
  await page.getByRole('button', { name: 'Reveal server seed and rotate' }).click();
  await page.getByText('Server seed revealed:').waitFor();
  // A winning round if there is one: it checks the paylines and the pay too.
  const winning = page.getByRole('button', { name: /^Check round \d+ \(slot-5x3, win (?!0\.00 )/ });
  const any_round = page.getByRole('button', { name: /^Check round \d+ \(slot-5x3, win / });
  await any_round.first().waitFor();
  await ((await winning.count()) > 0 ? winning : any_round).first().click();
  await eventually('the server seed filled in', async () =>
    /^[0-9a-f]{64}$/.test(await page.getByLabel('Server seed (revealed, hex)').inputValue()));
  await page.getByRole('button', { name: 'Verify round' }).click();
  const verdict = page.locator('#verify-verdict');
  await verdict.waitFor();
  const verdict_text = await verdict.textContent();
  check(verdict_text.startsWith('Verified: your browser’s result matches the server’s and the round as played'),
    `the round verified (${verdict_text})`);
  const browser_win = await page.locator('[data-result="browser"] [data-win]').getAttribute('data-win');
  const server_win = await page.locator('[data-result="server"] [data-win]').getAttribute('data-win');
  check(browser_win === server_win, `browser and server wins agree (${browser_win} vs ${server_win})`);
  await page.getByText('It equals the commitment shown before the round was played.').waitFor();
  await shot(page, 'round-verified');

  // 5. A loss limit, and a stake above it refused. The day's net loss so far sets
  // the limit so that the next stake must break it whatever the spins gave.
  const entries = await ledger(server, player_id);
  const lost = -entries.filter((e) => ['bet', 'win', 'rollback'].includes(e.kind)).reduce((s, e) => s + e.amount, 0);
  const limit = Math.max(0, lost);
  const stake = lost >= 0 ? 100 : Math.ceil((-lost + 1) / 10) * 10;
  await go(page, 'Responsible gaming');
  await page.getByLabel('Limit', { exact: true }).selectOption('loss_day');
  await page.getByLabel(`Amount (${currency})`).fill(format_minor(limit, ''));
  await page.getByRole('button', { name: 'Save limit' }).click();
  await page.getByText('Loss per day: saved, in force now.').waitFor();
  await page.getByRole('cell', { name: format_minor(limit, currency) }).first().waitFor();
  await shot(page, 'loss-limit-set');

  await go(page, 'Lobby');
  await page.getByRole('link', { name: 'Play Five Sevens' }).click();
  await page.getByLabel(`Stake (${currency})`).fill(format_minor(stake, ''));
  const cash_before = await api_balance(server, player_id);
  await page.getByRole('button', { name: 'Spin', exact: true }).click();
  const refusal = page.getByRole('alert').filter({ hasText: 'This stake could take you over the loss limit you set.' });
  await refusal.waitFor();
  check(await api_balance(server, player_id) === cash_before, 'the refused stake moved nothing');
  await shot(page, 'loss-limit-refused');

  // 6. A withdrawal after KYC: with withdrawal_auto_approve_max=[] it waits for review.
  const kyc = await server.api('PUT', `/v1/players/${player_id}/kyc`, { status: 'verified', level: 1, reason: 'web test' });
  check(kyc.status === 200, `KYC set verified (${kyc.status})`);
  await go(page, 'Cashier');
  await page.getByText('Verified.').waitFor();
  await page.getByLabel(`Withdrawal amount (${currency})`).fill('10.00');
  await page.getByRole('button', { name: 'Request withdrawal' }).click();
  await page.getByText(`Withdrawal of 10.00 ${currency} is pending: it waits for our review.`).waitFor();
  await eventually('the withdrawal listed in review', async () =>
    (await page.locator('[data-status="review"]').count()) === 1);
  await page.getByRole('button', { name: `Cancel withdrawal of 10.00 ${currency}` }).waitFor();
  const queue = await server.api('GET', '/v1/withdrawals?status=review');
  check(queue.status === 200, `review queue read (${queue.status})`);
  const queued = JSON.stringify(queue.body);
  check(queued.includes(`"player_id":${player_id}`), 'the withdrawal is in the operator review queue');
  const reserved_cash = await api_balance(server, player_id);
  check(reserved_cash === cash_before - 1000, 'the withdrawal reserved 10.00');
  await eventually('the balance shown after the reservation', async () => (await shown_cash(page)) === reserved_cash);
  await shot(page, 'withdrawal-pending');

  // 7. A phone: 375 x 812, logged in anew (the session token stays in its tab).
  const phone = await new_page(browser, { width: 375, height: 812 });
  await phone.goto(server.app_url);
  await phone.getByLabel('Username', { exact: true }).fill(username);
  await phone.getByLabel('Password', { exact: true }).fill(password);
  await phone.getByRole('button', { name: 'Log in', exact: true }).click();
  await phone.getByRole('heading', { level: 1, name: 'Lobby' }).waitFor();
  await eventually('the phone shows the balance', async () => (await shown_cash(phone)) === reserved_cash);
  await fits_375(phone, 'the lobby');
  await shot(phone, 'phone-lobby');
  await phone.getByRole('link', { name: 'Play Five Sevens' }).click();
  await phone.getByRole('heading', { level: 1, name: 'Five Sevens' }).waitFor();
  await fits_375(phone, 'the slot');
  await shot(phone, 'phone-slot');
  for (const screen of ['History', 'Cashier', 'Bonuses', 'Fairness', 'Responsible gaming', 'Account']) {
    await phone.getByRole('button', { name: 'Menu' }).click();
    await phone.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: screen, exact: true }).click();
    await phone.getByRole('heading', { level: 1, name: screen }).waitFor();
    await phone.locator('.loading').first().waitFor({ state: 'detached' });
    await fits_375(phone, `the ${screen} screen`);
    await shot(phone, `phone-${screen.toLowerCase().replace(/ /g, '-')}`);
  }

  // 8. A break (cool-off) after its confirm step: the session ends, the app says for
  // how long, the server holds the account cooling off, and a login is refused with
  // the documented message.
  await go(page, 'Responsible gaming');
  await page.getByRole('button', { name: 'Take a break' }).click();
  await page.getByRole('button', { name: /^Yes, pause my account for/ }).click();
  await page.getByText('Your account is paused for 24 hours.').waitFor();
  check((await server.api('GET', `/v1/players/${player_id}`)).body.status === 'cooling_off', 'the server has the account cooling off');
  await page.getByLabel('Username', { exact: true }).fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Log in', exact: true }).click();
  await page.getByText('This account is in a cool-off period and cannot be used until it ends.').waitFor();
  await shot(page, 'cool-off-login-refused');

  check(page.problems.length === 0, `no page problems: ${page.problems.join('; ')}`);
  check(phone.problems.length === 0, `no phone page problems: ${phone.problems.join('; ')}`);
});
