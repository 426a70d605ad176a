// The operator console against a real server, through a real browser: an operator
// finds a ring of linked accounts the risk engine flagged, reads the case and its
// reasons, sees the group drawn as a graph, works on a player (timeline, KYC, lock,
// unlock, a limit), approves a withdrawal from the review queue with the keyboard,
// looks at a vendor's day and the bonus campaigns (creates one); then a read-only
// key sees the same screens without any action.
//
// How: three players register over the player WebSocket from one device (opened in
// a chromium page: Node 20 has no WebSocket), are paid in by the operator API, and
// one plays rounds at machine speed. The server runs with a review score so low
// that any scored player gets a case, and a lock score of 1 so that nobody is locked
// by the engine and the scenario decides every lock itself. Every check waits with
// eventually(); nothing sleeps.
//
// Run: AGG_BINARY=build/gateway/aggregator node risk_scenario.mjs

import { check, eventually, keys, new_page, run_scenario } from './harness.mjs';
import { nav, set_kyc, set_locked, sign_in, sign_out } from './console_steps.mjs';

const password = 'ring-password-0123';
const device = 'fp-ring-7f3a';
const ring = ['ring_anna', 'ring_bert', 'ring_cleo'];
const rounds = 8;
const stake = 100; // minor units: 1.00 EUR a round
const reply_timeout_ms = 10_000;

