import { afterEach, describe, expect, it } from 'vitest';
import { RedisServer } from '../../support/redis-server';
import { command } from '../../support/redis-server';
import { waitFor } from '../../support/wait';
import { Fixtures } from '../../support/gateway-fixtures';
import { connect } from '../../support/ws-test-client';

const fx = new Fixtures();
const servers: RedisServer[] = [];
afterEach(async () => {
  await fx.cleanup();
  for (const s of servers.splice(0)) await s.stop();
});

const admin = { sub: 'admin@lookout.local', role: 'super_admin' } as const;
const keysOf = (channel: string) =>
  ['stream', 'seq', 'epoch'].map((kind) => `lookout:${kind}:${channel}`);
/** An integer reply (`:n`) as a number. */
const int = (reply: string) => Number(reply.slice(1).trim());

describe('lifetimes of per-user and per-task channels', () => {
  it('their keys expire after the idle time; a client resuming later is told new-epoch, not left behind', async () => {
    const redis = await RedisServer.start();
    servers.push(redis);
    const { gateway, address } = await fx.gateway({ redisUrl: redis.url, channelTtlSec: 2 });
    const { access } = await gateway.issueTokens(admin);
    await gateway.publish('task:t1', { kind: 'task.progress', title: 'one' });
    const second = await gateway.publish('task:t1', { kind: 'task.progress', title: 'two' });
    await gateway.publish('dashboard', { kind: 'alert', title: 'kept' });
    for (const key of keysOf('task:t1')) {
      const ttl = int(await command(redis.port, `TTL ${key}`));
      expect(ttl, key).toBeGreaterThan(0);
      expect(ttl, key).toBeLessThanOrEqual(2);
    }
    // Shared channels live for ever: their history is what every client resumes from.
    for (const key of keysOf('dashboard'))
      expect(int(await command(redis.port, `TTL ${key}`)), key).toBe(-1);

    // A client watching live across the expiry.
    const live = fx.track(await connect(address.wsUrl, access));
    await live.subscribe('task:t1', second.seq, second.epoch);
    await waitFor(
      async () => int(await command(redis.port, `EXISTS ${keysOf('task:t1').join(' ')}`)) === 0,
      { timeoutMs: 10_000, intervalMs: 100, what: 'the idle channel to expire' },
    );
    expect(int(await command(redis.port, 'EXISTS lookout:stream:dashboard'))).toBe(1);

    // A client resuming after the expiry: its history is gone, and it is told so.
    const late = fx.track(await connect(address.wsUrl, access));
    const ack = await late.subscribe('task:t1', second.seq, second.epoch);
    const reset = late.of('reset', 'task:t1')[0];
    expect(reset).toMatchObject({ reason: 'new-epoch', head: 0 });
    expect(reset?.epoch).not.toBe(second.epoch);
    expect(ack).toMatchObject({ type: 'subscribed', head: 0, epoch: reset?.epoch });

    // The next event starts the new history at seq 1; both clients get it, the live one after a
    // reset of its own.
    const next = await gateway.publish('task:t1', { kind: 'task.progress', title: 'three' });
    expect(next).toMatchObject({ seq: 1, epoch: reset?.epoch });
    await late.waitFrame((f) => f.type === 'event' && f.title === 'three');
    await live.waitFrame((f) => f.type === 'event' && f.title === 'three');
    expect(live.of('reset', 'task:t1')[0]).toMatchObject({ reason: 'new-epoch' });
    // Its lifetime starts again with the new event.
    expect(int(await command(redis.port, 'TTL lookout:seq:task:t1'))).toBeGreaterThan(0);
  });
});
