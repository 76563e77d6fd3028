import { createClient } from '@redis/client';
import { afterEach, describe, expect, it } from 'vitest';
import { RedisServer } from '../../support/redis-server';
import { waitFor } from '../../support/wait';
import { MemoryEventLog } from '../../../gateway/src/index';
import { Fixtures, TEST_API_KEY } from '../../support/gateway-fixtures';
import { connect, http } from '../../support/ws-test-client';

/**
 * Epochs (docs/protocol.md §4): a channel whose history was lost starts a new epoch, a cursor
 * from the old one is answered `reset` `new-epoch` and is given the new history from its first
 * event, and no seq is ever used twice within an epoch, whichever instance publishes.
 */

const fx = new Fixtures();
const owned: RedisServer[] = [];
afterEach(async () => {
  await fx.cleanup();
  for (const r of owned.splice(0)) await r.stop();
});

const admin = { sub: 'admin@lookout.local', role: 'super_admin' } as const;

async function redisServer(): Promise<RedisServer> {
  const r = await RedisServer.start();
  owned.push(r);
  return r;
}

/** Run Redis commands the way an operator (or a crash without persistence) would. */
async function redisDo(url: string, commands: string[][]): Promise<unknown[]> {
  const c = createClient({ url });
  await c.connect();
  try {
    const out: unknown[] = [];
    for (const command of commands) out.push(await c.sendCommand(command));
    return out;
  } finally {
    c.destroy();
  }
}

describe('epochs in the in-memory log', () => {
  it('gives every start a new epoch; an old cursor is reset and gets the new history from seq 1', async () => {
    const first = await fx.gateway();
    const token = (await first.gateway.issueTokens(admin)).access;
    const before = fx.track(await connect(first.address.wsUrl, token));
    const ack = await before.subscribe('dashboard');
    for (const title of ['a', 'b', 'c'])
      await first.gateway.publish('dashboard', { kind: 'alert', title });
    await before.waitFrame((f) => f.type === 'event', 3);
    const oldEpoch = String(ack.epoch);
    expect(before.of('event').every((e) => e.epoch === oldEpoch)).toBe(true);
    await first.gateway.stop();

    // A new process: the log starts empty, and seqs 1 and 2 mean other events now.
    const second = await fx.gateway();
    const token2 = (await second.gateway.issueTokens(admin)).access;
    for (const title of ['x', 'y'])
      await second.gateway.publish('dashboard', { kind: 'alert', title });
    const after = fx.track(await connect(second.address.wsUrl, token2));
    const resumed = await after.subscribe('dashboard', 3, oldEpoch);
    const [reset] = after.of('reset');
    expect(reset).toMatchObject({ channel: 'dashboard', reason: 'new-epoch', head: 0 });
    expect(reset?.epoch).not.toBe(oldEpoch);
    expect(resumed).toMatchObject({ head: 2, epoch: reset?.epoch, replayed: 2 });
    await after.waitFrame((f) => f.type === 'event', 2);
    expect(after.of('event').map((e) => [e.seq, e.title, e.epoch])).toEqual([
      [1, 'x', reset?.epoch],
      [2, 'y', reset?.epoch],
    ]);

    // A cursor of the current epoch replays as before; one without an epoch (protocol 1) is read
    // in the current epoch, and one above the head gets the new history too.
    const current = fx.track(await connect(second.address.wsUrl, token2));
    expect(await current.subscribe('dashboard', 1, String(reset?.epoch))).toMatchObject({
      replayed: 1,
    });
    const v1 = fx.track(await connect(second.address.wsUrl, token2));
    await v1.subscribe('dashboard', 3);
    expect(v1.of('reset')[0]).toMatchObject({ reason: 'cursor-ahead', head: 0 });
    await v1.waitFrame((f) => f.type === 'event', 2);
    expect(v1.of('event').map((e) => e.title)).toEqual(['x', 'y']);
    expect(second.gateway.metrics.counters.get('replay.resets.new-epoch')).toBe(1);
  });

  it('keeps the epoch while the log lives on, and starts a new one for a channel it evicted', async () => {
    const log = new MemoryEventLog(100, 2);
    const a = await log.append({
      channel: 'dashboard',
      kind: 'alert',
      severity: 'info',
      title: '',
      body: '',
      data: {},
    });
    const again = await log.replay('dashboard', { seq: 1, epoch: a.epoch }, 100);
    expect(again).toMatchObject({ reset: false, epoch: a.epoch, head: 1, events: [] });
    // Two other channels push `dashboard` out: its history is gone, so is its epoch.
    await log.append({
      channel: 'stats',
      kind: 'stats.update',
      severity: 'info',
      title: '',
      body: '',
      data: {},
    });
    await log.append({
      channel: 'task:1',
      kind: 'task.created',
      severity: 'info',
      title: '',
      body: '',
      data: {},
    });
    const evicted = await log.replay('dashboard', { seq: 1, epoch: a.epoch }, 100);
    expect(evicted).toMatchObject({ reset: true, reason: 'new-epoch', head: 0 });
    expect(evicted.epoch).not.toBe(a.epoch);
  });
});