// Sends `requests` one after the other on a new player connection and resolves
// their replies. Runs inside a chromium page, which has a WebSocket.
async function player_requests(page, ws_port, requests) {
  return page.evaluate(async ({ port, requests, timeout_ms }) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/v1`);
    const waiting = new Map();
    ws.onmessage = (m) => {
      const frame = JSON.parse(m.data);
      if (frame.id !== undefined && waiting.has(frame.id)) waiting.get(frame.id)(frame);
    };
    await new Promise((ok, fail) => {
      ws.onopen = ok;
      ws.onerror = () => fail(new Error('the player WebSocket failed'));
    });
    const replies = [];
    for (const [i, r] of requests.entries()) {
      const reply = new Promise((ok, fail) => {
        waiting.set(i + 1, ok);
        setTimeout(() => fail(new Error(`no reply to ${r.type} within ${timeout_ms} ms`)), timeout_ms);
      });
      ws.send(JSON.stringify({ ...r, id: i + 1 }));
      replies.push(await reply);
    }
    ws.close();
    return replies;
  }, { port: ws_port, requests, timeout_ms: reply_timeout_ms });
}

// The ring: three accounts on one device, each paid in; the first plays.
async function make_ring(server, browser) {
  const context = await browser.newContext();
  const players = await context.newPage();
  const ids = {};
  for (const name of ring) {
    const [reg] = await player_requests(players, server.ws_port, [{
      type: 'register', username: name, password, currency: 'EUR', email: `${name}@example.org`, device: { id: device },
    }]);
    check(reg.type === 'registered', `${name} registered (${JSON.stringify(reg)})`);
    ids[name] = reg.player_id;
    const dep = await server.api('POST', `/v1/players/${reg.player_id}/deposits`, { amount: 10_000, idempotency_key: `seed-${name}` });
    check(dep.status === 201, `${name} paid in (${dep.status})`);
  }
  const plays = Array.from({ length: rounds }, () => ({ type: 'play', game: 'slot-5x3', stake }));
  const replies = await player_requests(players, server.ws_port, [
    { type: 'login', username: ring[0], password, device: { id: device } }, ...plays]);
  check(replies.every((r) => r.type !== 'error'), `${ring[0]} played ${rounds} rounds (${JSON.stringify(replies.find((r) => r.type === 'error'))})`);
  return { ids, players };
}

const tile = (page, name) => page.getByRole('region', { name, exact: true });

// 1. The overview reads /metrics: the rounds played show in it.
async function overview(page, shot) {
  await eventually('the rounds played show on the overview', async () =>
    (await tile(page, 'Rounds per second').textContent()).includes(`${rounds} rounds since start`));
  const open = await tile(page, 'Open connections').locator('.big').textContent();
  check(/^\d+$/.test(open.trim()), `open connections is a number (${open})`);
  await eventually('the risk engine is a feed subscriber', () =>
    page.getByRole('table', { name: 'Event feed subscribers and their lag' }).getByRole('rowheader', { name: 'risk' }).isVisible());
  check(await tile(page, 'Commit latency').getByRole('img').count() === 1, 'commit latency has a sparkline');
  // The second scrape, a second after the first, makes the rates.
  await eventually('a rate of rounds per second', async () =>
    /^\d+\.\d$/.test((await tile(page, 'Rounds per second').locator('.big').textContent()).trim()));
  await eventually('the queues are counted', async () =>
    (await tile(page, 'Open risk cases').locator('.big').textContent()).trim() === '1');
  await shot(page, 'overview');
}

// 2. The case of the player who played, its reasons and the ring drawn as a graph.
async function risk_case(page, shot, ids) {
  await nav(page, 'Risk cases');
  const cases = page.getByRole('table', { name: /Risk cases in status open/ });
  const row = cases.getByRole('row').filter({ has: page.getByRole('link', { name: `#${ids[ring[0]]}`, exact: true }) });
  await eventually(`a case for player ${ids[ring[0]]}`, async () => {
    if (await row.count() > 0) return true;
    await page.getByRole('button', { name: 'Refresh' }).click();
    return false;
  });
  await shot(page, 'risk-cases');
  await row.getByRole('link', { name: /^Case \d+$/ }).click();
  await page.getByRole('heading', { name: /^Risk case \d+ · / }).waitFor();
  const reasons = page.getByRole('table', { name: /Why case \d+ was opened/ });
  await reasons.getByRole('row').nth(1).waitFor();
  check(await reasons.getByRole('rowheader').count() >= 1, 'the case lists its reasons');

  const graph = page.getByRole('group', { name: `Linked accounts of player ${ids[ring[0]]}` });
  await graph.waitFor();
  const nodes = graph.getByRole('link');
  check(await nodes.count() === ring.length, `one node per linked account (${await nodes.count()})`);
  for (const name of ring) {
    check(await graph.getByRole('link', { name: new RegExp(`^Player ${ids[name]} ${name}`) }).count() === 1, `a node for ${name}`);
  }
  const labels = await graph.locator('text.edge-label').allTextContents();
  check(labels.length === 3 && labels.every((l) => l.includes('device')), `every pair is linked by the device (${labels})`);
  await shot(page, 'risk-case-graph');
  // A node opens its player.
  await graph.getByRole('link', { name: new RegExp(`^Player ${ids[ring[1]]} `) }).click();
  await page.getByRole('heading', { name: `Player #${ids[ring[1]]} · ${ring[1]}` }).waitFor();
}

// 3. Find players by part of a username and one by its whole, read the timeline, set KYC, lock, unlock, a limit.
async function player_work(page, shot, server, ids) {
  const id = ids[ring[0]];
  await nav(page, 'Players');
  // Part of a username lists every match; a whole one opens the player.
  await page.getByLabel('Player id or username').fill('ring_');
  await page.getByRole('button', { name: 'Find' }).click();
  const matches = page.getByRole('table', { name: 'Players whose username contains “ring_”' });
  await eventually('the ring listed', async () => (await matches.getByRole('row').count()) === ring.length + 1);
  await nav(page, 'Players');
  await page.getByLabel('Player id or username').fill(ring[0].toUpperCase());
  await page.getByRole('button', { name: 'Find' }).click();
  await page.getByRole('heading', { name: `Player #${id} · ${ring[0]}` }).waitFor();
  const timeline = page.getByRole('table', { name: `Timeline of player ${id}, newest first` });
  await timeline.getByRole('row').nth(1).waitFor();
  const text = await timeline.textContent();
  check(text.includes('registered') && text.includes('bet') && text.includes('deposit'), 'the timeline shows the registration, the deposit and the bets');
  await shot(page, 'player-timeline');

  await set_kyc(page, id, { status: 'verified', level: 2, note: 'passport checked, ticket 77' },
    () => shot(page, 'kyc-dialog'));
  check((await server.api('GET', `/v1/players/${id}`)).body.kyc.status === 'verified', 'the server has KYC verified');

  await set_locked(page, id, true, 'ring under review, ticket 78');
  check((await server.api('GET', `/v1/players/${id}`)).body.status === 'locked', 'the server has the account locked');
  await shot(page, 'player-locked');

  await set_locked(page, id, false, 'reviewed, ticket 78');
  check((await server.api('GET', `/v1/players/${id}`)).body.status === 'active', 'the server has the account active again');
  await eventually('the timeline shows the operator\'s changes', async () => {
    const t = await timeline.textContent();
    return ['kyc changed', 'locked', 'unlocked', 'from operator:ops'].every((w) => t.includes(w));
  });

  await page.getByRole('button', { name: 'Set the wager day limit' }).click();
  const limit = page.getByRole('dialog', { name: `Set the wager day limit of player ${id}` });
  await limit.getByLabel('Amount (EUR)').fill('50.00');
  await limit.getByRole('button', { name: 'Save limit' }).click();
  const limits = page.getByRole('table', { name: /^Money limits in EUR/ });
  await eventually('the wager day limit shows', async () =>
    (await limits.getByRole('row', { name: /^wager/ }).getByRole('cell').first().textContent()).includes('50.00 EUR'));
  const audit = (await server.api('GET', '/v1/audit?limit=10')).body.entries.map((e) => e.action);
  for (const a of ['player.kyc', 'player.lock', 'player.unlock', 'player.limit']) check(audit.includes(a), `audited ${a}`);
  await shot(page, 'player-done');
}

// 4. The player (with an open case) asks for two withdrawals: both wait in the
// queue. The first is approved with the keyboard alone (the confirm step with its
// reason) and gets paid; the second stays for the read-only key to see.
async function withdrawal_queue(page, shot, server, players) {
  const withdraw = { type: 'withdraw', amount: 1000, provider: 'sandbox', instrument: 'card-4242' };
  const [, w1, w2] = await player_requests(players, server.ws_port, [
    { type: 'login', username: ring[0], password, device: { id: device } }, withdraw, withdraw]);
  for (const w of [w1, w2]) check(w.type === 'payment' && w.status === 'review', `the withdrawal is held for review (${JSON.stringify(w)})`);
  await nav(page, 'Withdrawals');
  const approve = page.getByRole('button', { name: `Approve withdrawal ${w1.payment_id}` });
  await approve.waitFor();
  check(await page.getByRole('button', { name: `Reject withdrawal ${w1.payment_id}` }).count() === 1, 'an admin can reject it too');
  await shot(page, 'withdrawal-queue');

  await approve.focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: `Approve withdrawal ${w1.payment_id}` });
  await dialog.waitFor();
  check(await dialog.getByLabel('Reason').evaluate((el) => el === document.activeElement), 'the reason has focus');
  await page.keyboard.type('source of funds checked, ticket 79');
  await shot(page, 'withdrawal-approve-dialog');
  await page.keyboard.press('Tab');
  check(await dialog.getByRole('button', { name: 'Confirm approval' }).evaluate((el) => el === document.activeElement), 'Tab reaches the confirm button');
  await page.keyboard.press('Enter');
  await eventually('the approved withdrawal leaves the queue', async () =>
    await page.getByRole('row').filter({ hasText: w1.payment_id }).count() === 0);
  await eventually('the approved withdrawal is paid', async () =>
    (await server.api('GET', `/v1/withdrawals/${w1.payment_id}`)).body.status === 'paid');
  const paid = (await server.api('GET', `/v1/withdrawals/${w1.payment_id}`)).body;
  check(paid.reviewer === 'ops', `the reviewer is the key's name (${paid.reviewer})`);
  check(await page.getByRole('button', { name: `Approve withdrawal ${w2.payment_id}` }).evaluate((el) => el === document.activeElement),
    'focus moved to the next withdrawal\'s approve button');
  return w2.payment_id;
}

