import { expect, test, type Page } from '@playwright/test';
import { freePort, startHost, type HostProc } from '../support/processes';

/**
 * Issue 22: Lookout in a small window (800 × 600), in light and dark. The icon-only sidebar keeps
 * names, tooltips and the unread count; the Diagnostics table fits without a sideways scroll; five
 * endpoints down take one banner line until opened, and each keeps its action.
 */

test.use({ viewport: { width: 800, height: 600 } });

const THEMES = ['light', 'dark'] as const;

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: test.info().outputPath(`${name}.png`) });
}

test.describe('on the embedded demo', () => {
  let host: HostProc;
  test.beforeAll(async () => {
    host = await startHost();
  });
  test.afterAll(async () => {
    await host?.kill();
  });

  for (const theme of THEMES) {
    test(`${theme}: the icon sidebar names every link, shows tooltips on hover and keyboard focus, and keeps the unread badge`, async ({
      page,
    }) => {
      await page.emulateMedia({ colorScheme: theme });
      await page.goto(host.url);
      const nav = page.getByRole('navigation', { name: 'Main' });
      for (const name of ['Dashboard', 'Businesses', 'Stats', 'Tasks', 'Diagnostics', 'Settings'])
        await expect(nav.getByRole('link', { name, exact: true })).toBeVisible();
      // The labels are not shown beside the icons (the sidebar is collapsed)…
      const settings = nav.getByRole('link', { name: 'Settings', exact: true });
      expect((await settings.boundingBox())?.width ?? 999).toBeLessThan(60);

      // …the unread count stays, as a badge on the bell icon, and is part of the link's name.
      const badge = page.getByTestId('nav-unread');
      await expect(badge).toBeVisible({ timeout: 20_000 });
      const bell = nav.getByRole('link', { name: /^Notifications \d+ unread$/ });
      await expect(bell).toBeVisible();
      const icon = await bell.locator('svg').boundingBox();
      const mark = await badge.boundingBox();
      expect(icon && mark).toBeTruthy();
      if (icon && mark) {
        // Overlapping the icon's top right corner.
        expect(mark.x).toBeLessThan(icon.x + icon.width);
        expect(mark.x + mark.width).toBeGreaterThan(icon.x + icon.width);
        expect(mark.y).toBeLessThan(icon.y + icon.height / 2);
      }

      // Hover: the tooltip names the link.
      const tip = (link: ReturnType<typeof nav.getByRole>) => link.locator('.sidenav__tip');
      await settings.hover();
      await expect(tip(settings)).toBeVisible();
      await expect(tip(settings)).toHaveText('Settings');
      await expect(tip(bell)).toBeHidden();
      await shot(page, `sidebar-tooltip-${theme}`);

      // Keyboard: Tab through to the sidebar; the focused link shows its tooltip too.
      await page.mouse.move(700, 500);
      await expect(tip(settings)).toBeHidden();
      const dashboard = nav.getByRole('link', { name: 'Dashboard', exact: true });
      for (let i = 0; i < 40 && !(await dashboard.evaluate((el) => el.matches(':focus'))); i++)
        await page.keyboard.press('Tab');
      await expect(dashboard).toBeFocused();
      await expect(tip(dashboard)).toBeVisible();
      await page.keyboard.press('Tab');
      await expect(bell).toBeFocused();
      await expect(tip(bell)).toHaveText(/^Notifications \(\d+ unread\)$/);
      await expect(tip(dashboard)).toBeHidden();
      await shot(page, `sidebar-focus-${theme}`);
    });
  }
});

