import { expect, test, type Locator, type Page } from '@playwright/test';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { startHost, type HostProc } from '../support/processes';

/**
 * A backend that writes hostile text: a 100 kB notification title that starts with `-` and hides
 * a right-to-left override, a 100 kB business name with one, a business of many long fields.
 * Through the real browser host in Chromium: every such text is isolated (`<bdi>`, `unicode-bidi:
 * isolate`), the override is neutralised, lists show a bounded text with `…` and the whole text
 * stays available (tooltip, the "Why?" dialog, the business detail), and the layout holds (no
 * sideways scrolling, rows keep their height).
 */

const RLO = '\u202E';
const PDF = '\u202C';
const TITLE = `--version ${RLO}exe.eciovni${PDF} ${'-'.repeat(100_000)}`;
const NAME = `${RLO}trams ageM${PDF}${'M'.repeat(100_000)}`;

let host: HostProc;
let server: WebSocketServer;

test.beforeAll(async () => {
  server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  server.on('connection', (socket, req) => {
    socket.send(JSON.stringify({ type: 'connection_established' }));
    if ((req.url ?? '').startsWith('/ws/notifications/')) {
      socket.send(
        JSON.stringify({
          id: 'hostile-1',
          title: TITLE,
          message: `-u low ${RLO}${'m'.repeat(100_000)}`,
          level: 'error',
        }),
      );
      return;
    }
    const business: Record<string, unknown> = { id: 666, name: NAME, subdomain: `${RLO}evil` };
    for (let i = 0; i < 100; i++) business[`note_${i}`] = `${RLO}${'n'.repeat(499)}`;
    socket.send(
      JSON.stringify({
        type: 'business_created',
        payload: { business, message: 'created' },
        timestamp: '2026-11-22 21:56:50.081114+00:00',
      }),
    );
  });
  const { port } = server.address() as AddressInfo;
  host = await startHost({
    endpoints: [
      {
        id: 'hostile',
        name: 'Hostile notifications',
        dialect: 'django-channels',
        url: `ws://127.0.0.1:${port}/ws/notifications/`,
      },
      {
        id: 'hostile-dash',
        name: 'Hostile dashboard',
        dialect: 'django-channels',
        url: `ws://127.0.0.1:${port}/ws/dashboard/`,
      },
    ],
  });
});
test.afterAll(async () => {
  await host?.kill();
  for (const client of server?.clients ?? []) client.terminate();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

/** What the page shows of one server text, and how it is laid out. */
async function inspect(text: Locator) {
  return text.evaluate((el) => ({
    tag: el.tagName,
    // In the page (this file is type-checked without the DOM library).
    unicodeBidi: (
      globalThis as unknown as { getComputedStyle(e: unknown): { unicodeBidi: string } }
    ).getComputedStyle(el).unicodeBidi,
    text: el.textContent ?? '',
    tooltip: el.getAttribute('title') ?? '',
    height: el.getBoundingClientRect().height,
    right: el.getBoundingClientRect().right,
  }));
}

async function layoutHolds(page: Page): Promise<void> {
  const { scrollWidth, innerWidth } = await page.evaluate(() => {
    const w = globalThis as unknown as {
      innerWidth: number;
      document: { documentElement: { scrollWidth: number } };
    };
    return { scrollWidth: w.document.documentElement.scrollWidth, innerWidth: w.innerWidth };
  });
  expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
}

function isolatedAndNeutral(shown: Awaited<ReturnType<typeof inspect>>) {
  expect(shown.tag).toBe('BDI');
  expect(shown.unicodeBidi).toBe('isolate');
  expect(shown.text).not.toMatch(/[\u202A-\u202E\u2066-\u2069]/);
}

test('hostile text from a server: isolated, neutralised, bounded, whole on request, layout intact', async ({
  page,
}) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${host.url}#/notifications`);

  const row = page.locator('.hist').filter({ hasText: '--version' });
  await expect(row).toHaveCount(1, { timeout: 20_000 });
  const title = await inspect(row.locator('.hist__title'));
  isolatedAndNeutral(title);
  // The leading dashes are text; the override is shown as U+FFFD where it was.
  expect(title.text.startsWith('--version \uFFFDexe.eciovni\uFFFD')).toBe(true);
  expect(title.text.length).toBeLessThanOrEqual(120);
  expect(title.text.endsWith('…')).toBe(true);
  // The whole text Lookout keeps is in the tooltip, longer than the row shows.
  expect(title.tooltip.length).toBeGreaterThan(title.text.length);
  expect(title.tooltip.startsWith('--version \uFFFD')).toBe(true);
  isolatedAndNeutral(await inspect(row.locator('.hist__body')));
  // One line per row, as for every other notification.
  expect(title.height).toBeLessThan(40);
  await layoutHolds(page);
  await page.screenshot({ path: test.info().outputPath('hostile-notifications.png') });

  // "Why?" shows the whole text as kept, wrapped inside the dialog.
  await row.getByRole('button', { name: /^Why did or didn/ }).click();
  const dialog = page.getByRole('dialog');
  const whole = await inspect(dialog.locator('.why__item dd .server-text').first());
  isolatedAndNeutral(whole);
  expect(whole.text).toBe(title.tooltip);
  const box = await dialog.boundingBox();
  expect(box && box.x + box.width).toBeLessThanOrEqual(1280);
  await layoutHolds(page);
  await page.screenshot({ path: test.info().outputPath('hostile-why.png') });
  await dialog.getByRole('button', { name: 'Close' }).click();

  // The bell: the same title, one bounded line in a popover that stays on screen.
  await page
    .getByRole('button', { name: /^Notifications/ })
    .first()
    .click();
  const bellTitle = page.locator('.bell__item .bell__title').filter({ hasText: '--version' });
  const inBell = await inspect(bellTitle);
  isolatedAndNeutral(inBell);
  expect(inBell.text.length).toBeLessThanOrEqual(120);
  expect(inBell.right).toBeLessThanOrEqual(1280);
  await layoutHolds(page);
  await page.keyboard.press('Escape');

  // Businesses: a 100 kB name with an override, and more data than Lookout keeps.
  await page.goto(`${host.url}#/businesses`);
  const link = page.locator('.row-link .server-text').filter({ hasText: 'ageM' });
  await expect(link).toHaveCount(1, { timeout: 20_000 });
  const name = await inspect(link);
  isolatedAndNeutral(name);
  expect(name.text.startsWith('\uFFFDtrams ageM')).toBe(true);
  expect(name.text.length).toBeLessThanOrEqual(80);
  await layoutHolds(page);
  await link.click();
  await expect(page.getByText(/sent more about this business than Lookout keeps/)).toBeVisible();
  const fields = page.locator('.kv dd .server-text');
  expect(await fields.count()).toBeGreaterThan(3);
  for (const field of await fields.all()) isolatedAndNeutral(await inspect(field));
  await layoutHolds(page);
  await page.screenshot({ path: test.info().outputPath('hostile-business.png'), fullPage: true });

  expect(errors).toEqual([]);
});

test('an update feed that is not https is refused at the field, with what to do', async ({
  page,
}) => {
  await page.goto(`${host.url}#/settings`);
  const feed = page.getByLabel('Update feed URL');
  await feed.fill('http://updates.example.com/lookout/');
  await feed.blur();
  await expect(page.getByRole('alert').filter({ hasText: 'https://' })).toBeVisible();
  await expect(feed).toHaveAttribute('aria-invalid', 'true');
  await feed.fill('https://updates.example.com/lookout/');
  await feed.blur();
  await expect(page.getByRole('alert').filter({ hasText: 'https://' })).toHaveCount(0);
});
