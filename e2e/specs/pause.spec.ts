import { expect, test, type Page } from '@playwright/test';
import { startHost, type HostProc } from '../support/processes';

/**
 * A super admin going into a meeting, on the embedded demo: one control in the header to be
 * quiet, reached by keyboard, saying when it ends in local words; the same state in the bell;
 * kept across a reload; resumed in one step; quiet hours named as such.
 */
let host: HostProc;
test.beforeAll(async () => {
  host = await startHost();
});
test.afterAll(async () => {
  await host?.kill();
});

const pad = (n: number) => String(n).padStart(2, '0');
const hhmm = (d: Date) => `${pad(d.getHours())}:${pad(d.getMinutes())}`;

function headerPause(page: Page) {
  // The first in the header; the bell's popup (also in the header) holds the second.
  return page.getByRole('banner').getByTestId('pause-control').first();
}

test('pause for an hour from the header by keyboard, see it everywhere, resume; quiet hours named', async ({
  page,
}) => {
  await page.goto(host.url);
  const control = headerPause(page);
  const summary = control.locator('summary');
  await expect(summary).toHaveAccessibleName(
    'Notifications on. Pause or resume desktop notifications',
  );

  // Keyboard only: focus the control, open it, pick "For 1 hour".
  await summary.focus();
  await page.keyboard.press('Enter');
  const group = control.getByRole('group', { name: 'Pause desktop notifications' });
  await expect(group).toBeVisible();
  const inAnHour = await page.evaluate(() => Date.now() + 3_600_000);
  const oneHour = group.getByRole('button', { name: /^For 1 hour/ });
  await oneHour.focus();
  await page.keyboard.press('Enter');
  await expect(group).toBeHidden();
  // Local time, in words, not a UTC timestamp.
  // (The minute may turn between reading the clock and the click: either minute is right.)
  const until = [hhmm(new Date(inAnHour)), hhmm(new Date(inAnHour + 60_000))];
  await expect(summary).toContainText(new RegExp(`Paused until (${until.join('|')})`));
  await expect(summary).toHaveAttribute('title', /desktop notifications resume in (59 min|1 h) /);
  await expect(summary).not.toContainText('Z');
  await page.screenshot({ path: test.info().outputPath('paused-header.png') });

  // Kept by the core: a reload shows the same pause.
  await page.reload();
  await expect(headerPause(page).locator('summary')).toContainText('Paused until');

  // The bell's control says the same and resumes in one step.
  await page
    .getByRole('button', { name: /notifications|bell/i })
    .first()
    .click();
  const bellPause = page.getByTestId('pause-control').nth(1);
  await expect(bellPause.locator('summary')).toContainText('Paused until');
  await page.keyboard.press('Escape');
  await headerPause(page).locator('summary').click();
  await headerPause(page).getByRole('button', { name: 'Resume now' }).click();
  await expect(headerPause(page).locator('summary')).toContainText('Notifications on');

  // A custom end: "until 23:59" today (or tomorrow, said so, if it is later than that here).
  await headerPause(page).locator('summary').click();
  await headerPause(page).getByLabel('Until').fill('23:59');
  await headerPause(page).getByRole('button', { name: 'Pause', exact: true }).click();
  await expect(headerPause(page).locator('summary')).toContainText(
    /Paused until 23:59( tomorrow)?/,
  );
  await headerPause(page).locator('summary').click();
  await headerPause(page).getByRole('button', { name: 'Resume now' }).click();
  await expect(headerPause(page).locator('summary')).toContainText('Notifications on');

  // Quiet hours around now, set in Settings: the header names them, with their end.
  const now = new Date(await page.evaluate(() => Date.now()));
  const start = new Date(now.getTime() - 3_600_000);
  const end = new Date(now.getTime() + 2 * 3_600_000);
  await page.getByRole('navigation', { name: 'Main' }).locator('a[href="#/settings"]').click();
  await page.getByRole('checkbox', { name: 'Quiet hours from' }).check();
  await page.getByLabel('Quiet hours start').fill(hhmm(start));
  await page.getByLabel('Quiet hours end').fill(hhmm(end));
  await page.getByRole('button', { name: 'Save preferences' }).click();
  await expect(headerPause(page).locator('summary')).toContainText(
    new RegExp(`Quiet hours until ${hhmm(end)}`),
  );
  await page.screenshot({ path: test.info().outputPath('quiet-hours-header.png') });
});
