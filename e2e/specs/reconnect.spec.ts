import { expect, test } from '@playwright/test';
import { freePort, startGateway, startHost, type HostProc, type Proc } from '../support/processes';
import {
  signInFromBanner,
  teamGatewayBanner,
  teamGatewayEndpoint,
  teamGatewayRow,
} from '../support/team-gateway';

/** Support staff watch a backend die and come back: sign in, kill, explain, recover. */
let host: HostProc;
let gateway: Proc;
let port = 0;

test.beforeAll(async () => {
  port = await freePort();
  gateway = await startGateway(port);
  host = await startHost({ endpoints: [teamGatewayEndpoint(port)] });
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
  await expect(teamGatewayBanner(page)).toContainText(/Sign-in needed|sign in/i);
  await signInFromBanner(page);
  const row = teamGatewayRow(page);

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
