import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { startHost, startPeer, type HostProc, type PeerProc } from '../support/processes';

/** Issue 22: the paper cuts of a new user's first week, as that user meets them. */

async function nav(page: Page, view: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).locator(`a[href="#/${view}"]`).click();
}

test.describe('on the embedded demo', () => {
  let host: HostProc;
  let dataDir: string;
  test.beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'lookout-first-week-'));
    host = await startHost({ dataDir });
  });
  test.afterAll(async () => {
    await host?.kill();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('the welcome names the embedded demo; "Stop watching" really stops, and only tasks are listed', async ({
    page,
  }) => {
    await page.goto(host.url);
    const welcome = page.locator('section.welcome');
    await expect(welcome).toContainText('is connected to Demo gateway (embedded)');
    await expect(welcome).not.toContainText('no backend is configured');

    await nav(page, 'tasks');
    const watched = page.getByRole('list', { name: 'Watched on Demo gateway (embedded)' });
    await expect(page.getByText('No task watched.')).toBeVisible();
    await page.getByLabel('Task id').fill('demo-999');
    await page.getByRole('button', { name: 'Watch', exact: true }).click();
    await expect(page.getByText('Watching demo-999.', { exact: true })).toBeVisible();
    // Only the task is removable: none of the endpoint's own channels (dashboard, stats, …).
    await expect(watched.getByRole('listitem')).toHaveText(['demo-999✕']);
    await nav(page, 'diagnostics');
    const channels = page.locator('dt:text-is("Channels") + dd');
    await expect(channels).toContainText('task:demo-999');

    await nav(page, 'tasks');
    await page.getByRole('button', { name: 'Stop watching demo-999' }).click();
    await expect(page.getByText('Stopped watching demo-999.', { exact: true })).toBeVisible();
    await expect(watched).toHaveCount(0);
    await expect(page.getByText('No task watched.')).toBeVisible();
    // And the live session left the channel (Diagnostics lists the subscriptions in use).
    await nav(page, 'diagnostics');
    await expect(channels).toContainText('tasks:admin@lookout.local');
    await expect(channels).not.toContainText('task:demo-999');
  });

  test('adding an endpoint: id from the name, sign-in URL from the WebSocket URL, errors in words by their field', async ({
    page,
  }) => {
    await page.goto(host.url);
    await nav(page, 'settings');
    // The browser host has no tray and no login item: their options are not offered.
    await expect(page.getByText('Start Lookout when I log in')).toHaveCount(0);
    await expect(page.getByText(/keeps Lookout running in the tray/)).toHaveCount(0);
    await expect(
      page.getByText(/kept in memory only and asked for again after a restart/).first(),
    ).toBeVisible();

    await page.getByRole('button', { name: 'Add endpoint' }).first().click();
    const editor = page.getByRole('dialog', { name: 'Add endpoint' });
    const field = (label: string) =>
      editor.locator('label.field').filter({ has: page.getByText(label, { exact: true }) });
    const input = (label: string) => field(label).locator('input, select, textarea');
    await input('Name').fill('Production gateway (EU)');
    await expect(input('Id')).toHaveValue('production-gateway-eu');
    await input('Sign-in method').selectOption('password-jwt');
    await input('WebSocket URL').fill('wss://gw.example.com:8443/ws');
    await expect(input('Login URL')).toHaveValue('https://gw.example.com:8443/auth/login');
    // The password hint says where this host keeps it: in memory.
    await expect(field('Password')).toContainText(
      'kept in memory only and asked for again after a restart',
    );

    // An empty id: its error sits under Id, in words; nothing under Sign-in method.
    await input('Id').fill('');
    await input('User name').fill('admin');
    await editor.getByRole('button', { name: 'Add endpoint' }).click();
    await expect(field('Id').getByRole('alert')).toContainText(
      'lowercase letters, digits and dashes',
    );
    await expect(field('Sign-in method').getByRole('alert')).toHaveCount(0);
    await expect(editor).not.toContainText(/Too small|expected string/);

    // A space in the host, then a port that does not exist: refused here, said once, by the URL.
    await input('Id').fill('prod-eu');
    await input('WebSocket URL').fill('ws://exa mple/ws');
    await editor.getByRole('button', { name: 'Add endpoint' }).click();
    await expect(field('WebSocket URL').getByRole('alert')).toHaveText(
      'must not contain spaces (remove them, or write %20 in a path)',
    );
    await input('WebSocket URL').fill('ws://gw.example.com:99999/ws');
    await expect(field('WebSocket URL').getByRole('alert')).toHaveText(
      'has port 99999, which does not exist: ports go from 1 to 65535',
    );
    await expect(editor.getByText(/ports go from 1 to 65535/)).toHaveCount(1);
    await page.screenshot({ path: test.info().outputPath('add-endpoint-errors.png') });
    await editor.getByRole('button', { name: 'Cancel' }).click();
  });

  test('a chart shows the time Lookout was not running as a gap, not a straight line', async ({
    page,
  }) => {
    await page.goto(host.url);
    await nav(page, 'stats');
    const chart = page.getByRole('img', { name: /^Throughput chart of / });
    await expect(chart).toBeVisible();
    await expect(chart).not.toHaveAttribute('aria-label', /no samples/);
    // Closed for a while (longer than the gap limit of 5 s), then started again on its saved state.
    await page.close();
    await host.kill();
    await new Promise((resolve) => setTimeout(resolve, 6_500));
    host = await startHost({ dataDir });
    const again = await page.context().newPage();
    await again.goto(host.url);
    await nav(again, 'stats');
    const reopened = again.getByRole('img', { name: /^Throughput chart of / });
    await expect(reopened).toHaveAttribute(
      'aria-label',
      /; no samples \d\d:\d\d:\d\d–\d\d:\d\d:\d\d/,
    );
    await expect(again.getByText(/^No samples .* shown as a gap\.$/)).toBeVisible();
    await again.screenshot({ path: test.info().outputPath('chart-gap.png') });
  });
});

