import { createClient } from '@redis/client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RedisServer } from '../../support/redis-server';
import { waitFor } from '../../support/wait';
import { type StatsStreamDouble, startStatsStreamDouble } from '../../peers/stats-stream-double';
import { type TestClient, dial, open } from '../../peers/ws-client';

// Its own redis-server: the test stops and restarts it.
const prefix = `stats-conf-${process.pid}:`;
let redis: RedisServer;
let publisher: ReturnType<typeof createClient>;
let double: StatsStreamDouble;
const clients: TestClient[] = [];

beforeAll(async () => {
  redis = await RedisServer.start();
  publisher = createClient({ url: redis.url, socket: { reconnectStrategy: () => 100 } });
  publisher.on('error', () => {});
  await publisher.connect();
  double = await startStatsStreamDouble({ redisUrl: redis.url, redisPrefix: prefix, tickMs: 50 });
});
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});
afterAll(async () => {
  await double.stop();
  publisher.destroy();
  await redis.stop();
});

async function client(): Promise<TestClient> {
  const c = await open(double.url);
  clients.push(c);
  return c;
}

type Stats = Record<string, number>;

describe('stats-stream double conforms to PROTOCOLS.md §2', () => {
  it('sends stats at once and on every tick, from Redis keys, in the built shape', async () => {
    await publisher.set(`${prefix}total_messages`, '100');
    await publisher.set(`${prefix}total_batches`, '2');
    await publisher.set(`${prefix}current_rps`, '45.67');
    await publisher.set(`${prefix}worker_buffer_size`, '5');
    await publisher.lPush(`${prefix}pending_messages`, ['a', 'b']);
    const c = await client();
    const first = await c.next<Stats>((m) => m.type === 'stats_update');
    expect(Object.keys(first).sort()).toEqual(
      [
        'type',
        'total_messages',
        'queue_depth',
        'messages_per_second',
        'total_batches',
        'avg_batch_size',
        'batch_threshold',
        'batch_progress',
        'batch_progress_percent',
        'batches_ready',
      ].sort(),
    );
    expect(first).toMatchObject({
      total_messages: 100,
      total_batches: 2,
      queue_depth: 7,
      // int(float(current_rps)): truncated, never rounded.
      messages_per_second: 45,
      avg_batch_size: 50,
      batch_threshold: 50,
    });
    await waitFor(() => c.texts.length >= 3);
    expect(await dial(`ws://127.0.0.1:${double.port}/ws/other`)).toEqual({
      ok: false,
      status: 403,
    });
  });

  it('never reads the socket: garbage changes nothing', async () => {
    const c = await client();
    c.send('not json');
    c.send('[1]');
    await waitFor(() => c.texts.length >= 4);
    expect(c.closed).toBeNull();
  });

  it('spreads a burst of batch notifications over ticks, dropping other types', async () => {
    const c = await client();
    await c.next((m) => m.type === 'stats_update');
    for (let i = 0; i < 3; i++) {
      await publisher.publish(
        `${prefix}batch_notifications`,
        JSON.stringify({
          type: 'persisted',
          batch_id: `0000000${i}`,
          batch_size: 50,
          ids: [i],
          timestamp: '2026-11-22T21:54:17.536670',
        }),
      );
    }
    await publisher.publish(
      `${prefix}batch_notifications`,
      JSON.stringify({ type: 'started', batch_id: 'x' }),
    );
    await waitFor(() => c.texts.filter((t) => t.includes('batch_persisted')).length === 3);
    const kinds = c.messages.map((m) => (m as { type: string }).type);
    // Between two batch_persisted there is always a stats_update: at most one per tick.
    for (let i = 1; i < kinds.length; i++) {
      expect(kinds[i] === 'batch_persisted' && kinds[i - 1] === 'batch_persisted').toBe(false);
    }
    const batch = await c.next((m) => m.type === 'batch_persisted');
    expect(batch).toEqual({
      type: 'batch_persisted',
      ids: [0],
      batch_id: '00000000',
      batch_size: 50,
      worker_timestamp: '2026-11-22T21:54:17.536670',
    });
  });

  it('sends all zeros and answers /health 503 while Redis is down, then recovers', async () => {
    const healthy = await fetch(`${double.httpUrl}/health`);
    expect(healthy.status).toBe(200);
    expect(await healthy.json()).toMatchObject({ status: 'healthy', redis: 'connected' });
    const c = await client();
    await redis.stop();
    const zeros = await c.next<Stats>(
      (m) => m.type === 'stats_update' && m.total_messages === 0 && m.batch_threshold === 50,
    );
    expect(zeros).toMatchObject({ queue_depth: 0, avg_batch_size: 0, batch_progress_percent: 0 });
    const down = await fetch(`${double.httpUrl}/health`);
    expect(down.status).toBe(503);
    expect(await down.json()).toHaveProperty('detail');
    await redis.restart();
    await publisher.set(`${prefix}total_messages`, '7');
    await waitFor(async () => (await fetch(`${double.httpUrl}/health`)).status === 200, {
      timeoutMs: 10_000,
    });
    await c.next((m) => m.type === 'stats_update' && m.total_messages === 7, 10_000);
  });

  it('takes messages over HTTP', async () => {
    const ok = await fetch(`${double.httpUrl}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user_id: 1, channel_id: 1, content: 'hi' }),
    });
    expect(ok.status).toBe(201);
    const bad = await fetch(`${double.httpUrl}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user_id: 1, channel_id: 1, content: '' }),
    });
    expect(bad.status).toBe(422);
    const userZero = await fetch(`${double.httpUrl}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user_id: 0, channel_id: 1, content: 'hi' }),
    });
    expect(userZero.status).toBe(422);
    const sim = await fetch(`${double.httpUrl}/simulate`, {
      method: 'POST',
      body: JSON.stringify({ count: 3 }),
    });
    expect(sim.status).toBe(202);
  });
});
