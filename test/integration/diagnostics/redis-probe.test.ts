import { createClient } from '@redis/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisProbeSchema } from '../../../shared/config/endpoint';
import { freePort } from '../../support/free-port';
import { RedisServer } from '../../support/redis-server';
import { probeRedis } from '../../../electron/core/diagnostics/redis-probe';

// A private redis-server: the test subscribes, unsubscribes and sets a password on it.
let redis: RedisServer;
let listener: ReturnType<typeof createClient>;
let admin: ReturnType<typeof createClient>;

beforeAll(async () => {
  redis = await RedisServer.start();
  admin = createClient({ url: redis.url });
  await admin.connect();
  listener = createClient({ url: redis.url });
  await listener.connect();
  await listener.subscribe(['chat_updates', 'unread_counts'], () => {});
});
afterAll(async () => {
  listener.destroy();
  admin.destroy();
  await redis.stop();
});

const config = (over: Record<string, unknown> = {}) =>
  redisProbeSchema.parse({ url: redis.url, ...over });

describe('probeRedis (PUBSUB NUMSUB, never PUBLISH)', () => {
  it('counts the listeners of each channel and calls a missing one deaf', async () => {
    const ok = await probeRedis({ config: config(), channels: ['chat_updates', 'unread_counts'] });
    expect(ok).toMatchObject({
      status: 'subscribed',
      counts: { chat_updates: 1, unread_counts: 1 },
    });
    const deaf = await probeRedis({
      config: config(),
      channels: ['chat_updates', 'website_status'],
    });
    expect(deaf.status).toBe('deaf');
    expect(deaf.counts).toEqual({ chat_updates: 1, website_status: 0 });
    expect(deaf.detail).toMatch(/^website_status has 0 subscribers \(expected at least 1\)/);
    // Another service listening on the same channel: the expected count is configurable.
    expect(
      (await probeRedis({ config: config({ minSubscribers: 2 }), channels: ['chat_updates'] }))
        .status,
    ).toBe('deaf');
  });

  it('only pings when the backend has no channels to count', async () => {
    expect(await probeRedis({ config: config(), channels: [] })).toMatchObject({
      status: 'reachable',
    });
  });

  it('says unreachable when nothing answers, within its timeout', async () => {
    const port = await freePort();
    const r = await probeRedis({
      config: redisProbeSchema.parse({ url: `redis://127.0.0.1:${port}` }),
      channels: ['chat_updates'],
      timeoutMs: 1_000,
    });
    expect(r.status).toBe('unreachable');
    expect(r.detail).toMatch(/does not answer/);
  });

  it('authenticates with the stored password, and explains a refusal without leaking it', async () => {
    const password = 'op4que-redis-secret';
    await admin.configSet('requirepass', password);
    try {
      const without = await probeRedis({ config: config(), channels: ['chat_updates'] });
      expect(without.status).toBe('error');
      const wrong = await probeRedis({
        config: config({ credentialRef: 'redis-pw' }),
        channels: ['chat_updates'],
        password: 'nope',
      });
      expect(wrong.status).toBe('error');
      expect(wrong.detail).toMatch(/refused the credentials/);
      expect(wrong.detail).toContain('"redis-pw"');
      const right = await probeRedis({
        config: config({ credentialRef: 'redis-pw' }),
        channels: ['chat_updates'],
        password,
      });
      expect(right.status).toBe('subscribed');
      expect(JSON.stringify([without, wrong, right])).not.toContain(password);
    } finally {
      const auth = createClient({ url: redis.url, password });
      await auth.connect();
      await auth.configSet('requirepass', '');
      auth.destroy();
    }
  });

  it('refuses a URL that carries a password (secrets live in the credential store)', () => {
    const parsed = redisProbeSchema.safeParse({ url: 'redis://:hunter2@127.0.0.1:6379' });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toMatch(/credential store/);
  });
});