test.describe('five endpoints down', () => {
  let host: HostProc;
  test.beforeAll(async () => {
    // Ports nothing listens on: every endpoint fails to connect and backs off.
    const ports = await Promise.all([1, 2, 3, 4, 5].map(() => freePort()));
    host = await startHost({
      endpoints: ports.map((port, i) => ({
        id: `down-${i + 1}`,
        name: `Down backend ${i + 1} with a long descriptive name`,
        dialect: 'lookout',
        url: `ws://127.0.0.1:${port}/ws`,
        // One needs a password nobody stored: its banner's action is "Sign in".
        ...(i === 0
          ? {
              auth: {
                method: 'password-jwt',
                username: 'ops@acme.test',
                credentialRef: 'down-1',
                loginUrl: `http://127.0.0.1:${port}/auth/login`,
              },
            }
          : {}),
        backoff: { minMs: 500, maxMs: 5_000, factor: 2, stableAfterMs: 2_000 },
      })),
    });
  });
  test.afterAll(async () => {
    await host?.kill();
  });

  for (const theme of THEMES) {
    test(`${theme}: the banners take one line until opened; opened, each keeps its action`, async ({
      page,
    }) => {
      await page.emulateMedia({ colorScheme: theme });
      await page.goto(host.url);
      const summary = page.getByTestId('banner-summary');
      await expect(summary).toContainText('5 endpoints need attention:', { timeout: 20_000 });
      await expect(page.locator('.banner[data-endpoint]')).toHaveCount(0);
      // One line: no taller than a single banner row.
      expect((await summary.boundingBox())?.height ?? 999).toBeLessThanOrEqual(48);
      await shot(page, `banners-grouped-${theme}`);

      const toggle = summary.getByRole('button', { name: 'Show all 5' });
      await expect(toggle).toHaveAttribute('aria-expanded', 'false');
      await toggle.click();
      await expect(summary.getByRole('button', { name: 'Hide details' })).toHaveAttribute(
        'aria-expanded',
        'true',
      );
      const each = page.locator('.banner[data-endpoint]');
      await expect(each).toHaveCount(5);
      await expect(
        page.locator('.banner[data-endpoint="down-1"]').getByRole('button', { name: 'Sign in' }),
      ).toBeVisible();
      for (const id of ['down-2', 'down-3', 'down-4', 'down-5'])
        await expect(
          page
            .locator(`.banner[data-endpoint="${id}"]`)
            .getByRole('button', { name: 'Reconnect now' }),
        ).toBeVisible();
      await shot(page, `banners-open-${theme}`);
      await summary.getByRole('button', { name: 'Hide details' }).click();
      await expect(each).toHaveCount(0);
    });

    test(`${theme}: the Diagnostics table fits 800 px without a sideways scroll; the rest is in the row's detail`, async ({
      page,
    }) => {
      await page.emulateMedia({ colorScheme: theme });
      await page.goto(host.url);
      await page
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'Diagnostics', exact: true })
        .click();
      const table = page.locator('table.table--health');
      await expect(table.locator('tbody tr').first()).toBeVisible();
      const fit = await page.locator('.table-fit').evaluate((el) => ({
        scroll: el.scrollWidth,
        client: el.clientWidth,
      }));
      expect(fit.scroll).toBeLessThanOrEqual(fit.client);
      const content = await page
        .locator('.content')
        .evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
      expect(content.scroll).toBeLessThanOrEqual(content.client);
      // The priority columns stay, the last one included; the chart and the count give way.
      for (const name of ['Endpoint', 'State', 'Last data', 'Last close / handshake'])
        await expect(table.getByRole('columnheader', { name })).toBeVisible();
      await expect(table.getByRole('columnheader', { name: 'Reconnects' })).toBeHidden();
      await shot(page, `diagnostics-800-${theme}`);

      // The row's detail has the figures the table left out.
      await table.getByRole('button', { name: /Down backend 2/ }).click();
      const counters = page.locator('.panel').filter({ hasText: 'Counters' });
      await expect(counters.locator('dt:text-is("Reconnects") + dd')).toHaveText(/^\d+$/);
      await expect(counters.locator('dt:text-is("Round trip p50 / p95")')).toBeVisible();
    });
  }
});
