import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startBrowserHost, type BrowserHost } from '../../../electron/browser-host/browser-host';
import { createGateway, DEMO_PASSWORD, DEMO_USERS, type Gateway } from '../../../gateway/src';
import type { PushChannel } from '../../../shared/ipc/contract';
import { startTsChild } from '../../support/child-process';
import { DesktopSession } from '../../support/desktop-session';
import { freePort } from '../../support/free-port';
import { sleep, waitFor } from '../../support/wait';

/**
 * A super admin's day with notifications on, on a real desktop: the browser host (its own D-Bus
 * notifier, no double) → dunst on a private bus under Xvfb, fed by the demo gateway's traffic.
 * The demo runs 10× faster (a 50 ms tick) and the budget window is 6 s instead of a minute, so
 * 12 s here are two minutes of the demo as a user lives them.
 */

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

const PASSWORD = 'working-day-demo-password';
const admin = DEMO_USERS.find((u) => u.role === 'super_admin') ?? DEMO_USERS[0]!;

async function demoGateway(): Promise<{ gateway: Gateway; wsUrl: string; url: string }> {
  const gateway = createGateway({
    demo: true,
    demoPassword: PASSWORD,
    demoTickMs: 50,
    host: '127.0.0.1',
    port: 0,
    prometheus: false,
  });
  const address = await gateway.start();
  return { gateway, wsUrl: address.wsUrl, url: address.url };
}

async function desktop(): Promise<DesktopSession> {
  const session = await DesktopSession.start();
  cleanups.push(() => session.stop());
  cleanups.push(session.becomeSessionBus());
  return session;
}

