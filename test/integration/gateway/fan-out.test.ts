import { Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { WireEvent } from '../../../shared/protocol/lookout-wire';
import { useRedisServer } from '../../support/redis-server';
import { waitFor } from '../../support/wait';
import { FanOut, type FanOutBatch, type FanOutSubscriber } from '../../../gateway/src/ws/fan-out';
import { Fixtures } from '../../support/gateway-fixtures';
import { connect } from '../../support/ws-test-client';

const admin = { sub: 'admin@lookout.local', role: 'super_admin' } as const;

function wire(channel: string, seq: number): WireEvent {
  return {
    type: 'event',
    channel,
    seq,
    id: `${channel}:${seq}`,
    kind: 'alert',
    severity: 'info',
    title: `${channel} ${seq}`,
    body: '',
    time: 0,
    data: {},
  };
}

/** A subscriber that records what it gets and how it was corked. */
class Recorder implements FanOutSubscriber {
  readonly got: string[] = [];
  readonly calls: string[] = [];
  corked = 0;
  deliver(event: WireEvent): void {
    if (this.corked === 0) throw new Error('delivered while not corked');
    this.got.push(event.id);
    this.calls.push(`deliver ${event.id}`);
  }
  cork(): void {
    this.corked += 1;
    this.calls.push('cork');
  }
  uncork(): void {
    this.corked -= 1;
    this.calls.push('uncork');
  }
}

/** A fan-out whose flush runs when the test says so. */
function manualFanOut() {
  const scheduled: Array<() => void> = [];
  const batches: FanOutBatch[] = [];
  const fanOut = new FanOut({
    schedule: (flush) => scheduled.push(flush),
    onBatch: (batch) => batches.push(batch),
  });
  return { fanOut, scheduled, batches };
}

describe('fan-out batches', () => {
  it('delivers what was queued in one turn in one flush, in order, each subscriber corked once', () => {
    const { fanOut, scheduled, batches } = manualFanOut();
    const both = new Recorder();
    const onlyStats = new Recorder();
    const elsewhere = new Recorder();
    fanOut.attach('dashboard', both);
    fanOut.attach('stats', both);
    fanOut.attach('stats', onlyStats);
    fanOut.attach('tasks:u1', elsewhere);
    fanOut.push(wire('dashboard', 1));
    fanOut.push(wire('stats', 7));
    fanOut.push(wire('dashboard', 2));
    fanOut.push(wire('nobody-listens', 1));
    expect(scheduled).toHaveLength(1);
    expect(both.got).toEqual([]);

    scheduled[0]?.();
    expect(both.calls).toEqual([
      'cork',
      'deliver dashboard:1',
      'deliver stats:7',
      'deliver dashboard:2',
      'uncork',
    ]);
    expect(onlyStats.calls).toEqual(['cork', 'deliver stats:7', 'uncork']);
    expect(elsewhere.calls).toEqual([]);
    expect(batches).toHaveLength(1);
    expect(batches[0]?.events.map((e) => e.id)).toEqual(['dashboard:1', 'stats:7', 'dashboard:2']);
    expect(batches[0]?.subscribers).toBe(2);

    // The next event starts a new batch.
    fanOut.push(wire('dashboard', 3));
    expect(scheduled).toHaveLength(2);
    scheduled[1]?.();
    expect(both.got.at(-1)).toBe('dashboard:3');
    expect(batches).toHaveLength(2);
  });

  it('queues nothing for a channel without local subscribers; detach says when a channel empties', () => {
    const { fanOut, scheduled } = manualFanOut();
    fanOut.push(wire('stats', 1));
    expect(scheduled).toHaveLength(0);
    const a = new Recorder();
    const b = new Recorder();
    fanOut.attach('stats', a);
    fanOut.attach('stats', b);
    expect(fanOut.channelCount).toBe(1);
    expect(fanOut.detach('stats', a)).toBe(false);
    expect(fanOut.detach('stats', b)).toBe(true);
    expect(fanOut.detach('stats', b)).toBe(false);
    expect(fanOut.channelCount).toBe(0);
  });

  it('uncorks every corked subscriber even when a delivery throws', () => {
    const { fanOut, scheduled } = manualFanOut();
    const first = new Recorder();
    const broken = new Recorder();
    broken.deliver = () => {
      throw new Error('boom');
    };
    fanOut.attach('stats', first);
    fanOut.attach('stats', broken);
    fanOut.push(wire('stats', 1));
    expect(() => scheduled[0]?.()).toThrow('boom');
    expect(first.corked).toBe(0);
    expect(broken.corked).toBe(0);
  });

  it('a subscriber detached before the flush gets nothing; one attached before it gets the batch', () => {
    const { fanOut, scheduled } = manualFanOut();
    const leaving = new Recorder();
    const late = new Recorder();
    fanOut.attach('stats', leaving);
    fanOut.push(wire('stats', 1));
    fanOut.detach('stats', leaving);
    fanOut.attach('stats', late);
    scheduled[0]?.();
    expect(leaving.got).toEqual([]);
    // The connection drops what its replay already covered (by seq); the fan-out just hands it on.
    expect(late.got).toEqual(['stats:1']);
  });
});

describe('fan-out through the gateway', () => {
  const fx = new Fixtures();
  const redis = useRedisServer();
  afterEach(() => fx.cleanup());

  it('events published in one turn reach each client in order, in one socket write', async () => {
    const { gateway, address } = await fx.gateway();
    const token = (await gateway.issueTokens(admin)).access;
    const one = fx.track(await connect(address.wsUrl, token));
    const two = fx.track(await connect(address.wsUrl, token));
    await one.subscribe('dashboard');
    await two.subscribe('dashboard');

    // Count the writes the gateway's side of the sockets hands to the kernel during the burst.
    const writes = countServerWrites(address.port);
    let published;
    try {
      published = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          gateway.publish('dashboard', { kind: 'alert', title: `burst ${i + 1}` }),
        ),
      );
      await waitFor(() => gateway.metrics.snapshot()['fanout.batches'], { what: 'a flush' });
    } finally {
      writes.restore();
    }
    expect(published.map((e) => e.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    // 50 frames to each of 2 clients: one write per client, not 50 (not 100 with ws's header chunks).
    expect(writes.count()).toBe(2);
    for (const c of [one, two]) {
      await c.waitFrame((f) => f.type === 'event', 50);
      expect(c.of('event').map((e) => [e.seq, e.title])).toEqual(
        published.map((e) => [e.seq, e.title]),
      );
    }
    const counters = gateway.metrics.snapshot();
    expect(counters['fanout.batches']).toBe(1);
    expect(counters['fanout.events']).toBe(50);
    expect(counters['fanout.socketWrites']).toBe(2);
  });

  it('with Redis, a burst published on one instance reaches another instance’s clients complete and in order', async () => {
    const a = await fx.gateway({ redisUrl: redis.url, instanceId: 'gw-a' });
    const b = await fx.gateway({ redisUrl: redis.url, instanceId: 'gw-b' });
    const token = (await a.gateway.issueTokens(admin)).access;
    const onA = fx.track(await connect(a.address.wsUrl, token));
    const onB = fx.track(await connect(b.address.wsUrl, token));
    const head = Number((await onA.subscribe('stats')).head);
    await onB.subscribe('stats');
    const published = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        a.gateway.publish('stats', { kind: 'stats.update', data: { i } }),
      ),
    );
    const seqs = published.map((e) => e.seq).sort((x, y) => x - y);
    expect(seqs).toEqual(Array.from({ length: 40 }, (_, i) => head + i + 1));
    for (const c of [onA, onB]) {
      await c.waitFrame((f) => f.type === 'event', 40);
      expect(c.of('event').map((e) => e.seq)).toEqual(seqs);
    }
    for (const g of [a, b]) {
      const counters = g.gateway.metrics.snapshot();
      expect(counters['fanout.events']).toBe(40);
      // The reader hands over what one XREAD returned as one batch: fewer batches than events
      // unless every append happened to be read alone.
      expect(counters['fanout.batches']).toBeGreaterThanOrEqual(1);
      expect(counters['fanout.batches']).toBeLessThanOrEqual(40);
      expect(counters['fanout.socketWrites']).toBe(counters['fanout.batches']);
    }
  });
});

/** Calls to the stream write hooks of sockets whose local port is `port` (the gateway's side). */
function countServerWrites(port: number): { count: () => number; restore: () => void } {
  let count = 0;
  const proto = Socket.prototype as unknown as Record<
    '_write' | '_writev',
    (...a: unknown[]) => void
  >;
  const spies = (['_write', '_writev'] as const).map((name) => {
    const original = proto[name];
    return vi.spyOn(proto, name).mockImplementation(function (this: Socket, ...args: unknown[]) {
      if (this.localPort === port) count += 1;
      return original.apply(this, args);
    });
  });
  return { count: () => count, restore: () => spies.forEach((s) => s.mockRestore()) };
}
