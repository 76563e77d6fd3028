import { createClient } from '@redis/client';
import { afterEach, describe, expect, it } from 'vitest';
import { type SakuraDouble, startSakuraDouble } from '../../peers/sakura-double';
import { type TaskStatusDouble, startTaskStatusDouble } from '../../peers/task-status-double';
import { RedisServer } from '../../support/redis-server';
import { waitFor } from '../../support/wait';
import { startCore } from './core-harness';

/**
 * "Open but silent" (PROTOCOLS.md): after their Redis restarts, sakura and task-status keep the
 * socket open, answer pings and acks, and never deliver again. Driven through the real core
 * (sessions, dialects, the health monitor, the Redis probe) against the doubles, with a real
 * redis-server killed and restarted under them.
 */

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function redis(): Promise<RedisServer> {
  const server = await RedisServer.start();
  cleanups.push(() => server.stop());
  return server;
}

async function publisherFor(url: string) {
  const client = createClient({ url, socket: { reconnectStrategy: () => 100 } });
  client.on('error', () => {});
  await client.connect();
  cleanups.push(() => client.destroy());
  return client;
}

async function sakura(redisUrl: string, snapshotsMs: number): Promise<SakuraDouble> {
  const double = await startSakuraDouble({
    redisUrl,
    chatSnapshotMs: snapshotsMs,
    unreadSnapshotMs: 60_000,
  });
  cleanups.push(() => double.stop());
  return double;
}

/** Kill Redis under the services and bring it back on the same port. */
async function restartRedis(server: RedisServer, dead: () => boolean): Promise<void> {
  await server.stop();
  await waitFor(dead, { timeoutMs: 10_000, what: 'the service to lose its Redis listener' });
  await server.restart();
}