async function host(wsUrl: string, url: string, password = PASSWORD): Promise<BrowserHost> {
  const dir = await mkdtemp(join(tmpdir(), 'lookout-working-day-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>Lookout</title>');
  const h = await startBrowserHost({
    rendererDir: dir,
    dataDir: join(dir, 'data'),
    embedded: false,
  });
  cleanups.push(() => h.stop());
  expect(
    await h.core.invoke('endpoints:save', {
      endpoint: {
        id: 'demo',
        name: 'Demo gateway',
        dialect: 'lookout',
        url: wsUrl,
        auth: {
          method: 'password-jwt',
          username: admin.username,
          credentialRef: 'demo',
          loginUrl: `${url}/auth/login`,
        },
        subscriptions: ['dashboard', `tasks:${admin.username}`, `notifications:${admin.username}`],
      },
      secret: password,
    }),
  ).toEqual({ ok: true });
  await waitFor(
    async () =>
      (await h.core.invoke('connection:snapshot', {}))[0]?.channels.filter((c) => c.acknowledged)
        .length === 3,
    { timeoutMs: 15_000, what: 'three acknowledged subscriptions' },
  );
  return h;
}

/** dunst keeps its whole history: what reached it since the last call (newest first). */
function newSince(session: DesktopSession) {
  let seen = 0;
  return async () => {
    const all = await session.details();
    const fresh = all.slice(0, all.length - seen);
    seen = all.length;
    return fresh;
  };
}

async function setPrefs(h: BrowserHost, change: Record<string, unknown>): Promise<void> {
  const { prefs } = await h.core.invoke('app:initial-state', {});
  await h.core.invoke('prefs:set', { prefs: { ...prefs, ...change } });
}

describe.runIf(process.platform === 'linux')('a working day of notifications on dunst', () => {
  it('keeps two minutes of demo traffic within the budget, lets one critical through a pause, shows a leading - as text, and opens the item on a click', async () => {
    const session = await desktop();
    const { gateway, wsUrl, url } = await demoGateway();
    cleanups.push(() => gateway.stop());
    const h = await host(wsUrl, url);
    await setPrefs(h, { budget: { max: 4, windowMs: 6_000 } });
    const fresh = newSince(session);
    await fresh(); // start counting from here

    // Two demo minutes (12 s at 10×).
    const started = Date.now();
    await sleep(12_000);
    const elapsed = Date.now() - started;
    const shown = await fresh();
    const bell = (await h.core.invoke('app:initial-state', {})).app.notifications.length;
    const criticals = shown.filter((n) => n.urgency === 'critical').length;
    const windows = Math.ceil(elapsed / 6_000) + 1;
    // Budget per window, plus one summary per endpoint per window; critical alerts bypass it.
    const bound = windows * (4 + 1) + criticals;
    console.log(
      `working day: ${bell} events in the bell, ${shown.length} notifications (${criticals} critical) in ${elapsed} ms; bound ${bound}`,
    );
    expect(bell).toBeGreaterThan(60);
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.length - criticals).toBeLessThanOrEqual(windows * (4 + 1));
    expect(shown.length).toBeLessThanOrEqual(bound);
    // Routine updates stayed in the bell; a summary said how much came from where.
    expect(shown.map((n) => n.summary)).not.toContain('Business updated');
    expect(shown.some((n) => /new (businesses|reservations)|tasks failed/.test(n.summary))).toBe(
      true,
    );
    for (const n of shown) expect(n.body.startsWith('Demo gateway')).toBe(true);
    gateway.demo?.stop();

    // Paused: a warning stays in the bell, one critical alert (titled like an option) gets through.
    const pushes: Array<{ channel: PushChannel; payload: unknown }> = [];
    h.core.onPush((channel, payload) => pushes.push({ channel, payload }));
    h.core.send('notifications:pause', { until: Date.now() + 3_600_000 });
    await waitFor(async () => (await h.core.invoke('app:initial-state', {})).prefs.pausedUntil, {
      what: 'the pause to be saved',
    });
    await sleep(500); // let the demo's last events land before counting
    await fresh();
    await gateway.publish('dashboard', {
      kind: 'alert',
      severity: 'warning',
      title: 'Queue slow',
      body: 'held by the pause',
    });
    await gateway.publish('dashboard', {
      kind: 'alert',
      severity: 'critical',
      title: '--dry-run',
      body: '-u low',
      link: 'businesses/1',
    });
    await waitFor(
      async () =>
        (await h.core.invoke('app:initial-state', {})).app.notifications.some(
          (n) => n.title === 'Queue slow',
        ),
      { what: 'the warning in the bell' },
    );
    // The critical one is on screen (not yet in history): click it, as a user would.
    await waitFor(async () => (await session.dunstctl(['count', 'displayed'])).trim() === '1', {
      timeoutMs: 10_000,
      what: 'one notification on screen',
    });
    await session.dunstctl(['action', '0']);
    const navigate = await waitFor(
      () => pushes.find((p) => p.channel === 'app:navigate')?.payload,
      { timeoutMs: 10_000, what: 'the click to reach the app' },
    );
    expect(navigate).toEqual({ link: 'businesses/1' });
    const paused = await fresh();
    expect(paused.map((n) => [n.summary, n.body, n.urgency])).toEqual([
      ['--dry-run', 'Demo gateway — -u low', 'critical'],
    ]);
  });

  it('raises one notification when its gateway process is killed (-9) and stays down past the threshold, and one when it is back', async () => {
    const session = await desktop();
    // A real gateway process, as a user runs it (`npm run gateway -- --demo`), ended by SIGKILL.
    const port = await freePort();
    const gatewayProcess = () => {
      const child = startTsChild(
        'gateway/src/cli.ts',
        ['--demo', '--port', String(port), '--host', '127.0.0.1'],
        { env: { REDIS_URL: '' } },
      );
      cleanups.push(() => child.kill());
      return child;
    };
    const first = gatewayProcess();
    await first.waitOutput(/Lookout gateway \S+ on ws:/, 30_000);
    const url = `http://127.0.0.1:${port}`;
    const h = await host(`ws://127.0.0.1:${port}/ws`, url, DEMO_PASSWORD);
    await setPrefs(h, { incidents: { enabled: true, afterMs: 2_000 } });
    // The demo's own traffic notifies too: only this endpoint's incident notifications count here.
    const incident = /^Demo gateway is (down|back)$/;
    const fresh = newSince(session);
    const incidents = async () => (await fresh()).filter((n) => incident.test(n.summary));
    await fresh();

    await first.kill();
    const [down] = await waitFor(
      async () => {
        const h1 = await incidents();
        return h1.length > 0 ? h1 : null;
      },
      { timeoutMs: 15_000, what: 'the incident notification' },
    );
    expect(down).toMatchObject({ summary: 'Demo gateway is down', urgency: 'normal' });
    expect(down?.body).toMatch(/^Demo gateway — Not connected for \d+ s/);
    await sleep(3_000); // still down: no second notification for the same incident
    expect(await incidents()).toEqual([]);

    await gatewayProcess().waitOutput(/Lookout gateway \S+ on ws:/, 30_000);
    const after: Awaited<ReturnType<DesktopSession['details']>> = [];
    await waitFor(
      async () => {
        after.push(...(await incidents()));
        return after.some((n) => n.summary === 'Demo gateway is back');
      },
      { timeoutMs: 30_000, intervalMs: 200, what: 'the recovery notification' },
    );
    // Nothing more about the same incident in between: one down, one back.
    expect(after.map((n) => n.summary)).toEqual(['Demo gateway is back']);
    expect(after[0]?.body).toMatch(/^Demo gateway — Working again after \d+ s\.$/);
  });
});
