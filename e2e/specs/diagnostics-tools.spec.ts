import { readFileSync, writeFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { freePort, startGateway, startHost, type HostProc, type Proc } from '../support/processes';
import {
  signInFromBanner,
  TEAM_GATEWAY_PASSWORD,
  teamGatewayBanner,
  teamGatewayEndpoint,
  teamGatewayRow,
} from '../support/team-gateway';

/**
 * A support engineer's day in Diagnostics, against a real gateway through the browser host: open
 * a frame (its JSON tree and what it became), watch the close row of a killed gateway, read the
 * handshake of a refused upgrade, ping, send a raw frame, export a session and open it again.
 */
let host: HostProc;
let gateway: Proc;
let port = 0;
/** An opaque made-up token: it must never be shown, whatever its shape. */
const WRONG_TOKEN = 'opaque-wrong-Zq81xT';

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  port = await freePort();
  gateway = await startGateway(port);
  host = await startHost({
    endpoints: [
      teamGatewayEndpoint(port),
      {
        // The same gateway with a made-up token in the URL: every upgrade is refused (401).
        id: 'refused',
        name: 'Refused gateway',
        dialect: 'lookout',
        url: `ws://127.0.0.1:${port}/ws?token=${WRONG_TOKEN}`,
        subscriptions: ['dashboard'],
        backoff: { minMs: 2_000, maxMs: 10_000, factor: 2, stableAfterMs: 2_000 },
      },
    ],
  });
});
test.afterAll(async () => {
  await host?.kill();
  await gateway?.kill();
});

async function signedIn(page: Page): Promise<void> {
  await page.goto(`${host.url}#/diagnostics/gw`);
  const row = teamGatewayRow(page);
  const banner = teamGatewayBanner(page);
  await expect(banner.or(row.filter({ hasText: 'Connected' })).first()).toBeVisible({
    timeout: 20_000,
  });
  if (await banner.isVisible()) await signInFromBanner(page);
  await expect(row).toContainText('Connected', { timeout: 20_000 });
}

const frameLog = (page: Page) => page.getByRole('list', { name: /Frames, newest first/ });

