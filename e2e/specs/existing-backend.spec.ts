import { expect, test } from '@playwright/test';
import { startHost, startPeer, type HostProc, type Proc } from '../support/processes';

/** A super admin on the Django dashboard backend (a faithful double of it), plus a misconfigured endpoint. */
let host: HostProc;
let django: Proc & { info: Record<string, string> };

test.beforeAll(async () => {
  django = await startPeer('django');
  const api = django.info.apiUrl ?? '';
  host = await startHost({
    endpoints: [
      {
        id: 'django',
        name: 'Reservations admin',
        dialect: 'django-channels',
        url: django.info.url,
        auth: {
          method: 'django-session',
          username: 'admin@example.test',
          credentialRef: 'django-admin',
          loginUrl: `${api}/admin/login/`,
        },
      },
      {
        id: 'django-foreign',
        name: 'Wrong origin',
        dialect: 'django-channels',
        url: django.info.url,
        headers: { Origin: 'http://evil.example' },
      },
    ],
  });
});
test.afterAll(async () => {
  await host?.kill();
  await django?.kill();
});

test('signs in with the Django session, shows a business created on the backend, and explains a 403', async ({
  page,
  request,
}) => {
  await page.goto(host.url);
  // The endpoint with a foreign Origin is refused on the handshake: shown as a config / sign-in problem.
  const refused = page.getByRole('alert').filter({ hasText: 'Wrong origin' });
  await expect(refused).toContainText('403');
  await expect(refused).toContainText(/Origin/);

  const admin = page.getByRole('alert').filter({ hasText: 'Reservations admin' });
  await admin.getByRole('button', { name: 'Sign in' }).click();
  await page.getByLabel(/password|token/i).fill('admin-pass');
  await page.getByRole('button', { name: 'Sign in', exact: true }).last().click();
  await expect(admin).toHaveCount(0, { timeout: 20_000 });
  // The backend pushes only to connected dashboards (no replay): wait until ours is open.
  await page.getByRole('link', { name: 'Diagnostics', exact: true }).click();
  const row = page.locator('table tr').filter({ hasText: 'Reservations admin' });
  await expect(row).toContainText('Connected', { timeout: 20_000 });

  // Create a business through the backend's own API, as an admin would elsewhere.
  const api = django.info.apiUrl ?? '';
  const login = await request.post(`${api}/api/auth/login/`, {
    data: { email: 'admin@example.test', password: 'admin-pass' },
  });
  const { access } = (await login.json()) as { access: string };
  const created = await request.post(`${api}/api/businesses/`, {
    headers: { Authorization: `Bearer ${access}` },
    data: {
      name: 'Blue Fern Bistro',
      subdomain: 'bluefern',
      email: 'hello@bluefern.test',
      email_from_name: 'Blue Fern',
      owner_email: 'owner@bluefern.test',
      owner_password: 'x-pass-123',
      owner_first_name: 'Ada',
      owner_last_name: 'Fern',
    },
  });
  expect(created.status()).toBe(201);
  await page.getByRole('link', { name: 'Businesses', exact: true }).click();
  await expect(page.getByText('Blue Fern Bistro').first()).toBeVisible({ timeout: 20_000 });
  await page.screenshot({ path: test.info().outputPath('django-business.png') });
});
