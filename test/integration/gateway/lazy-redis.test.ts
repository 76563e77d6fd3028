import { afterEach, describe, expect, it, vi } from 'vitest';
import { useRedisServer } from '../../support/redis-server';
import { startEmbeddedGateway } from '../../../electron/host-common/embedded-gateway';
import { Fixtures } from '../../support/gateway-fixtures';
import { connect, http } from '../../support/ws-test-client';

/**
 * The Redis client is loaded only by a gateway that was given a Redis URL: the embedded demo
 * gateway (the desktop app's default backend) runs without ever importing it, which is what lets
 * the desktop bundle leave Redis out.
 */
const loads = vi.hoisted(() => ({ count: 0 }));
vi.mock('@redis/client', async (importOriginal) => {
  loads.count += 1;
  return importOriginal();
});

const fx = new Fixtures();
const redis = useRedisServer();
afterEach(() => fx.cleanup());

const admin = { sub: 'admin@lookout.local', role: 'super_admin' } as const;

describe('Redis is loaded lazily', () => {
  it('the embedded demo gateway and an in-memory gateway serve events without loading the Redis client', async () => {
    const embedded = await startEmbeddedGateway();
    try {
      const { gateway, address } = await fx.gateway();
      const client = fx.track(
        await connect(address.wsUrl, (await gateway.issueTokens(admin)).access),
      );
      await client.subscribe('dashboard');
      await gateway.publish('dashboard', { kind: 'alert', title: 'in memory' });
      await client.waitFrame((f) => f.type === 'event', 1);
      expect(client.of('event').map((e) => e.title)).toEqual(['in memory']);
    } finally {
      await embedded.stop();
    }
    expect(loads.count).toBe(0);
  });

  it('a gateway given a Redis URL loads it on start and stores events in Redis Streams', async () => {
    const { gateway, address } = await fx.gateway({ redisUrl: redis.url });
    expect(loads.count).toBe(1);
    const client = fx.track(
      await connect(address.wsUrl, (await gateway.issueTokens(admin)).access),
    );
    await client.subscribe('stats');
    await gateway.publish('stats', { kind: 'stats.update', title: 'through redis' });
    await client.waitFrame((f) => f.type === 'event', 1);
    expect(client.of('event').map((e) => [e.seq, e.title])).toEqual([[1, 'through redis']]);
    const health = await http(address.url, 'GET', '/health');
    expect(health.body).toMatchObject({ checks: { storage: { ok: true, kind: 'redis' } } });
  });
});
