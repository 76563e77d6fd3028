import { createClient } from '@redis/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisServer } from '../../support/redis-server';
import { sleep, waitFor } from '../../support/wait';
import { type SakuraDouble, startSakuraDouble } from '../../peers/sakura-double';
import { open } from '../../peers/ws-client';

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

async function numsub(channel: string): Promise<number> {
  const counts = await publisher.pubSubNumSub([channel]);
  return Number(counts[channel] ?? 0);
}

describe('sakura double after a Redis restart', () => {
  it('stays open and deaf (NUMSUB 0) while /health says redis connected, during and after', async () => {
    const c = await open(double.url);
    c.send({ action: 'subscribe', subscription_type: 'chat_updates' });
    await c.next((m) => m.type === 'subscribed');
    expect(await numsub('chat_updates')).toBe(1);
    await redis.stop();
    await waitFor(() => !double.streamAlive);
    // The flag is never cleared: /health cannot reveal the outage even while it lasts.
    expect(await (await fetch(`${double.httpUrl}/health`)).json()).toMatchObject({
      redis: 'connected',
    });
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
    expect(await numsub('chat_updates')).toBe(0);
    // Still answers its app ping: a pong is no proof of delivery.
    c.send({ action: 'ping' });
    await c.next((m) => m.type === 'pong');
    c.close();
  });
});
