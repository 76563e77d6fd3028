import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { startHost, type HostProc } from '../support/processes';

/**
 * A render error must not blank the window. A function the Diagnostics view calls while rendering
 * is made to throw (as a bug or a hostile value would), in the real app on the embedded demo
 * gateway: the view shows what happened with "Copy details" and "Reload", the navigation keeps
 * working, the main process logs it, and "Reload" brings the window back.
 */
let host: HostProc;
test.beforeAll(async () => {
  host = await startHost();
});
test.afterAll(async () => {
  await host.kill();
});

async function nav(page: Page, view: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).locator(`a[href="#/${view}"]`).click();
}

/** Number#toLocaleString throws from now on (Diagnostics formats its counters with it). */
async function breakNumberFormatting(page: Page): Promise<void> {
  await page.evaluate(() => {
    const original = Number.prototype.toLocaleString;
    (globalThis as unknown as { restoreNumbers: () => void }).restoreNumbers = () => {
      Number.prototype.toLocaleString = original;
    };
    Number.prototype.toLocaleString = function broken(): string {
      throw new RangeError('simulated render failure in a number format');
    };
  });
}

function logText(): string {
  const dir = join(host.dataDir, 'logs');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.log'))
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .join('\n');
}

test('a view that throws while rendering shows copyable details and a reload, and the app keeps working', async ({
  page,
  context,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto(host.url);
  await expect(page.getByText('Connected').first()).toBeVisible();
  await nav(page, 'settings');
  await expect(page.getByRole('heading', { name: 'Settings' }).first()).toBeVisible();

  await breakNumberFormatting(page);
  await nav(page, 'diagnostics');
  const fallback = page.getByRole('alert').filter({ hasText: 'ran into a problem' });
  await expect(fallback).toContainText('Diagnostics ran into a problem and cannot be shown.');
  await expect(fallback).toContainText('RangeError: simulated render failure in a number format');
  // Only the view failed: the header and the navigation are still there.
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
  await page.screenshot({ path: test.info().outputPath('view-error.png') });

  // "Copy details" puts a bug report on the clipboard.
  await fallback.getByRole('button', { name: 'Copy details' }).click();
  await expect(fallback.getByRole('status')).toHaveText('Details copied.');
  const copied = (await page.evaluate('navigator.clipboard.readText()')) as string;
  expect(copied).toContain('render error in Diagnostics');
  expect(copied).toContain('Error: RangeError: simulated render failure in a number format');
  expect(copied).toMatch(/Component stack:\n\s*at /);
  expect(copied).toContain('View: #/diagnostics');

  // The main process logged it, in the log file the user can open.
  await expect
    .poll(() => logText(), { timeout: 10_000 })
    .toMatch(/renderer error.*simulated render failure in a number format/);

  // Navigation gives a view another try: with the fault gone, Diagnostics works again.
  await page.evaluate(() =>
    (globalThis as unknown as { restoreNumbers: () => void }).restoreNumbers(),
  );
  await nav(page, 'dashboard');
  await expect(fallback).toHaveCount(0);
  await nav(page, 'diagnostics');
  await expect(page.getByRole('heading', { name: 'Diagnostics' }).first()).toBeVisible();
  await expect(fallback).toHaveCount(0);

  // "Reload" starts the page afresh (the fault was only in the old page).
  await breakNumberFormatting(page);
  await nav(page, 'dashboard');
  await nav(page, 'diagnostics');
  await expect(fallback).toBeVisible();
  await fallback.getByRole('button', { name: 'Reload' }).click();
  await expect(fallback).toHaveCount(0);
  await expect(page.getByText('Connected').first()).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Diagnostics' }).first()).toBeVisible();
});

test('an error outside any view replaces the window with the same choices, and Reload recovers', async ({
  page,
}) => {
  await page.goto(host.url);
  await expect(page.getByText('Connected').first()).toBeVisible();
  // The bell lives in the header, outside the views' boundary; its items render times with this.
  await page.evaluate(() => {
    Date.prototype.toLocaleString = function broken(): string {
      throw new TypeError('simulated failure in the header');
    };
  });
  await page
    .getByRole('button', { name: /^Notifications/ })
    .first()
    .click();
  const fatal = page.getByRole('alert').filter({ hasText: 'ran into a problem' });
  await expect(fatal).toContainText('Lookout ran into a problem and cannot show this window.');
  await expect(fatal.getByRole('button', { name: 'Copy details' })).toBeVisible();
  await page.screenshot({ path: test.info().outputPath('window-error.png') });
  await fatal.getByRole('button', { name: 'Reload' }).click();
  await expect(fatal).toHaveCount(0);
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
});