describe('a deaf sakura', () => {
  it('with a Redis probe: shown as deaf everywhere while its socket, pongs and snapshots look fine; recovers when restarted', async () => {
    const r = await redis();
    const publisher = await publisherFor(r.url);
    // Snapshots keep flowing while deaf (its database is up): data alone cannot reveal it.
    const double = await sakura(r.url, 200);
    const t = await startCore(
      [
        {
          id: 'chat',
          name: 'Chat',
          dialect: 'sakura',
          url: double.url,
          liveness: { pingIntervalMs: 300 },
          redisProbe: { url: r.url, intervalMs: 1_000 },
        },
      ],
      cleanups,
    );
    const healthy = await t.waitHealth(
      'chat',
      (h) => h.delivery.status === 'flowing' && h.delivery.redis?.status === 'subscribed',
      'flowing with its subscriptions verified',
    );
    expect(healthy.delivery.redis?.counts).toEqual({
      chat_updates: 1,
      unread_counts: 1,
      website_status: 1,
    });
    expect(t.core.trayModel()).toMatchObject({ health: 'ok' });

    await restartRedis(r, () => !double.streamAlive);
    const deaf = await t.waitHealth('chat', (h) => h.delivery.status === 'deaf', 'deaf');
    expect(deaf.state).toBe('open');
    expect(deaf.delivery.detail).toMatch(/chat_updates has 0 subscribers/);
    // Pongs and snapshots still arrive: the link looks alive, which is exactly the trap.
    const diag = (await t.core.invoke('connection:snapshot', {}))[0];
    expect(diag?.state).toBe('open');
    expect(diag?.rtt.samples).toBeGreaterThan(0);
    expect(Date.now() - (diag?.lastFrameAt ?? 0)).toBeLessThan(2_000);
    // A chat message published now is lost by the service, and Lookout says so.
    await waitFor(() => publisher.isReady, { timeoutMs: 10_000, what: 'publisher' });
    await publisher.publish('chat_updates', '{"type":"chat_updates","data":{"chat_id":"lost"}}');

    // The whole app shows it: the tray, the connection check step, the support bundle.
    const tray = t.core.trayModel();
    expect(tray.health).toBe('degraded');
    expect(tray.tooltip).toContain('1 deaf (restart the service)');
    const check = await t.core.invoke('diagnostics:check', { endpoint: 'chat' });
    const delivery = check.steps.find((s) => s.id === 'delivery');
    expect(delivery).toMatchObject({ status: 'failed' });
    expect(delivery?.detail).toMatch(/deaf: it lost its Redis subscription/);
    expect(delivery?.advice).toMatch(/Restart the service/);
    expect(check.summary).not.toMatch(/All checks passed/);
    const bundle = JSON.parse((await t.core.invoke('diagnostics:bundle', {})).json) as {
      health: Array<{ endpoint: string; delivery: { status: string } }>;
    };
    expect(bundle.health.find((h) => h.endpoint === 'chat')?.delivery.status).toBe('deaf');

    // Restarting the service (no close frame: 1006) cures it, and the app says so by itself.
    await double.restart();
    const cured = await t.waitHealth(
      'chat',
      (h) => h.state === 'open' && h.delivery.redis?.status === 'subscribed',
      'subscribed again after the service restart',
    );
    expect(cured.delivery.status).not.toBe('deaf');
    expect(cured.lastOutcome).toMatchObject({ closeCode: 1006 });
    expect(cured.recoveredAt).not.toBeNull();
    await waitFor(() => t.core.trayModel().health === 'ok', { what: 'tray back to ok' });
  });

  it('without a probe: quiet for longer than normal is "delivery unverified", never healthy, though pongs keep coming', async () => {
    const r = await redis();
    const double = await sakura(r.url, 60_000);
    double.setDatabaseUp(false);
    const t = await startCore(
      [
        {
          id: 'chat',
          name: 'Chat',
          dialect: 'sakura',
          url: double.url,
          // App pings every 200 ms: their pongs must not count as data.
          liveness: { pingIntervalMs: 200, quietAfterMs: 1_500 },
        },
      ],
      cleanups,
    );
    await t.waitHealth('chat', (h) => h.state === 'open', 'open');
    await restartRedis(r, () => !double.streamAlive);
    const quiet = await t.waitHealth(
      'chat',
      (h) => h.delivery.status === 'unverified',
      'delivery unverified',
    );
    expect(quiet.state).toBe('open');
    expect(quiet.delivery.lastDataAt).toBeNull();
    expect(quiet.delivery.detail).toMatch(/no Redis probe is configured/);
    const diag = (await t.core.invoke('connection:snapshot', {}))[0];
    expect(diag?.lastDataAt).toBeNull();
    expect(diag?.lastFrameAt).not.toBeNull();
    expect(diag?.rtt.samples).toBeGreaterThan(2);
    expect(t.core.trayModel().tooltip).toContain('1 delivery unverified');
    const check = await t.core.invoke('diagnostics:check', { endpoint: 'chat' });
    expect(check.ok).toBe(true);
    expect(check.steps.find((s) => s.id === 'delivery')?.status).toBe('warning');
    expect(check.summary).toMatch(/^Reachable and answering, but delivery is not proven/);
    expect(check.steps.find((s) => s.id === 'delivery')?.advice).toMatch(/Redis probe/);
  });
});

