import { afterEach, describe, expect, it } from 'vitest';
import { startStatsStreamDouble } from '../../peers/stats-stream-double';
import { startTaskEventsDouble, taskCloudEvent } from '../../peers/task-events-double';
import { RedisServer } from '../../support/redis-server';
import { sleep, waitFor } from '../../support/wait';
import { startCore } from './core-harness';

/**
 * What silence means differs per backend (PROTOCOLS.md): task-events may be silent for hours and
 * that is normal; stats-stream never is, and while its Redis is down it keeps sending all zeros
 * (which look like an idle system) with `/health` answering 503. Through the real core.
 */

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

describe('silence and a degraded backend', () => {
  it('task-events: silence is normal (healthy), yet the check never claims delivery it did not see', async () => {
    const double = await startTaskEventsDouble();
    cleanups.push(() => double.stop());
    const t = await startCore(
      [
        {
          id: 'tasks',
          name: 'My tasks',
          dialect: 'task-events',
          url: double.url,
          params: { userId: 'u-7' },
          liveness: { pingIntervalMs: 200 },
        },
      ],
      cleanups,
    );
    const quiet = await t.waitHealth('tasks', (h) => h.state === 'open', 'open');
    expect(quiet.delivery.status).toBe('quiet');
    await sleep(500);
    expect(t.health('tasks')?.delivery.status).toBe('quiet');
    expect(t.core.trayModel()).toMatchObject({ health: 'ok' });
    const check = await t.core.invoke('diagnostics:check', { endpoint: 'tasks' });
    expect(check.steps.find((s) => s.id === 'delivery')).toMatchObject({ status: 'warning' });
    expect(check.steps.find((s) => s.id === 'delivery')?.detail).toMatch(
      /silence is normal for this backend, so delivery is not proven/,
    );
    expect(check.summary).not.toMatch(/All checks passed/);

    await fetch(`${double.httpUrl}/task-updates`, {
      method: 'POST',
      headers: { 'content-type': 'application/cloudevents+json' },
      body: taskCloudEvent({
        event_type: 'task.created',
        user_id: 'u-7',
        task_id: 't-1',
        title: 'Write report',
      }),
    });
    await t.waitHealth('tasks', (h) => h.delivery.status === 'flowing', 'flowing');
  });

  it('stats-stream: zeros while its Redis is down are "backend degraded" everywhere, then it recovers', async () => {
    const redis = await RedisServer.start();
    cleanups.push(() => redis.stop());
    const double = await startStatsStreamDouble({ redisUrl: redis.url, tickMs: 100 });
    cleanups.push(() => double.stop());
    const t = await startCore(
      [{ id: 'stats', name: 'Ingestion', dialect: 'stats-stream', url: double.url }],
      cleanups,
    );
    await t.waitHealth('stats', (h) => h.delivery.status === 'flowing', 'flowing');
    await redis.stop();
    const degraded = await t.waitHealth(
      'stats',
      (h) => h.delivery.status === 'degraded',
      'degraded',
      15_000,
    );
    expect(degraded.state).toBe('open');
    expect(degraded.delivery.detail).toMatch(/Redis is unreachable/);
    expect(t.core.trayModel().tooltip).toContain('1 backend degraded');
    // The zeros reach the model marked as not real.
    await waitFor(
      async () =>
        (await t.core.invoke('app:initial-state', {})).app.endpoints.stats?.stats?.degraded ===
        true,
      { what: 'degraded samples in the model' },
    );
    await redis.restart();
    // Real figures come back once its Redis is back (any non-zero sample clears it).
    const { createClient } = await import('@redis/client');
    const client = createClient({ url: redis.url });
    client.on('error', () => {});
    await client.connect();
    cleanups.push(() => client.destroy());
    await client.set('total_messages', '12');
    await t.waitHealth('stats', (h) => h.delivery.status === 'flowing', 'flowing again', 15_000);
    expect(t.core.trayModel().health).toBe('ok');
  });
});
