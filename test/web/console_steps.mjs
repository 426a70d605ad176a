// Steps through the operator console that more than one scenario takes.

import { eventually } from './harness.mjs';

export async function sign_in(page, server, key) {
  await page.goto(server.console_url);
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
}

export async function sign_out(page) {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
}

// Opens a screen from the console's menu.
export const nav = (page, name) =>
  page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name, exact: true }).click();

// The Account region of the player page that is open.
export const account_region = (page) => page.getByRole('region', { name: 'Account' });

// Sets the KYC of the player whose page is open through its dialog and waits until
// the page shows it; `filled` (optional) runs with the dialog filled in, before Save.
export async function set_kyc(page, player_id, { status, level, note }, filled = async () => {}) {
  const account = account_region(page);
  await account.getByRole('button', { name: 'Set KYC' }).click();
  const kyc = page.getByRole('dialog', { name: `KYC of player ${player_id}` });
  await kyc.getByLabel('KYC status').selectOption(status);
  await kyc.getByLabel('Level (0 to 100)').fill(String(level));
  await kyc.getByLabel('Note').fill(note);
  await filled();
  await kyc.getByRole('button', { name: 'Save KYC' }).click();
  await eventually(`KYC shows ${status}`, async () => (await account.textContent()).includes(`${status} level ${level}`));
}

// Locks (or unlocks) the player whose page is open, with a reason, and waits for the
// opposite button to appear.
export async function set_locked(page, player_id, locked, reason) {
  const [verb, other] = locked ? ['Lock', 'Unlock'] : ['Unlock', 'Lock'];
  const account = account_region(page);
  await account.getByRole('button', { name: `${verb} account` }).click();
  const dialog = page.getByRole('dialog', { name: `${verb} player ${player_id}` });
  await dialog.getByLabel('Reason').fill(reason);
  await dialog.getByRole('button', { name: `Confirm ${verb.toLowerCase()}` }).click();
  await account.getByRole('button', { name: `${other} account` }).waitFor();
}
