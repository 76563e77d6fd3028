import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../support/wait';
import { Fixtures } from '../../support/gateway-fixtures';
import { connect, http } from '../../support/ws-test-client';

const fx = new Fixtures();
afterEach(() => fx.cleanup());

describe('demo mode', () => {
  it('lets the demo admin in and produces events on every channel', async () => {
    const { gateway, address } = await fx.gateway({ demo: true });
    const login = await http(address.url, 'POST', '/auth/login', {
      username: 'admin@lookout.local',
      password: 'lookout-demo',
    });
    expect(login.status).toBe(200);
    const c = fx.track(await connect(address.wsUrl, String(login.body.access)));
    for (const ch of [
      'dashboard',
      'stats',
      'tasks:admin@lookout.local',
      'notifications:admin@lookout.local',
    ]) {
      // since 0 replays everything published before we subscribed.
      expect(await c.subscribe(ch, 0)).toMatchObject({ type: 'subscribed' });
    }
    const kinds = await waitFor(
      () => {
        const seen = new Set(c.of('event').map((e) => `${String(e.channel)}|${String(e.kind)}`));
        const has = (ch: string, kind?: string) =>
          [...seen].some((s) => s.startsWith(`${ch}|`) && (!kind || s.endsWith(`|${kind}`)));
        return has('stats', 'stats.update') &&
          has('dashboard', 'business.created') &&
          has('tasks:admin@lookout.local') &&
          has('notifications:admin@lookout.local', 'alert')
          ? seen
          : null;
      },
      { timeoutMs: 10_000, what: 'demo events on every channel' },
    );
    expect(kinds.size).toBeGreaterThan(3);
    // One alert, one origin: the dashboard copy and the personal one name the same occurrence.
    const personal = c.of('event', 'notifications:admin@lookout.local')[0];
    const onDashboard = c.of('event', 'dashboard').find((e) => e.origin === personal?.origin);
    expect(personal?.origin).toMatch(/^o-/);
    expect(onDashboard).toMatchObject({ kind: 'alert', body: personal?.body });
    // A task's steps go to its owner's list and its own channel as one occurrence too.
    const step = c.of('event', 'tasks:admin@lookout.local')[0];
    expect(step?.origin).toMatch(/^o-/);
    const stats = c.of('event', 'stats')[0];
    expect(Object.keys(stats?.data as object)).toEqual(
      expect.arrayContaining([
        'totalMessages',
        'queueDepth',
        'messagesPerSecond',
        'batchProgressPercent',
      ]),
    );
    gateway.demo?.stop();
    expect(gateway.demo?.running).toBe(false);
  });
});