// 5. The builtin vendor's day: totals, a chart, the week.
async function reconciliation(page, shot) {
  await nav(page, 'Reconciliation');
  const totals = page.getByRole('table', { name: /^Totals of builtin on / });
  await totals.getByRole('rowheader', { name: 'EUR' }).waitFor();
  const chart = page.getByRole('img', { name: /^builtin on \d{4}-\d{2}-\d{2}: stakes, wins, refunds and net$/ });
  await chart.waitFor();
  check(await chart.locator('rect.bar').count() === 4, 'the chart has a bar per figure');
  check((await totals.textContent()).includes(`${(rounds * stake / 100).toFixed(2)} EUR`), 'the stakes of the rounds played are in the totals');
  await page.getByRole('img', { name: /^builtin: net per day in EUR/ }).waitFor();
  await shot(page, 'reconciliation');
}

// 6. Bonus campaigns: create one, a player claims its code, its figures show the
// grant and the chart draws them; pause it.
async function campaigns(page, shot, server, players) {
  await nav(page, 'Bonus campaigns');
  const create = page.getByRole('region', { name: 'Create a campaign' });
  await create.getByLabel('Name').fill('Spring reload');
  await create.getByLabel('Kind').selectOption('no_deposit');
  await create.getByLabel('Code (empty: automatic)').fill('SPRING5');
  await create.getByLabel('Amount', { exact: true }).fill('5.00');
  await create.getByLabel('Wagering multiplier').fill('10');
  await create.getByRole('button', { name: 'Create campaign' }).click();
  const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'Spring reload' }) });
  await row.waitFor();
  check((await row.textContent()).includes('active'), 'the new campaign is active');
  check((await row.textContent()).includes('5.00 EUR'), 'the new campaign shows its amount');
  const [, claim] = await player_requests(players, server.ws_port, [
    { type: 'login', username: ring[1], password, device: { id: device } },
    { type: 'claim_bonus', code: 'spring5' }]);
  check(claim.type === 'bonus_claimed' && claim.granted, `${ring[1]} claimed the code (${JSON.stringify(claim)})`);
  await row.getByRole('button', { name: 'Pause campaign Spring reload' }).click();
  await eventually('the campaign is paused', async () => (await row.textContent()).includes('paused'));
  check(/1 \(1\)/.test(await row.textContent()), 'the campaign counts its one grant, active');
  const chart = page.getByRole('img', { name: 'Bonus money given and its cost, by campaign' });
  await chart.waitFor();
  check(await chart.locator('rect.bar').count() === 2, 'the chart has the given and cost bars');
  await shot(page, 'campaigns');
}

