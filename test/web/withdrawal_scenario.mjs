// A withdrawal from request to payout, with the player app and the operator console
// open side by side in one real browser against one real server: a new player
// registers and deposits; an operator finds the player in the console and sets KYC
// verified, which the player's cashier then shows; the player asks for a withdrawal,
// which waits for review (withdrawal_auto_approve_max=[]); the operator approves it
// in the console's review queue; the sandbox provider pays it, and the player's page
// shows it paid (pushed, no reload) with the balance the ledger holds. Every step
// drives the UI through roles and labels; no fixed sleeps.
//
// Run: AGG_BINARY=build/gateway/aggregator node withdrawal_scenario.mjs

import { check, eventually, keys, new_page, run_scenario } from './harness.mjs';
import { nav, set_kyc, sign_in } from './console_steps.mjs';
import { api_balance, deposit, go, ledger, register, shown_cash } from './player_steps.mjs';

const currency = 'EUR';

run_scenario('withdrawal', async (server, browser, shot) => {
  // The player: registers and deposits 50.00.
  const player = await new_page(browser);
  await player.goto(server.app_url);
  const username = `payout_${Date.now().toString(36)}`;
  const player_id = await register(player, { username, password: 'a long player password', currency });
  await deposit(player, { amount: '50.00', currency, expected_cash: 5000 });
  await shot(player, 'player-deposited');

  // Without KYC the cashier says so; the operator verifies the player in the console.
  const operator = await new_page(browser);
  await sign_in(operator, server, keys.admin);
  await nav(operator, 'Players');
  await operator.getByLabel('Player id or username').fill(String(player_id));
  await operator.getByRole('button', { name: 'Find' }).click();
  await operator.getByRole('heading', { name: `Player #${player_id} · ${username}` }).waitFor();
  await set_kyc(operator, player_id, { status: 'verified', level: 1, note: 'identity document checked' });
  await shot(operator, 'operator-kyc-verified');

  await player.getByRole('button', { name: 'Check verification again' }).click();
  await player.getByText('Verified.').waitFor();

  // The player asks for 20.00: it waits for review, reserved from the balance.
  await player.getByLabel(`Withdrawal amount (${currency})`).fill('20.00');
  await player.getByRole('button', { name: 'Request withdrawal' }).click();
  await player.getByText(`Withdrawal of 20.00 ${currency} is pending: it waits for our review.`).waitFor();
  await eventually('the reservation in the balance shown', async () => (await shown_cash(player, currency)) === 3000);
  const row = player.locator('[data-status="review"]');
  await eventually('the withdrawal listed in review', async () => (await row.count()) === 1);
  await shot(player, 'player-withdrawal-in-review');

  // The operator approves it in the review queue.
  await nav(operator, 'Withdrawals');
  const queue = operator.getByRole('table', { name: 'Withdrawals in status review, newest first' });
  await queue.waitFor();
  const queued = (await server.api('GET', '/v1/withdrawals?status=review')).body.payments;
  check(queued.length === 1 && queued[0].player_id === player_id, `one withdrawal in review (${JSON.stringify(queued)})`);
  const payment_id = queued[0].payment_id;
  await operator.getByRole('button', { name: `Approve withdrawal ${payment_id}` }).click();
  const dialog = operator.getByRole('dialog', { name: `Approve withdrawal ${payment_id}` });
  await dialog.getByLabel('Reason').fill('KYC verified, source of funds is the deposit');
  await shot(operator, 'operator-approving');
  await dialog.getByRole('button', { name: 'Confirm approval' }).click();
  await operator.getByText(`Withdrawal ${payment_id} of 20.00 ${currency} approved.`).waitFor();
  await eventually('the approved withdrawal leaves the queue', async () =>
    (await queue.getByRole('row').filter({ hasText: payment_id }).count()) === 0);
  await shot(operator, 'operator-approved');

  // The player sees it paid, pushed: the row's status and the announcement.
  await eventually('the player sees the withdrawal paid', async () =>
    (await player.locator('[data-status="paid"]').count()) === 1, 15_000);
  const paid = (await server.api('GET', `/v1/withdrawals/${payment_id}`)).body;
  check(paid.status === 'paid' && paid.reviewer === 'ops', `paid, reviewed by ops (${JSON.stringify(paid)})`);
  const entries = await ledger(server, player_id);
  const cash = await api_balance(server, player_id);
  check(cash === 3000, `the balance after the payout is 30.00 (${cash})`);
  check(entries.reduce((s, e) => s + e.amount, 0) === cash, 'the ledger sums to the balance');
  check((await shown_cash(player, currency)) === cash, 'the player app shows the ledger balance');
  await go(player, 'History');
  await go(player, 'Cashier');
  check((await player.locator('[data-status="paid"]').count()) === 1, 'still paid after moving between screens');
  await shot(player, 'player-withdrawal-paid');

  check(player.problems.length === 0, `no player page problems: ${player.problems.join('; ')}`);
  check(operator.problems.length === 0, `no console problems: ${operator.problems.join('; ')}`);
});