describe('a deaf task-status', () => {
  it('is deaf with a probe while a task is watched, and its quiet is normal when nothing runs', async () => {
    const r = await redis();
    const publisher = await publisherFor(r.url);
    const double: TaskStatusDouble = await startTaskStatusDouble({ redisUrl: r.url });
    cleanups.push(() => double.stop());
    const t = await startCore(
      [
        {
          id: 'jobs',
          name: 'Jobs',
          dialect: 'task-status',
          url: double.url,
          subscriptions: ['T1'],
          liveness: { quietAfterMs: 1_500 },
          redisProbe: { url: r.url, intervalMs: 1_000 },
        },
        {
          id: 'jobs-plain',
          name: 'Jobs without probe',
          dialect: 'task-status',
          url: double.url,
          subscriptions: ['T1'],
          liveness: { quietAfterMs: 1_500 },
        },
      ],
      cleanups,
    );
    await t.waitHealth('jobs', (h) => h.delivery.redis?.status === 'subscribed', 'probe ok');
    await waitFor(() => double.streamAlive);
    await publisher.publish(
      'task_status_updates',
      JSON.stringify({ task_id: 'T1', status: 'processing', progress: 40, message: 'halfway' }),
    );
    await t.waitHealth('jobs', (h) => h.delivery.status === 'flowing', 'flowing');
    await t.waitHealth('jobs-plain', (h) => h.delivery.status === 'flowing', 'flowing');

    await restartRedis(r, () => !double.streamAlive);
    const deaf = await t.waitHealth('jobs', (h) => h.delivery.status === 'deaf', 'deaf');
    expect(deaf.delivery.detail).toMatch(/task_status_updates has 0 subscribers/);
    // Without a probe the running task's silence is honestly unverified, never "healthy".
    const unverified = await t.waitHealth(
      'jobs-plain',
      (h) => h.delivery.status === 'unverified',
      'unverified',
    );
    expect(unverified.state).toBe('open');
    expect(t.core.trayModel().tooltip).toMatch(/1 deaf .*1 delivery unverified/);

    // A restarted service finishes the task: its silence is normal again (idle).
    await double.restart();
    await waitFor(() => double.streamAlive);
    await t.waitHealth(
      'jobs-plain',
      (h) => h.state === 'open' && h.recoveredAt !== null,
      'reconnected',
    );
    await waitFor(() => publisher.isReady, { timeoutMs: 10_000, what: 'publisher' });
    // Resubscribed on the new connection: publish until the update lands (no ack is proof).
    await waitFor(
      async () => {
        await publisher.publish(
          'task_status_updates',
          JSON.stringify({ task_id: 'T1', status: 'completed', progress: 100 }),
        );
        return t.health('jobs-plain')?.delivery.status === 'flowing';
      },
      { timeoutMs: 10_000, intervalMs: 200, what: 'the completed update' },
    );
    await t.waitHealth('jobs', (h) => h.delivery.status !== 'deaf', 'no longer deaf');
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    // Past the quiet window, but no task is running: silence is normal, not unverified.
    expect(t.health('jobs-plain')?.delivery.status).toBe('flowing');
    const diag = (await t.core.invoke('connection:snapshot', {})).find(
      (d) => d.endpoint === 'jobs-plain',
    );
    expect(diag?.channels.find((c) => c.name === 'T1')).toMatchObject({
      subscribed: true,
      acknowledged: true,
    });
  });
});

describe('the Redis probe configured from the app', () => {
  it('stores its password from Settings in the credential store and never shows it', async () => {
    const r = await redis();
    const double = await sakura(r.url, 200);
    const password = 'opaque-redis-pw-7f3a';
    const admin = await publisherFor(r.url);
    // Sakura's own connections authenticated before; new ones (the probe's) must AUTH.
    await admin.configSet('requirepass', password);
    const t = await startCore([], cleanups);
    const saved = await t.core.invoke('endpoints:save', {
      endpoint: {
        id: 'chat',
        name: 'Chat',
        dialect: 'sakura',
        url: double.url,
        redisProbe: { url: r.url, credentialRef: 'chat-redis', intervalMs: 1_000 },
      },
      redisSecret: password,
    });
    expect(saved).toEqual({ ok: true });
    const h = await t.waitHealth(
      'chat',
      (x) => x.delivery.redis?.status === 'subscribed',
      'the probe authenticated',
    );
    expect(h.delivery.redis?.counts.chat_updates).toBe(1);
    const bundle = (await t.core.invoke('diagnostics:bundle', {})).json;
    expect(bundle).toContain('chat-redis');
    expect(bundle).not.toContain(password);
    expect(JSON.stringify(t.pushes)).not.toContain(password);
  });
});
