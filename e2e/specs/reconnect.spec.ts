import { expect, test } from '@playwright/test';
import { freePort, startGateway, startHost, type HostProc, type Proc } from '../support/processes';

/** Support staff watch a backend die and come back: sign in, kill, explain, recover. */
let host: HostProc;
let gateway: Proc;
let port = 0;

test.beforeAll(async () => {
  port = await freePort();
  gateway = await startGateway(port);
  host = await startHost({
    endpoints: [
      {
        id: 'gw',
        name: 'Team gateway',
        dialect: 'lookout',
        url: `ws://127.0.0.1:${port}/ws`,
        auth: {
          method: 'password-jwt',
          username: 'admin@lookout.local',
          credentialRef: 'team-gw',
          loginUrl: `http://127.0.0.1:${port}/auth/login`,
          refreshUrl: `http://127.0.0.1:${port}/auth/refresh`,
        },
        subscriptions: ['dashboard', 'stats'],
        backoff: { minMs: 200, maxMs: 1_000, factor: 2, stableAfterMs: 2_000 },
      },
    ],
  });
});
test.afterAll(async () => {
  await host?.kill();
  await gateway?.kill();
});

test('sign in, then a killed backend is explained in diagnostics and recovers by itself', async ({
  page,
}) => {
  await page.goto(`${host.url}#/diagnostics`);
  // No password stored yet: the app says so and offers to sign in.
  const banner = page.getByRole('alert').filter({ hasText: 'Team gateway' });
  await expect(banner).toContainText(/Sign-in needed|sign in/i);
  await banner.getByRole('button', { name: 'Sign in' }).click();
  await page.getByLabel(/password|token/i).fill('lookout-demo');
  await page.getByRole('button', { name: 'Sign in', exact: true }).last().click();
  const row = page.locator('table tr').filter({ hasText: 'Team gateway' });
  await expect(row).toContainText('Connected', { timeout: 20_000 });

  await gateway.kill();
  await expect(row).toContainText(/Reconnecting|Connecting/, { timeout: 20_000 });
  // The journal explains what happened in plain words.
  await expect(
    page.getByText(/Abnormal closure|Connection refused|Nothing is listening/).first(),
  ).toBeVisible({ timeout: 20_000 });
  await page.screenshot({ path: test.info().outputPath('diagnostics-reconnecting.png') });

  gateway = await startGateway(port);
  await expect(row).toContainText('Connected', { timeout: 30_000 });
  await expect(row).not.toContainText(/^0$/);
});
