import { afterEach, describe, expect, it } from 'vitest';
import { Session } from '../../../electron/core/connection/session';
import { lookoutDialect } from '../../../electron/core/dialects/lookout';
import { explainCloseCode, LOOKOUT_CLOSE } from '../../../shared/close-codes';
import { endpointSchema } from '../../../shared/config/endpoint';
import type { LiveEvent } from '../../../shared/model/live-event';
import { RedisServer } from '../../support/redis-server';
import { waitFor } from '../../support/wait';
import { MemoryEventLog } from '../../../gateway/src/storage/memory-log';
import { Fixtures } from '../../support/gateway-fixtures';
import { connect, http, open } from '../../support/ws-test-client';

const fx = new Fixtures();
const sessions: Session[] = [];
const redisServers: RedisServer[] = [];
afterEach(async () => {
  for (const s of sessions.splice(0)) await s.stop();
  await fx.cleanup();
  for (const r of redisServers.splice(0)) await r.stop();
});

const admin = { sub: 'admin@lookout.local', role: 'super_admin' } as const;

async function redisServer(): Promise<RedisServer> {
  const r = await RedisServer.start();
  redisServers.push(r);
  return r;
}

describe('liveness and readiness', () => {
  it('a Redis blip fails /health but leaves /livez and /readyz up; a long outage makes the instance not ready', async () => {
    const redis = await redisServer();
    const { address } = await fx.gateway({ redisUrl: redis.url, readinessGraceMs: 1_500 });
    expect((await http(address.url, 'GET', '/livez')).status).toBe(200);
    expect(await http(address.url, 'GET', '/readyz')).toMatchObject({
      status: 200,
      body: { status: 'ready' },
    });

    await redis.stop();
    // The detail says so at once...
    await waitFor(async () => (await http(address.url, 'GET', '/health')).status === 503, {
      what: '/health 503 while Redis is down',
    });
    // ...but within the grace the load balancer keeps the instance: open sockets still work.
    const blip = await http(address.url, 'GET', '/readyz');
    expect(blip).toMatchObject({ status: 200, body: { storage: { ok: false } } });
    expect((await http(address.url, 'GET', '/livez')).status).toBe(200);

    const notReady = await waitFor(
      async () => {
        const r = await http(address.url, 'GET', '/readyz');
        return r.status === 503 ? r : null;
      },
      { timeoutMs: 10_000, what: '/readyz 503 after the grace' },
    );
    expect(String(notReady.body.reason)).toMatch(/storage unreachable for \d+ s/);
    expect((await http(address.url, 'GET', '/livez')).status).toBe(200);

    await redis.restart();
    await waitFor(async () => (await http(address.url, 'GET', '/readyz')).status === 200, {
      timeoutMs: 10_000,
      what: '/readyz 200 once Redis is back',
    });
  });
});

describe('drain', () => {
  it('stops accepting, says not ready, and moves its clients with 4015 spread over the window', async () => {
    const { gateway, address } = await fx.gateway({ limits: { maxConnectionsPerUser: 100 } });
    const token = (await gateway.issueTokens(admin)).access;
    const clients = [];
    for (let i = 0; i < 24; i++) clients.push(fx.track(await connect(address.wsUrl, token)));
    const began = Date.now();
    const closedAt: number[] = [];
    for (const c of clients) c.ws.once('close', () => closedAt.push(Date.now() - began));
    const windowMs = 3_000;
    const drained = gateway.drain(windowMs);

    const ready = await http(address.url, 'GET', '/readyz');
    expect(ready).toMatchObject({ status: 503, body: { status: 'not-ready' } });
    expect(String(ready.body.reason)).toContain('draining');
    const refused = await open(address.wsUrl, { headers: { authorization: `Bearer ${token}` } });
    expect(refused).toMatchObject({ ok: false, status: 503 });

    expect(await drained).toMatchObject({ moved: 24 });
    await waitFor(() => closedAt.length === 24, { what: 'every client closed' });
    for (const c of clients) expect(c.closed?.code).toBe(LOOKOUT_CLOSE.MOVING);
    // Not a herd: the closes are spread over the window, not sent at once (a stalled event loop
    // could bunch a few timers together, never a whole window's worth).
    const sorted = [...closedAt].sort((x, y) => x - y);
    expect((sorted.at(-1) ?? 0) - (sorted[0] ?? 0)).toBeGreaterThan(windowMs / 4);
    expect(gateway.metrics.counters.get(`close.${LOOKOUT_CLOSE.MOVING}`)).toBe(24);
  });

  it('the app session honours 4015: backs off (jittered) and moves to the other instance with nothing lost', async () => {
    const log = new MemoryEventLog(1_000);
    const a = await fx.gateway({ eventLog: log });
    const b = await fx.gateway({ eventLog: log });
    const { access } = await a.gateway.issueTokens(admin);
    const session = new Session({
      endpoint: endpointSchema.parse({
        id: 'pair',
        name: 'Pair',
        dialect: 'lookout',
        url: [a.address.wsUrl, b.address.wsUrl],
        auth: { method: 'token', credentialRef: 'x' },
        subscriptions: ['dashboard'],
        backoff: { minMs: 50, maxMs: 300, factor: 2, stableAfterMs: 10_000 },
      }),
      dialect: lookoutDialect,
      ports: {
        credentials: { getCredentials: async () => ({ token: access }) },
        random: () => 0.5,
      },
    });
    sessions.push(session);
    const received: LiveEvent[] = [];
    session.on('events', (events) => received.push(...events));
    session.start();
    await waitFor(() => a.gateway.metrics.counters.get('frames.in.subscribe') === 1, {
      what: 'subscribed on A',
    });
    await a.gateway.publish('dashboard', { kind: 'alert', title: 'before' });
    await waitFor(() => received.length === 1);

    await a.gateway.drain(200);
    await b.gateway.publish('dashboard', { kind: 'alert', title: 'during' });
    await waitFor(() => b.gateway.metrics.counters.get('frames.in.subscribe') === 1, {
      timeoutMs: 10_000,
      what: 'the session moved to B',
    });
    await b.gateway.publish('dashboard', { kind: 'alert', title: 'after' });
    await waitFor(() => received.length === 3, { timeoutMs: 10_000, what: 'all three events' });
    expect(received.map((e) => e.title)).toEqual(['before', 'during', 'after']);
    const outcomes = session
      .diagnostics()
      .attempts.flatMap((attempt) => (attempt.outcome ? [attempt.outcome] : []));
    const moved = outcomes.find((o) => o.closeCode === LOOKOUT_CLOSE.MOVING);
    expect(moved).toMatchObject({ action: 'back-off' });
    expect(moved?.meaning).toContain('Moving');
    expect(explainCloseCode(LOOKOUT_CLOSE.MOVING).action).toBe('back-off');
  });
});
