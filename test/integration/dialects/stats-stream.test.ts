import { createClient } from '@redis/client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { statsStreamDialect } from '../../../electron/core/dialects/stats-stream';
import { type StatsStreamDouble, startStatsStreamDouble } from '../../peers/stats-stream-double';
import { RedisServer } from '../../support/redis-server';
import { waitFor } from '../../support/wait';
import { startSession } from './session-harness';

const cleanups: Array<() => Promise<void> | void> = [];
let redis: RedisServer;
let publisher: ReturnType<typeof createClient>;
let double: StatsStreamDouble;

beforeAll(async () => {
  redis = await RedisServer.start();
  publisher = createClient({ url: redis.url, socket: { reconnectStrategy: () => 100 } });
  publisher.on('error', () => {});
  await publisher.connect();
  double = await startStatsStreamDouble({ redisUrl: redis.url, tickMs: 50 });
});
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});
afterAll(async () => {
  await double.stop();
  publisher.destroy();
  await redis.stop();
});

describe('stats-stream end to end through the engine', () => {
  it('turns the stream into live stats and batches, flags zeros while Redis is down, survives a restart', async () => {
    await publisher.set('total_messages', '500');
    await publisher.set('total_batches', '10');
    const t = startSession(statsStreamDialect, { url: double.url }, {}, cleanups);
    await waitFor(() =>
      t.events.find((e) => e.kind === 'stats.update' && e.data.totalMessages === 500),
    );
    await publisher.publish(
      'batch_notifications',
      JSON.stringify({
        type: 'persisted',
        batch_id: 'deadbeef',
        batch_size: 50,
        ids: [1],
        timestamp: '2026-11-22T21:54:17.536670',
      }),
    );
    await waitFor(() => t.events.find((e) => e.kind === 'stats.batch'));

    await redis.stop();
    await waitFor(() => t.events.find((e) => e.kind === 'stats.update' && e.suspect === true));
    const probe = statsStreamDialect.probes[0];
    const res = await fetch(`${double.httpUrl}${probe?.path ?? ''}`);
    expect(probe?.interpret(res.status, await res.json()).status).toBe('degraded');
    expect(t.session.state).toBe('open');
    await redis.restart();

    const before = t.session.diagnostics().attempts.length;
    await double.restart();
    await waitFor(
      () => t.session.diagnostics().attempts.length > before && t.session.state === 'open',
      { timeoutMs: 10_000 },
    );
    const count = t.events.length;
    await waitFor(() => t.events.length > count + 2);
    expect(t.session.diagnostics().rejections).toEqual({});
  });
});