test.describe('on a chat dashboard (sakura)', () => {
  let host: HostProc;
  let sakura: PeerProc;
  test.beforeAll(async () => {
    sakura = await startPeer('sakura');
    host = await startHost({
      endpoints: [{ id: 'chat', name: 'Chat desk', dialect: 'sakura', url: sakura.info.url }],
    });
  });
  test.afterAll(async () => {
    await host?.kill();
    await sakura?.kill();
  });

  test('the welcome counts configured backends; unread counts and website status are cards', async ({
    page,
  }) => {
    await page.goto(host.url);
    const welcome = page.locator('section.welcome');
    await expect(welcome).toContainText('You have one backend configured, 1 of them connected');
    await expect(welcome).not.toContainText('no backend is configured');

    await nav(page, 'stats');
    const cards = page.getByRole('list', { name: 'Unread and website status of Chat desk' });
    await expect(cards.getByRole('listitem').filter({ hasText: 'Unified inbox' })).toContainText(
      /\d+\s*unread/,
      { timeout: 20_000 },
    );
    // The website's status, published on the service's Redis channel, gets a card of its own.
    const url = new URL(sakura.info.redisUrl ?? '');
    execFileSync('redis-cli', [
      '-h',
      url.hostname,
      '-p',
      url.port,
      'PUBLISH',
      'website_status',
      JSON.stringify({ type: 'website_status', data: { website: 'shop.example', status: 'down' } }),
    ]);
    const site = cards.getByRole('listitem').filter({ hasText: 'Website status' });
    await expect(site).toContainText('down');
    await expect(site).toContainText('shop.example is down.');
    await page.screenshot({ path: test.info().outputPath('inbox-cards.png') });
  });
});

test.describe('the browser host, day after day', () => {
  let host: HostProc | undefined;
  let dataDir: string;
  test.beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'lookout-every-day-'));
  });
  test.afterAll(async () => {
    await host?.kill();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('keeps its address and secret (0600) across restarts; a tab with an old key says what to do', async ({
    page,
  }) => {
    host = await startHost({ dataDir });
    const first = host.url;
    const file = join(dataDir, 'browser-host.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const kept = JSON.parse(readFileSync(file, 'utf8')) as { port: number; secret: string };
    expect(first).toBe(`http://127.0.0.1:${kept.port}/?k=${kept.secret}`);
    expect(host.output()).toContain('This address stays the same at every start');

    await page.goto(first);
    await expect(page.getByText('Connected').first()).toBeVisible();
    // Restarted: the same address, and the open tab carries on by itself.
    await host.kill();
    host = await startHost({ dataDir });
    expect(host.url).toBe(first);
    await nav(page, 'tasks');
    await expect(page.getByRole('heading', { name: 'Tasks', exact: true })).toBeVisible();
    await expect(page.getByText('No task watched.')).toBeVisible();

    // A new secret on purpose: the old tab is told exactly what to do, not "Restart Lookout".
    await host.kill();
    host = await startHost({ dataDir, args: ['--new-secret'] });
    expect(host.url).not.toBe(first);
    expect(new URL(host.url).port).toBe(String(kept.port));
    expect(host.output()).toContain('A new secret was made (--new-secret)');
    const alert = page.getByRole('alert');
    await expect(alert).toContainText("This tab's key to Lookout is out of date", {
      timeout: 20_000,
    });
    await expect(alert).toContainText('Open the address Lookout printed when it started');
    await expect(page.getByText('Restart Lookout')).toHaveCount(0);
    await page.screenshot({ path: test.info().outputPath('old-key.png') });
  });
});
