import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { startKeyringDaemon, type KeyringDaemon } from '../../test/support/keyring-daemon';
import { startHost, type HostProc } from '../support/processes';

/**
 * Issue 22: the browser host keeps passwords in the desktop's keyring (a real GNOME Keyring on a
 * private session bus), and where it cannot, Settings and the password hint say why and what to do.
 */

let daemon: KeyringDaemon | undefined;
let host: HostProc | undefined;
let dataDir = '';
test.beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'lookout-e2e-keyring-'));
  daemon = await startKeyringDaemon();
});
test.afterEach(async () => {
  await host?.kill();
  await daemon?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function openSettings(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.getByRole('navigation', { name: 'Main' }).locator('a[href="#/settings"]').click();
}

const secretsLine = (page: Page) => page.locator('dt:text-is("Secrets") + dd');

test('Settings and the password hint name the desktop keyring; locked, they say why and what to do', async ({
  page,
}) => {
  const bus = { DBUS_SESSION_BUS_ADDRESS: daemon?.busAddress ?? '' };
  host = await startHost({ dataDir, env: bus });
  await openSettings(page, host.url);
  await expect(secretsLine(page)).toContainText(
    "Secrets are stored in the desktop's keyring (Secret Service, default collection) and remembered after a restart.",
  );
  await page.getByRole('button', { name: 'Add endpoint' }).first().click();
  const editor = page.getByRole('dialog', { name: 'Add endpoint' });
  await editor
    .locator('label.field')
    .filter({ has: page.getByText('Sign-in method', { exact: true }) })
    .locator('select')
    .selectOption('password-jwt');
  const password = editor
    .locator('label.field')
    .filter({ has: page.getByText('Password', { exact: true }) });
  await expect(password).toContainText("stored in the desktop's keyring");
  await expect(password).not.toContainText('memory');

  // The screen locker (or a timeout) locked the keyring before the next start.
  await host.kill();
  host = undefined;
  await daemon?.lock();
  host = await startHost({ dataDir, env: bus });
  await openSettings(page, host.url);
  await expect(secretsLine(page)).toContainText(
    "The desktop's default keyring is locked, so secrets are kept in memory only and asked for again after a restart. Unlock it",
  );
});
