import { expect, test, type Page } from '@playwright/test';
import { startHost, startPeer, type HostProc, type PeerProc } from '../support/processes';

/**
 * Connection health that never lies, as a support person sees it: a sign-in dialog that refuses a
 * wrong password in place, Settings that show what the server verified, and banners that change
 * from pushes while the Diagnostics view was never opened (a deaf chat service after its Redis
 * restarted, a sign-out).
 */
let host: HostProc;
let sakura: PeerProc;
let django: PeerProc;

test.beforeAll(async () => {
  [sakura, django] = await Promise.all([startPeer('sakura'), startPeer('django')]);
  const api = django.info.apiUrl ?? '';
  host = await startHost({
    endpoints: [
      {
        id: 'chat',
        name: 'Chat',
        dialect: 'sakura',
        url: sakura.info.url,
        redisProbe: { url: sakura.info.redisUrl, intervalMs: 1_000 },
        backoff: { minMs: 200, maxMs: 1_000, factor: 2, stableAfterMs: 2_000 },
      },
      {
        id: 'admin',
        name: 'Reservations admin',
        dialect: 'django-channels',
        url: django.info.url,
        auth: {
          method: 'django-session',
          username: 'admin@example.test',
          credentialRef: 'django-admin',
          loginUrl: `${api}/admin/login/`,
        },
        backoff: { minMs: 200, maxMs: 1_000, factor: 2, stableAfterMs: 2_000 },
      },
    ],
  });
});
test.afterAll(async () => {
  await host?.kill();
  await sakura?.kill();
  await django?.kill();
});

function endpointRow(page: Page, name: string) {
  return page.locator('li.endpoint').filter({ hasText: name });
}

test('the sign-in dialog refuses a wrong password in place; Settings show the verified state', async ({
  page,
}) => {
  await page.goto(host.url);
  const banner = page.getByRole('alert').filter({ hasText: 'Reservations admin' });
  await expect(banner).toContainText('needs you to sign in');
  await expect(banner).toContainText(/No password is stored/);

  // Settings before: verified states, and no password dialog for an endpoint without auth.
  await page.getByRole('link', { name: 'Settings', exact: true }).click();
  await expect(endpointRow(page, 'Reservations admin')).toContainText('Not signed in');
  await expect(endpointRow(page, 'Chat')).toContainText('No sign-in needed');
  await expect(endpointRow(page, 'Chat').getByRole('button', { name: 'Sign in' })).toHaveCount(0);

  await endpointRow(page, 'Reservations admin').getByRole('button', { name: 'Sign in' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Password').fill('not-the-password');
  await dialog.getByRole('button', { name: 'Sign in', exact: true }).click();
  // Refused in place: the dialog stays open and says what the server said.
  await expect(dialog.getByRole('alert')).toContainText(
    /was refused: check the email and password/,
  );
  await expect(dialog).toBeVisible();
  await expect(endpointRow(page, 'Reservations admin')).toContainText('Not signed in');
  await page.screenshot({ path: test.info().outputPath('sign-in-refused.png') });

  // Keyboard only: type the right password and press Enter.
  await dialog.getByLabel('Password').fill('admin-pass');
  await dialog.getByLabel('Password').press('Enter');
  await expect(dialog).toBeHidden({ timeout: 20_000 });
  const row = endpointRow(page, 'Reservations admin');
  await expect(row).toContainText('Signed in');
  await expect(row).toContainText('verified');
  await expect(row.getByRole('button', { name: 'Sign out' })).toBeVisible();
  await expect(page.getByRole('alert').filter({ hasText: 'Reservations admin' })).toHaveCount(0);
  await page.screenshot({ path: test.info().outputPath('settings-verified.png') });

  // Signing out is pushed to the banner on the dashboard at once, with today's reason.
  await row.getByRole('button', { name: 'Sign out' }).click();
  await expect(row).toContainText('Not signed in');
  await page.getByRole('link', { name: 'Dashboard', exact: true }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Reservations admin' })).toContainText(
    /No password is stored/,
  );
});

test('a deaf service is shown by a banner and the header while Diagnostics was never opened, and clears when it is restarted', async ({
  page,
}) => {
  await page.goto(`${host.url}#/dashboard`);
  const pill = page.getByTestId('connection-pill');
  // The admin endpoint was signed out by the previous test: only the chat endpoint is healthy.
  await expect(pill).toContainText('1 of 2 healthy', { timeout: 20_000 });
  await expect(page.getByRole('alert').filter({ hasText: 'Chat' })).toHaveCount(0);

  await sakura.command('restart-redis');
  const deaf = page.getByRole('alert').filter({ hasText: 'Chat is deaf' });
  await expect(deaf).toContainText('deaf: the service lost its Redis subscription; restart it', {
    timeout: 20_000,
  });
  await expect(deaf).toContainText(/chat_updates has 0 subscribers/);
  await expect(pill).toContainText('1 deaf');
  await page.screenshot({ path: test.info().outputPath('deaf-banner.png') });
  // The same words in light and dark themes: the banner stays readable in both.
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: test.info().outputPath('deaf-banner-dark.png') });
  await page.emulateMedia({ colorScheme: 'light' });

  await sakura.command('restart-peer');
  await expect(deaf).toHaveCount(0, { timeout: 20_000 });
  await expect(pill).not.toContainText('deaf');
});