test('a frame opens in the inspector with its JSON tree and what it became', async ({ page }) => {
  await signedIn(page);
  const log = frameLog(page);
  // The subscription ack comes back on every connect: a frame with a known decode result.
  const ack = log.getByRole('button', { name: /received text frame/ }).filter({
    hasText: '"type":"subscribed"',
  });
  await expect(ack.first()).toBeVisible({ timeout: 20_000 });
  // The row by its own name (its frame number): newer acks may arrive meanwhile.
  const rowName = (await ack.first().getAttribute('aria-label')) ?? '';
  const row = log.getByRole('button', { name: rowName, exact: true });
  await row.focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText(/Text frame #\d+ received/);
  await expect(dialog.getByRole('list', { name: 'Decode result' })).toContainText(
    /Acknowledged: subscribed (dashboard|stats)/,
  );
  const tree = dialog.getByRole('group', { name: 'Payload as a JSON tree' });
  await expect(tree).toContainText('type');
  await expect(tree).toContainText('“subscribed”');
  await expect(dialog).toContainText(/after connection \d+ opened/);
  await page.screenshot({ path: test.info().outputPath('frame-inspector.png') });
  // Escape closes it and focus goes back to the row that opened it.
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(row).toBeFocused();
  // The same in the dark theme.
  await page.emulateMedia({ colorScheme: 'dark' });
  await ack.first().click();
  await expect(tree).toContainText('“subscribed”');
  await page.screenshot({ path: test.info().outputPath('frame-inspector-dark.png') });
  await page.keyboard.press('Escape');
  await page.emulateMedia({ colorScheme: 'light' });

  // A regex filter; an invalid one says so and the page keeps working.
  const filter = page.getByRole('searchbox', { name: 'Filter frames' });
  await page.getByRole('checkbox', { name: 'Regex' }).check();
  await filter.fill('"type":"(subscribed');
  await expect(
    page.getByRole('alert').filter({ hasText: 'Not a valid regular expression' }),
  ).toBeVisible();
  await filter.fill('"type":"(subscribed|pong)"');
  await expect(log.getByRole('button').first()).toBeVisible();
  await filter.fill('');
});

test('a killed gateway leaves a close row with its code and meaning, and a separator', async ({
  page,
}) => {
  await signedIn(page);
  await gateway.kill();
  const log = frameLog(page);
  const close = log.getByRole('button', { name: /received close frame/ });
  await expect(close.first()).toContainText('1006 Abnormal closure', { timeout: 20_000 });
  gateway = await startGateway(port);
  await expect(teamGatewayRow(page)).toContainText('Connected', { timeout: 30_000 });
  // The earlier connection stays, under its separator, below the new one.
  await expect(
    log.getByText(/^connection \d+, opened .*, closed .*\(1006 Abnormal closure\)$/),
  ).toBeVisible({
    timeout: 20_000,
  });
  await expect(log.getByText(/^connection \d+, opened .*, open now$/)).toBeVisible();
  await close.first().click();
  await expect(page.getByRole('dialog')).toContainText(
    /1006 Abnormal closure — The connection dropped without a close frame/,
  );
  await page.screenshot({ path: test.info().outputPath('frame-log-close.png') });
  await page.keyboard.press('Escape');
});

test('the handshake of a refused upgrade: request (token redacted), 401 and its body', async ({
  page,
}) => {
  await page.goto(`${host.url}#/diagnostics/refused`);
  const handshake = page.getByRole('region', { name: /^Handshake of attempt \d+$/ });
  await expect(handshake).toContainText('HTTP/1.1 401 Unauthorized', { timeout: 20_000 });
  await expect(handshake).toContainText(/GET \/ws\?token=(\[redacted\]|%5Bredacted%5D) HTTP\/1\.1/);
  await expect(handshake.getByRole('table', { name: 'Request headers' })).toContainText(
    'sec-websocket-version',
  );
  await expect(handshake.getByRole('table', { name: 'Response headers' })).toContainText(
    'content-type',
  );
  await expect(handshake.getByLabel('Response body')).toContainText('"error"');
  await expect(page.locator('body')).not.toContainText(WRONG_TOKEN);
  await page.screenshot({ path: test.info().outputPath('handshake-401.png') });
});

test('ping now shows the round-trip time and is journaled', async ({ page }) => {
  await signedIn(page);
  await page.getByRole('button', { name: 'Ping now' }).click();
  await expect(page.getByRole('status').filter({ hasText: /Pong after \d+ ms/ })).toBeVisible();
  await expect(page.getByRole('list', { name: 'Support actions' })).toContainText(
    /Ping now: Pong after \d+ ms/,
  );
  await expect(
    frameLog(page)
      .getByRole('button', { name: /received pong frame/ })
      .filter({ hasText: 'by hand' }),
  ).toContainText(/RTT \d+ ms/);
});

test('a raw frame typed by hand goes out, with a warning, and the server answers', async ({
  page,
}) => {
  await signedIn(page);
  await expect(page.getByText(/This frame goes as typed to .* a live server/)).toBeVisible();
  await page.getByLabel('Raw frame').fill('{"type":"ping","t":424242}');
  await page.getByRole('button', { name: 'Send frame' }).click();
  await expect(
    page.getByRole('status').filter({ hasText: /Sent \d+ characters by hand/ }),
  ).toBeVisible();
  const log = frameLog(page);
  await page.getByRole('searchbox', { name: 'Filter frames' }).fill('424242');
  await expect(
    log.getByRole('button', { name: /sent text frame/ }).filter({ hasText: 'by hand' }),
  ).toContainText('"t":424242');
  const answer = log
    .getByRole('button', { name: /received text frame/ })
    .filter({ hasText: '"pong"' });
  await expect(answer).toContainText('424242', { timeout: 10_000 });
  await answer.click();
  await expect(page.getByRole('list', { name: 'Decode result' })).toContainText('Application pong');
  await page.keyboard.press('Escape');
});

test('export a session, open it again read-only; a malformed file says why', async ({ page }) => {
  await signedIn(page);
  const downloaded = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export session' }).click();
  const download = await downloaded;
  expect(download.suggestedFilename()).toMatch(/^lookout-session-gw-.*\.jsonl$/);
  const file = test.info().outputPath(download.suggestedFilename());
  await download.saveAs(file);
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  expect(JSON.parse(lines[0]!)).toMatchObject({ kind: 'lookout-session', endpoint: 'gw' });
  expect(lines.length).toBeGreaterThan(10);
  await expect(
    page.getByRole('status').filter({ hasText: /Downloaded lookout-session-gw/ }),
  ).toBeVisible();

  await page.getByLabel('Session file to open').setInputFiles(file);
  const imported = page.getByRole('region', { name: 'Imported session' });
  await expect(imported).toContainText('Imported session (read-only)');
  await expect(imported).toContainText('Team gateway');
  // No live actions on an imported session.
  await expect(imported.getByRole('button', { name: 'Ping now' })).toHaveCount(0);
  // The acks are the oldest frames: the filter brings them up.
  await imported.getByRole('searchbox', { name: 'Filter frames' }).fill('"subscribed"');
  const ack = imported
    .getByRole('button', { name: /received text frame/ })
    .filter({ hasText: '"type":"subscribed"' });
  await ack.first().click();
  await expect(page.getByRole('dialog').getByRole('list', { name: 'Decode result' })).toContainText(
    'Acknowledged: subscribed',
  );
  await page.screenshot({ path: test.info().outputPath('imported-session.png') });
  await page.keyboard.press('Escape');
  await imported.getByRole('button', { name: 'Close imported session' }).click();
  await expect(imported).toBeHidden();

  const broken = test.info().outputPath('broken.jsonl');
  writeFileSync(broken, `${lines[0]}\n{"kind":"frame","frame":{"id":"seven"}}\n`);
  await page.getByLabel('Session file to open').setInputFiles(broken);
  await expect(
    page.getByRole('alert').filter({ hasText: 'Could not open broken.jsonl' }),
  ).toContainText(/Line 2 does not fit the session format at frame\./);
  await expect(imported).toBeHidden();
});

test('the support bundle saves as a file with the end of the log file', async ({ page }) => {
  await signedIn(page);
  const downloaded = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Save support bundle' }).click();
  const download = await downloaded;
  expect(download.suggestedFilename()).toMatch(/^lookout-support-bundle-.*\.json$/);
  const file = test.info().outputPath('bundle.json');
  await download.saveAs(file);
  const bundle = JSON.parse(readFileSync(file, 'utf8')) as {
    kind: string;
    logExcerpt: { lines: string; bytes: number };
  };
  expect(bundle.kind).toBe('lookout-support-bundle');
  expect(bundle.logExcerpt.lines).toContain('connection state');
  expect(readFileSync(file, 'utf8')).not.toContain(TEAM_GATEWAY_PASSWORD);
});