// 7. A read_only key: the same screens, no action.
async function read_only(page, shot, server, ids, payment_id) {
  await sign_out(page);
  await sign_in(page, server, keys.read_only);
  check((await page.locator('#who').textContent()).includes('read only'), 'the role is shown');
  check(await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Audit log' }).count() === 0, 'no audit log for read_only');
  await nav(page, 'Withdrawals');
  await page.getByRole('row').filter({ hasText: payment_id }).waitFor();
  check(await page.getByRole('button', { name: /^Approve withdrawal/ }).count() === 0, 'no approve button');
  check(await page.getByRole('button', { name: /^Reject withdrawal/ }).count() === 0, 'no reject button');
  await shot(page, 'read-only-queue');

  await page.goto(page.url().replace(/#.*$/, `#/players/${ids[ring[0]]}`));
  const account = page.getByRole('region', { name: 'Account' });
  await account.getByText('verified level 2').waitFor();
  await page.getByRole('table', { name: /^Money limits in EUR/ }).waitFor();
  for (const name of ['Lock account', 'Unlock account', 'Set KYC', 'Adjust balance']) {
    check(await page.getByRole('button', { name }).count() === 0, `no "${name}" button`);
  }
  check(await page.getByRole('button', { name: /^Set the .* limit$/ }).count() === 0, 'no limit buttons');
  await shot(page, 'read-only-player');

  await nav(page, 'Bonus campaigns');
  await page.getByRole('rowheader', { name: 'Spring reload' }).waitFor();
  check(await page.getByRole('region', { name: 'Create a campaign' }).count() === 0, 'no campaign form');
  check(await page.getByRole('button', { name: /campaign Spring reload/ }).count() === 0, 'no campaign actions');
}

// A narrow screen still works: the menu above, panels stacked.
async function narrow(page, shot, ids) {
  await page.setViewportSize({ width: 420, height: 860 });
  await page.goto(page.url().replace(/#.*$/, `#/players/${ids[ring[0]]}/links`));
  await page.getByRole('group', { name: `Linked accounts of player ${ids[ring[0]]}` }).waitFor();
  await shot(page, 'narrow-links');
}

const body = async (server, browser, shot) => {
  const { ids, players } = await make_ring(server, browser);
  const page = await new_page(browser);
  await sign_in(page, server, keys.admin);
  check((await page.locator('#who').textContent()).includes('ops'), 'signed in as ops');
  await overview(page, shot);
  await risk_case(page, shot, ids);
  await player_work(page, shot, server, ids);
  const payment_id = await withdrawal_queue(page, shot, server, players);
  await reconciliation(page, shot);
  await campaigns(page, shot, server, players);
  await read_only(page, shot, server, ids, payment_id);
  await narrow(page, shot, ids);
  check(page.problems.length === 0, `no console or page errors:\n${page.problems.join('\n')}`);
};
// A review score this low opens a case at the first score; a lock score of 1
// (written as a float: the option is a double) locks nobody.
body.server = { extra: ['risk_review_score=0.01', 'risk_lock_score=1.0', 'risk_min_bets=1', 'risk_score_every=1'] };

run_scenario('risk', body);
