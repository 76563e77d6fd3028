import { afterEach, describe, expect, it } from 'vitest';
import { Session } from '../../../electron/core/connection/session';
import { lookoutDialect } from '../../../electron/core/dialects/lookout';
import { endpointSchema } from '../../../shared/config/endpoint';
import type { LiveEvent } from '../../../shared/model/live-event';
import { RedisClusterSet, SentinelSet } from '../../support/redis-topologies';
import { waitFor } from '../../support/wait';
import type { Gateway } from '../../../gateway/src/gateway';
import type { RedisTopology } from '../../../gateway/src/storage/redis-topology';
import { Fixtures } from '../../support/gateway-fixtures';

/*
 * A primary killed (-9) under two gateways while the app's sessions are connected and events are
 * published: the topology's replica takes over, and every event whose publish was accepted
 * reaches every session (a publish refused meanwhile is refused to its publisher, 503, and
 * counted; it is not an accepted event). Real redis-server processes: Sentinel (three sentinels,
 * a primary, a replica) and Cluster (three primaries with a replica each).
 */

const fx = new Fixtures();
const sessions: Session[] = [];
const sets: Array<{ stop(): Promise<void> }> = [];
afterEach(async () => {
  for (const s of sessions.splice(0)) await s.stop();
  await fx.cleanup();
  for (const s of sets.splice(0)) await s.stop();
});

const admin = { sub: 'admin@lookout.local', role: 'super_admin' } as const;
/** Spread over the cluster's slots (and so over its three primaries). */
const CHANNELS = ['dashboard', 'stats', 'task:alpha', 'task:beta', 'tasks:ops@lookout.local'];

function appSession(id: string, wsUrl: string, token: string): Session {
  const session = new Session({
    endpoint: endpointSchema.parse({
      id,
      name: id,
      dialect: 'lookout',
      url: wsUrl,
      auth: { method: 'token', credentialRef: 'x' },
      subscriptions: CHANNELS,
      backoff: { minMs: 50, maxMs: 500, factor: 2, stableAfterMs: 10_000 },
    }),
    dialect: lookoutDialect,
    ports: { credentials: { getCredentials: async () => ({ token }) } },
  });
  sessions.push(session);
  return session;
}

/**
 * Two gateways on `topology`, a session on each, publishes from both; `failover` runs once some
 * events are in. Returns once every accepted event reached both sessions.
 */
async function publishThroughFailover(
  topology: RedisTopology,
  failover: () => Promise<void>,
): Promise<{ accepted: number; refused: number; gateways: Gateway[] }> {
  const a = await fx.gateway({ redis: topology });
  const b = await fx.gateway({ redis: topology });
  const { access } = await a.gateway.issueTokens(admin);
  const received = new Map<string, LiveEvent[]>();
  const resets: unknown[] = [];
  for (const [name, gw] of [
    ['on-a', a],
    ['on-b', b],
  ] as const) {
    const session = appSession(name, gw.address.wsUrl, access);
    const mine: LiveEvent[] = [];
    received.set(name, mine);
    session.on('events', (events) => mine.push(...events));
    session.on('reset', (reset) => resets.push(reset));
    session.start();
  }
  let warmUps = 0;
  // Live on every channel: a session has an event of each (a publish that raced the
  // subscription itself would rightly not be owed to it, so warm-ups are repeated until seen).
  for (const channel of CHANNELS)
    await waitFor(
      async () => {
        if ([...received.values()].every((events) => events.some((e) => e.channel === channel)))
          return true;
        await a.gateway.publish(channel, {
          kind: 'alert',
          title: `${channel}#warm-up-${warmUps++}`,
        });
        await new Promise((resolve) => setTimeout(resolve, 200));
        return false;
      },
      { timeoutMs: 15_000, what: `both sessions live on ${channel}` },
    );

  const accepted: string[] = [];
  let refused = 0;
  let failedOver = false;
  let acceptedAfter = 0;
  let i = 0;
  const publishOne = async () => {
    const n = i++;
    const channel = CHANNELS[n % CHANNELS.length] as string;
    const via = n % 2 === 0 ? a : b;
    const title = `${channel}#${n}`;
    try {
      await via.gateway.publish(channel, { kind: 'alert', title });
      accepted.push(title);
      if (failedOver) acceptedAfter++;
    } catch {
      refused++;
    }
  };
  // Two publishers at a steady pace: before, during and after the failover.
  const deadline = Date.now() + 60_000;
  let stop = false;
  const publishers = [0, 1].map(async () => {
    while (!stop && Date.now() < deadline) {
      await publishOne();
      await new Promise((resolve) => setTimeout(resolve, 15));
    }
  });
  await waitFor(() => accepted.length >= 30, { timeoutMs: 10_000, what: '30 events in' });
  await failover();
  failedOver = true;
  await waitFor(() => acceptedAfter >= 30, {
    timeoutMs: 30_000,
    what: '30 events accepted after the failover',
  });
  stop = true;
  await Promise.all(publishers);

  for (const [name, events] of received) {
    await waitFor(
      () => {
        const titles = new Set(events.map((e) => e.title));
        return accepted.every((t) => titles.has(t));
      },
      {
        timeoutMs: 30_000,
        what: `every accepted event at ${name}`,
      },
    ).catch((error: unknown) => {
      const titles = new Set(events.map((e) => e.title));
      const missing = accepted.filter((t) => !titles.has(t));
      throw new Error(`${String(error)}; ${name} misses ${missing.length}: ${missing.join(', ')}`);
    });
    // Each event once, and in seq order per channel (the id is `<channel>:<seq>`).
    const titles = events.map((e) => e.title);
    expect(new Set(titles).size).toBe(titles.length);
    for (const channel of CHANNELS) {
      const mine = events
        .filter((e) => e.channel === channel)
        .map((e) => Number(e.id.slice(channel.length + 1)));
      expect(
        mine.every((seq, k) => k === 0 || seq > (mine[k - 1] ?? 0)),
        `${name} ${channel}`,
      ).toBe(true);
    }
  }
  expect(resets).toEqual([]);
  return { accepted: accepted.length, refused, gateways: [a.gateway, b.gateway] };
}

describe('Redis Sentinel', () => {
  it('the primary killed -9 with sessions connected and events published: nothing accepted is lost', async () => {
    const set = await SentinelSet.start();
    sets.push(set);
    const topology: RedisTopology = {
      mode: 'sentinel',
      name: set.name,
      sentinels: set.sentinelNodes,
    };
    const result = await publishThroughFailover(topology, async () => {
      await set.failover();
    });
    expect(result.accepted).toBeGreaterThanOrEqual(60);
    // Refusals during the failover were told to the publisher and counted, never silent.
    const counted = result.gateways.reduce(
      (sum, g) => sum + (g.metrics.counters.get('publish.refused.storage-unavailable') ?? 0),
      0,
    );
    expect(counted).toBe(result.refused);
  }, 120_000);
});

describe('Redis Cluster', () => {
  it('a primary killed -9 with sessions connected and events published: nothing accepted is lost', async () => {
    const set = await RedisClusterSet.start();
    sets.push(set);
    const topology: RedisTopology = {
      mode: 'cluster',
      nodes: set.rootUrls.map((url) => {
        const u = new URL(url);
        return { host: u.hostname, port: Number(u.port) };
      }),
    };
    const result = await publishThroughFailover(topology, async () => {
      // The primary of the channel most events go to; the other two keep serving meanwhile.
      await set.failover('lookout:stream:{dashboard}');
    });
    expect(result.accepted).toBeGreaterThanOrEqual(60);
  }, 150_000);
});