describe('epochs on Redis', () => {
  it('Redis flushed under two instances: the first publish lands on the one without subscribers, nothing is lost', async () => {
    const redis = await redisServer();
    const a = await fx.gateway({ redisUrl: redis.url, instanceId: 'gw-a' });
    const b = await fx.gateway({ redisUrl: redis.url, instanceId: 'gw-b' });
    const token = (await a.gateway.issueTokens(admin)).access;
    // The only subscriber is on B; A never saw the channel before the flush.
    const client = fx.track(await connect(b.address.wsUrl, token));
    const ack = await client.subscribe('dashboard');
    for (let i = 1; i <= 5; i++)
      await b.gateway.publish('dashboard', { kind: 'alert', title: `before ${i}` });
    await client.waitFrame((f) => f.type === 'event', 5);

    await redisDo(redis.url, [['FLUSHALL']]);
    const accepted = [];
    for (let i = 1; i <= 3; i++)
      accepted.push(await a.gateway.publish('dashboard', { kind: 'alert', title: `after ${i}` }));
    // A new epoch, numbered from 1: never a seq of the old one taken for new.
    expect(accepted.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(new Set(accepted.map((e) => e.epoch)).size).toBe(1);
    expect(accepted[0]?.epoch).not.toBe(ack.epoch);

    await client.waitFrame((f) => f.type === 'event', 8, 10_000);
    const events = client.of('event');
    expect(events.map((e) => e.title)).toEqual([
      'before 1',
      'before 2',
      'before 3',
      'before 4',
      'before 5',
      'after 1',
      'after 2',
      'after 3',
    ]);
    expect(client.of('reset')).toEqual([
      expect.objectContaining({ reason: 'new-epoch', head: 0, epoch: accepted[0]?.epoch }),
    ]);
    // (epoch, seq) names one event: no pair twice.
    const pairs = events.map((e) => `${String(e.epoch)}:${String(e.seq)}`);
    expect(new Set(pairs).size).toBe(pairs.length);
    expect(b.gateway.metrics.counters.get('delivery.epochChanges')).toBeGreaterThan(0);

    // Later publishes on B continue the new epoch; a client of A replays it from its start.
    await b.gateway.publish('dashboard', { kind: 'alert', title: 'after 4' });
    await client.waitFrame((f) => f.type === 'event', 9, 10_000);
    expect(client.of('event').at(-1)).toMatchObject({ seq: 4, epoch: accepted[0]?.epoch });
    const late = fx.track(await connect(a.address.wsUrl, token));
    await late.subscribe('dashboard', 5, String(ack.epoch));
    await late.waitFrame((f) => f.type === 'event', 4);
    expect(late.of('event').map((e) => e.title)).toEqual([
      'after 1',
      'after 2',
      'after 3',
      'after 4',
    ]);
  });

  it('adopts data written before epochs without renumbering, and never reuses a seq', async () => {
    const redis = await redisServer();
    // What a protocol-1 gateway left: counter and stream, no epoch.
    const entry = (seq: number) => [
      'XADD',
      'lookout:stream:dashboard',
      `${seq}-0`,
      'e',
      JSON.stringify({
        channel: 'dashboard',
        kind: 'alert',
        severity: 'info',
        title: `old ${seq}`,
        body: '',
        data: {},
      }),
      't',
      '1',
    ];
    await redisDo(redis.url, [entry(1), entry(2), entry(3), ['SET', 'lookout:seq:dashboard', '3']]);
    const { gateway, address } = await fx.gateway({ redisUrl: redis.url });
    const client = fx.track(
      await connect(address.wsUrl, (await gateway.issueTokens(admin)).access),
    );
    const ack = await client.subscribe('dashboard', 1);
    expect(ack).toMatchObject({ head: 3, replayed: 2 });
    await client.waitFrame((f) => f.type === 'event', 2);
    expect(client.of('event').map((e) => [e.title, e.epoch])).toEqual([
      ['old 2', ack.epoch],
      ['old 3', ack.epoch],
    ]);
    expect((await gateway.publish('dashboard', { kind: 'alert' })).seq).toBe(4);

    // A counter restored from an older copy is raised, not reused.
    await redisDo(redis.url, [['SET', 'lookout:seq:dashboard', '1']]);
    const next = await gateway.publish('dashboard', { kind: 'alert' });
    expect(next).toMatchObject({ seq: 5, epoch: ack.epoch });

    // The stream gone while the counter says events exist: history lost, a new epoch.
    await redisDo(redis.url, [['DEL', 'lookout:stream:dashboard']]);
    const fresh = await gateway.publish('dashboard', { kind: 'alert' });
    expect(fresh.seq).toBe(1);
    expect(fresh.epoch).not.toBe(ack.epoch);
    await waitFor(() => client.of('reset').length > 0, { what: 'reset', timeoutMs: 10_000 });
    expect(client.of('reset')[0]).toMatchObject({ reason: 'new-epoch', epoch: fresh.epoch });
  });
});

describe('one occurrence on several channels', () => {
  it('gives the copies one origin: drawn by the gateway, or the publisher id', async () => {
    const { gateway, address } = await fx.gateway();
    const auth = { authorization: `Bearer ${TEST_API_KEY}` };
    const client = fx.track(
      await connect(address.wsUrl, (await gateway.issueTokens(admin)).access),
    );
    await client.subscribe('dashboard');
    await client.subscribe('notifications:admin@lookout.local');
    const many = await http(
      address.url,
      'POST',
      '/publish',
      {
        channels: ['dashboard', 'notifications:admin@lookout.local'],
        kind: 'alert',
        severity: 'critical',
        title: 'Disk full',
      },
      auth,
    );
    expect(many.status).toBe(202);
    const origin = String(many.body.origin);
    expect(origin).toMatch(/^o-[0-9a-f-]{36}$/);
    expect(many.body.events).toEqual([
      expect.objectContaining({ channel: 'dashboard', seq: 1, origin }),
      expect.objectContaining({ channel: 'notifications:admin@lookout.local', seq: 1, origin }),
    ]);
    await client.waitFrame((f) => f.type === 'event', 2);
    expect(client.of('event').map((e) => e.origin)).toEqual([origin, origin]);

    const named = await http(
      address.url,
      'POST',
      '/publish',
      { events: [{ channels: ['dashboard', 'stats'], kind: 'alert', id: 'incident-7' }] },
      auth,
    );
    expect(named.body.events).toEqual([
      expect.objectContaining({ channel: 'dashboard', id: 'incident-7', origin: 'incident-7' }),
      expect.objectContaining({ channel: 'stats', id: 'incident-7', origin: 'incident-7' }),
    ]);
    // One channel, no id: the event is its own origin.
    expect((await gateway.publish('dashboard', { kind: 'alert' })).origin).toBeUndefined();
    const both = await http(
      address.url,
      'POST',
      '/publish',
      { channel: 'dashboard', channels: ['stats'], kind: 'alert' },
      auth,
    );
    expect(both.status).toBe(400);
    expect(String(both.body.message)).toMatch(/either "channel" or "channels"/);
  });
});
