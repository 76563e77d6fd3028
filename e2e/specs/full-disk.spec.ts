import { expect, test } from '@playwright/test';
import { FailingDisk } from '../../test/support/failing-disk';
import { startHost, type HostProc } from '../support/processes';

/**
 * The disk fills up under a running Lookout (a real full disk where this machine can mount a tiny
 * tmpfs, else a data folder replaced by a file: see FailingDisk). A settings change is not
 * pretended: the switch goes back, a banner names the file and what to do, and it goes away by
 * itself once the disk has room again.
 */
let host: HostProc;
let disk: FailingDisk;

test.beforeAll(async () => {
  disk = await FailingDisk.create();
  host = await startHost({ dataDir: disk.dir });
});
test.afterAll(async () => {
  await host?.kill();
  await disk?.dispose();
});

test('a full disk: the change is refused and undone, a banner says why, and clears when saving works', async ({
  page,
}) => {
  await page.goto(host.url);
  const toDark = page.getByRole('button', { name: 'Switch to dark theme' });
  const toLight = page.getByRole('button', { name: 'Switch to light theme' });
  await expect(toDark.or(toLight)).toBeVisible({ timeout: 20_000 });
  const wasDark = await toLight.isVisible();

  await disk.fail();
  await (wasDark ? toLight : toDark).click();
  const banner = page
    .getByRole('alert')
    .filter({ hasText: 'Lookout cannot save application settings' });
  await expect(banner).toBeVisible({ timeout: 15_000 });
  await expect(banner).toContainText(`${disk.dir}/settings.json`);
  await expect(banner).toContainText(/disk is not full|writable/);
  // Not pretended: the theme switch is back where it was.
  await expect(wasDark ? toLight : toDark).toBeVisible();
  await page.screenshot({ path: test.info().outputPath(`full-disk-${disk.mode}.png`) });

  await disk.recover();
  await expect(banner).toHaveCount(0, { timeout: 20_000 });
  // Saving works again: the change now sticks.
  await (wasDark ? toLight : toDark).click();
  await expect(wasDark ? toDark : toLight).toBeVisible();
  await expect(page.getByRole('alert').filter({ hasText: 'Lookout cannot save' })).toHaveCount(0);
});
