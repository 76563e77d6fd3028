import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startBrowserHost } from '../../../electron/browser-host/browser-host';
import { createGateway, hashPassword } from '../../../gateway/src';
import { DesktopSession } from '../../support/desktop-session';
import { waitFor } from '../../support/wait';

/**
 * The browser host as a Linux user runs it (its own notifier, no test double), on a private
 * desktop with dunst: a backend sends a critical alert titled `--version`, and the desktop shows
 * exactly that title. (With notify-send underneath, `--version` was read as an option: the alert
 * was traced "delivered" and never shown.)
 */

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

describe.runIf(process.platform === 'linux')('the browser host on a Linux desktop', () => {
  it('shows a critical alert titled --version as its title, with critical urgency; its "Mark read" button marks it read', async () => {
    const session = await DesktopSession.start();
    cleanups.push(() => session.stop());
    // The host reads the desktop session from its environment, as it would in a real login.
    cleanups.push(session.becomeSessionBus());

    const password = 'alerts-test-password';
    const gateway = createGateway({
      port: 0,
      secret: 'browser-host-notifications-test-secret-0123456789',
      users: [
        {
          username: 'ops@acme.test',
          sub: 'ops@acme.test',
          role: 'super_admin',
          passwordHash: await hashPassword(password),
        },
      ],
    });
    const address = await gateway.start();
    cleanups.push(() => gateway.stop());

    const dir = await mkdtemp(join(tmpdir(), 'lookout-host-notify-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    await writeFile(join(dir, 'index.html'), '<!doctype html><title>Lookout</title>');
    const host = await startBrowserHost({
      rendererDir: dir,
      dataDir: join(dir, 'data'),
      embedded: false,
    });
    cleanups.push(() => host.stop());
    expect(
      await host.core.invoke('endpoints:save', {
        endpoint: {
          id: 'gw',
          name: 'Gateway',
          dialect: 'lookout',
          url: address.wsUrl,
          auth: {
            method: 'password-jwt',
            username: 'ops@acme.test',
            credentialRef: 'gw',
            loginUrl: `${address.url}/auth/login`,
          },
          subscriptions: ['dashboard'],
        },
        secret: password,
      }),
    ).toEqual({ ok: true });
    expect((await host.core.invoke('app:initial-state', {})).notificationHealth.notifier).toBe(
      'dbus/org.freedesktop.Notifications',
    );
    await waitFor(
      async () =>
        (await host.core.invoke('connection:snapshot', {}))[0]?.channels.some(
          (c) => c.acknowledged,
        ),
      { timeoutMs: 15_000, what: 'the dashboard subscription' },
    );

    await gateway.publish('dashboard', {
      kind: 'alert',
      severity: 'critical',
      title: '--version',
      body: '-u low --app-name=spoof',
    });
    const shown = await waitFor(
      async () => (await session.details()).find((n) => n.summary === '--version'),
      { timeoutMs: 15_000, what: 'the alert on the desktop' },
    );
    expect(shown).toMatchObject({
      summary: '--version',
      body: 'Gateway — -u low --app-name=spoof',
      appname: 'Lookout',
      urgency: 'critical',
    });
    const trace = await host.core.invoke('notifications:trace', {});
    expect(trace.counters.failed ?? 0).toBe(0);

    // Its "Mark read" button, picked from dunst's menu as a user would, marks it read in the bell.
    await gateway.publish('dashboard', {
      kind: 'alert',
      severity: 'critical',
      title: 'Disk full',
      body: 'db-1 at 100 %',
    });
    await waitFor(async () => (await session.dunstctl(['count', 'displayed'])).trim() === '1', {
      timeoutMs: 15_000,
      what: 'the second alert on screen',
    });
    const bellItem = async () =>
      (await host.core.invoke('app:initial-state', {})).app.notifications.find(
        (n) => n.title === 'Disk full',
      );
    expect((await bellItem())?.read).toBe(false);
    await session.pickButton('Mark read');
    await waitFor(async () => (await bellItem())?.read === true, {
      timeoutMs: 10_000,
      what: '"Mark read" to reach the bell',
    });
    expect((await bellItem())?.read).toBe(true);
  });
});
