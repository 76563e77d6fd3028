import { createClient } from '@redis/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisServer } from '../support/redis-server';
import { sleep, waitFor } from '../support/wait';
import { type SakuraDouble, startSakuraDouble } from './sakura-double';
import { open } from './ws-client';

// Its own redis-server: the test kills and restarts it.
let redis: RedisServer;
let publisher: ReturnType<typeof createClient>;
let double: SakuraDouble;

beforeAll(async () => {
  redis = await RedisServer.start();
  publisher = createClient({ url: redis.url, socket: { reconnectStrategy: () => 100 } });
  publisher.on('error', () => {});
  await publisher.connect();
  double = await startSakuraDouble({
    redisUrl: redis.url,
    chatSnapshotMs: 60_000,
    unreadSnapshotMs: 60_000,
  });
});
afterAll(async () => {
  await double.stop();
  publisher.destroy();
  await redis.stop();
});

describe('sakura double after a Redis restart', () => {
  it('stays open and silent while /health says redis connected', async () => {
    const c = await open(double.url);
    c.send({ action: 'subscribe', subscription_type: 'chat_updates' });
    await c.next((m) => m.type === 'subscribed');
    await redis.stop();
    await waitFor(() => !double.streamAlive);
    await redis.restart();
    await waitFor(
      async () =>
        ((await (await fetch(`${double.httpUrl}/health`)).json()) as { redis: string }).redis ===
        'connected',
      {
        timeoutMs: 10_000,
      },
    );
    await waitFor(() => publisher.isReady, { timeoutMs: 10_000 });
    await publisher.publish('chat_updates', '{"type":"chat_updates","data":{"chat_id":"lost"}}');
    await sleep(200);
    expect(c.closed).toBeNull();
    expect(c.texts.some((t) => t.includes('lost'))).toBe(false);
    c.close();
  });
});
