import { expect, test, type Page } from '@playwright/test';
import { startHost, type HostProc } from '../support/processes';

/** A newcomer's first minutes: `npm start` on the embedded demo gateway, every main view live. */
let host: HostProc;
test.beforeAll(async () => {
  host = await startHost();
});
test.afterAll(async () => {
  await host.kill();
});

async function unread(page: Page): Promise<number> {
  const label =
    (await page
      .getByRole('button', { name: /^Notifications/ })
      .first()
      .getAttribute('aria-label')) ?? '';
  const m = /(\d+) unread/.exec(label);
  return m ? Number(m[1]) : 0;
}

/** Click the left-navigation entry (its accessible name may carry a count). */
async function nav(page: Page, view: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).locator(`a[href="#/${view}"]`).click();
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: test.info().outputPath(`${name}.png`) });
}

test('live demo: welcome, bell, businesses, stats, tasks, diagnostics, settings, bundle without secrets', async ({
  page,
  context,
}) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  test.setTimeout(180_000);
  await page.goto(host.url);

  // First run explains itself and says which backend this is.
  await expect(page.getByText('Welcome to Lookout')).toBeVisible();
  await expect(page.getByText('Demo gateway (embedded)').first()).toBeVisible();
  await expect(page.getByText('Connected').first()).toBeVisible();
  await shot(page, 'first-run');
  await page.getByRole('button', { name: 'Got it' }).click();
  await expect(page.getByText('Welcome to Lookout')).toHaveCount(0);
  // The secret left the address bar.
  expect(page.url()).not.toContain('k=');

  // The bell count rises as events arrive.
  const before = await unread(page);
  await expect.poll(() => unread(page), { timeout: 20_000 }).toBeGreaterThan(before);

  // Stats move.
  const throughput = page.locator('.card').filter({ hasText: 'Throughput' }).first();
  const first = await throughput.innerText();
  await expect.poll(async () => throughput.innerText(), { timeout: 10_000 }).not.toBe(first);
  await shot(page, 'dashboard');

  // The dropdown opens; mark all read empties the count.
  await page
    .getByRole('button', { name: /^Notifications/ })
    .first()
    .click();
  await expect(
    page
      .getByRole('dialog', { name: 'Latest notifications' })
      .or(page.getByLabel('Latest notifications')),
  ).toBeVisible();
  await shot(page, 'bell-open');
  const beforeRead = await unread(page);
  await page.getByRole('button', { name: 'Mark all read' }).click();
  await expect.poll(() => unread(page)).toBeLessThan(beforeRead);
  await page.keyboard.press('Escape');

  // Businesses appear live.
  await nav(page, 'businesses');
  const rows = page.locator('main table tbody tr');
  await expect.poll(() => rows.count(), { timeout: 20_000 }).toBeGreaterThan(0);
  await shot(page, 'businesses');

  // A task progresses to done.
  await nav(page, 'tasks');
  await expect(page.getByText(/completed/i).first()).toBeVisible({ timeout: 45_000 });
  await shot(page, 'tasks');

  await nav(page, 'stats');
  await expect(page.locator('canvas').first()).toBeVisible();
  await shot(page, 'stats');

  await nav(page, 'notifications');
  await expect(page.getByLabel('Notification history')).toBeVisible();
  await shot(page, 'notifications');
  // "Why did / didn't I get this notification?": the decision trace of one event.
  await page
    .getByRole('button', { name: /^Why did or didn/ })
    .first()
    .click();
  const why = page.getByRole('dialog');
  await expect(why).toContainText(/Decided to notify|Not shown|Grouped|Delivery failed|Delivered/);
  await shot(page, 'why');
  await page.keyboard.press('Escape');
  await expect(why).toHaveCount(0);

  // Diagnostics: health, RTT, connection check, support bundle without secrets.
  await nav(page, 'diagnostics');
  await expect(page.getByText('Connection health')).toBeVisible();
  await page.getByRole('button', { name: 'Run connection check' }).click();
  await expect(page.getByText(/All checks passed/)).toBeVisible({ timeout: 20_000 });
  await shot(page, 'diagnostics');
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.getByRole('button', { name: 'Copy support bundle' }).click();
  await expect(page.getByText(/Support bundle copied|copied/i).first()).toBeVisible();
  const bundle = (await page.evaluate('navigator.clipboard.readText()')) as string;
  const parsed = JSON.parse(bundle) as { kind: string; connections: Array<{ state: string }> };
  expect(parsed.kind).toBe('lookout-support-bundle');
  expect(parsed.connections[0]?.state).toBe('open');
  expect(bundle).not.toContain('lookout-demo'); // the demo password
  expect(bundle).not.toMatch(/eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/); // no JWT

  await nav(page, 'settings');
  await expect(page.getByText('Endpoints').first()).toBeVisible();
  await shot(page, 'settings');

  // Dark theme.
  await page.getByRole('button', { name: /Switch to .* theme/ }).click();
  await nav(page, 'dashboard');
  await shot(page, 'dashboard-dark');

  expect(errors).toEqual([]);
});
