import { afterEach, describe, expect, it } from 'vitest';
import { RedisServer, useRedisServer } from '../../support/redis-server';
import { waitFor } from '../../support/wait';
import { Fixtures, TEST_API_KEY } from '../../support/gateway-fixtures';
import { connect, http } from '../../support/ws-test-client';

const fx = new Fixtures();
const redis = useRedisServer();
afterEach(() => fx.cleanup());

const admin = { sub: 'admin@lookout.local', role: 'super_admin' } as const;
const seqs = (frames: Array<Record<string, unknown>>) => frames.map((f) => f.seq);

describe('several instances on one real Redis', () => {
  it('publish on A reaches clients of B and C with the same seqs; replay reads the stream', async () => {
    const [a, b, c] = [
      await fx.gateway({ redisUrl: redis.url }),
      // Its /health is read below for its storage; three gateways and the test share one event
      // loop here, so its lag (also in /health) is the test machine's, not what is tested.
      await fx.gateway({ redisUrl: redis.url, maxEventLoopLagMs: 60_000 }),
      await fx.gateway({ redisUrl: redis.url }),
    ];
    const token = (await a.gateway.issueTokens(admin)).access;
    const onB = fx.track(await connect(b.address.wsUrl, token));
    const onC = fx.track(await connect(c.address.wsUrl, token));
    await onB.subscribe('dashboard');
    await onC.subscribe('dashboard');
    await a.gateway.publish('dashboard', { kind: 'business.created', title: 'one' });
    await http(
      c.address.url,
      'POST',
      '/publish',
      { channel: 'dashboard', kind: 'alert', title: 'two' },
      { authorization: `Bearer ${TEST_API_KEY}` },
    );
    await b.gateway.publish('dashboard', { kind: 'business.updated', title: 'three' });
    await onB.waitFrame((f) => f.type === 'event', 3);
    await onC.waitFrame((f) => f.type === 'event', 3);
    expect(onB.of('event').map((e) => [e.seq, e.title])).toEqual([
      [1, 'one'],
      [2, 'two'],
      [3, 'three'],
    ]);
    expect(onC.of('event')).toEqual(onB.of('event'));
    // A late client on A replays from the stream.
    const late = fx.track(await connect(a.address.wsUrl, token));
    expect(await late.subscribe('dashboard', 1)).toMatchObject({ head: 3, replayed: 2 });
    await late.waitFrame((f) => f.type === 'event', 2);
    expect(seqs(late.of('event'))).toEqual([2, 3]);
    const health = await http(b.address.url, 'GET', '/health');
    expect(health.body).toMatchObject({
      status: 'ok',
      checks: { storage: { ok: true, kind: 'redis' } },
    });
  });

  it('a client of a killed instance moves to another and resumes with no loss and no duplicate', async () => {
    const a = await fx.gateway({ redisUrl: redis.url });
    const b = await fx.gateway({ redisUrl: redis.url });
    const token = (await a.gateway.issueTokens(admin)).access;
    const first = fx.track(await connect(a.address.wsUrl, token));
    await first.subscribe('stats');
    const head = Number((first.of('subscribed')[0] as { head: number }).head);
    await b.gateway.publish('stats', { kind: 'stats.update', data: { n: 1 } });
    await first.waitFrame((f) => f.type === 'event');
    await a.gateway.stop();
    expect((await first.waitClose()).code).toBe(4012);
    // Published while the client is away.
    await b.gateway.publish('stats', { kind: 'stats.update', data: { n: 2 } });
    await b.gateway.publish('stats', { kind: 'stats.update', data: { n: 3 } });
    const cursor = Number(first.of('event').at(-1)?.seq);
    const second = fx.track(await connect(b.address.wsUrl, token));
    await second.subscribe('stats', cursor);
    await b.gateway.publish('stats', { kind: 'stats.update', data: { n: 4 } });
    await second.waitFrame((f) => f.type === 'event', 3);
    const all = [...first.of('event'), ...second.of('event')].map(
      (e) => (e.data as { n: number }).n,
    );
    expect(all).toEqual([1, 2, 3, 4]);
    expect(seqs(second.of('event'))).toEqual([head + 2, head + 3, head + 4]);
  });
});

describe('Redis restart', () => {
  it('health says down meanwhile, publish answers 503, sockets stay, and delivery resumes in order', async () => {
    const own = await RedisServer.start();
    try {
      const a = await fx.gateway({ redisUrl: own.url });
      const b = await fx.gateway({ redisUrl: own.url });
      const token = (await a.gateway.issueTokens(admin)).access;
      const client = fx.track(await connect(b.address.wsUrl, token));
      await client.subscribe('dashboard');
      await a.gateway.publish('dashboard', { kind: 'alert', title: 'before' });
      await client.waitFrame((f) => f.type === 'event');

      await own.stop();
      const down = await waitFor(
        async () => {
          const h = await http(a.address.url, 'GET', '/health');
          return h.status === 503 ? h : null;
        },
        { timeoutMs: 10_000, what: '/health to report Redis down' },
      );
      expect(down.body).toMatchObject({
        status: 'down',
        checks: { storage: { ok: false, kind: 'redis' } },
      });
      expect(String(down.body.reason)).toMatch(/redis/i);
      const refused = await http(
        a.address.url,
        'POST',
        '/publish',
        { channel: 'dashboard', kind: 'alert' },
        { authorization: `Bearer ${TEST_API_KEY}` },
      );
      expect(refused.status).toBe(503);
      expect(client.closed).toBeNull();

      await own.restart();
      await waitFor(async () => (await http(a.address.url, 'GET', '/health')).status === 200, {
        timeoutMs: 15_000,
        what: '/health to recover',
      });
      // Redis came back empty (no persistence): the channel's history is gone, so it starts a new
      // epoch; the client is told (reset new-epoch) and gets the new epoch from its first event.
      const before = client.of('subscribed')[0]?.epoch;
      await waitFor(
        async () => {
          try {
            await a.gateway.publish('dashboard', { kind: 'alert', title: 'after' });
            return true;
          } catch {
            return false;
          }
        },
        { timeoutMs: 10_000, what: 'publish to work again' },
      );
      await client.waitFrame((f) => f.type === 'event', 2, 10_000);
      expect(client.of('event').map((e) => [e.seq, e.title])).toEqual([
        [1, 'before'],
        [1, 'after'],
      ]);
      const [reset] = client.of('reset');
      expect(reset).toMatchObject({ channel: 'dashboard', reason: 'new-epoch', head: 0 });
      expect(reset?.epoch).not.toBe(before);
      expect(client.of('event')[1]?.epoch).toBe(reset?.epoch);
      // The reset came before the new epoch's first event.
      const types = client.frames.map((f) => f.type).filter((t) => t === 'reset' || t === 'event');
      expect(types).toEqual(['event', 'reset', 'event']);
      expect(client.closed).toBeNull();
    } finally {
      await fx.cleanup();
      await own.stop();
    }
  });
});
