import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { lookoutEndpoint as endpoint, lookoutEvent as event } from '../../support/lookout-frames';
import type { LiveEvent } from '../../../shared/model/live-event';
import {
  createGateway,
  MemoryEventLog,
  silentGatewayLogger,
  type Gateway,
} from '../../../gateway/src/index';
import { PasswordJwtProvider } from '../../../electron/core/auth/password-jwt-provider';
import { Session } from '../../../electron/core/connection/session';
import { waitFor } from '../../support/wait';
import { WsTestServer } from '../../support/ws-test-server';
import type { DecodeResult } from '../../../electron/core/dialects/dialect';
import { lookoutDialect } from '../../../electron/core/dialects/lookout';

const SECRET = 'codec-test-secret-long-enough-0123456789abcdef';
const admin = { sub: 'admin@lookout.local', role: 'super_admin' } as const;

/**
 * The lookout codec against a real gateway on port 0: over a plain socket and through the Session
 * (restarts, a stream that skips seqs, token expiry). The codec's pure decode tests live beside it
 * in `electron/core/dialects/lookout.test.ts`.
 */
// ------------------------------------------------------------------------ against a real gateway

const gateways: Gateway[] = [];
const sockets: WebSocket[] = [];
const sessions: Session[] = [];
afterEach(async () => {
  for (const s of sessions.splice(0)) await s.stop();
  for (const s of sockets.splice(0)) s.terminate();
  for (const g of gateways.splice(0)) await g.stop();
});

async function gateway(options: Parameters<typeof createGateway>[0] = {}) {
  const g = createGateway({ port: 0, secret: SECRET, logger: silentGatewayLogger, ...options });
  gateways.push(g);
  return { g, address: await g.start() };
}

/** Drive the codec over a plain ws socket, collecting decode results. */
async function drive(codec: ReturnType<typeof lookoutDialect.create>, url: string, token: string) {
  const plan = codec.handshake({ token }, url);
  const ws = new WebSocket(plan.url, { headers: plan.headers });
  sockets.push(ws);
  const results: DecodeResult[] = [];
  ws.on('message', (data) => results.push(codec.decode(data.toString(), Date.now())));
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  return { ws, results, events: () => results.flatMap((r) => r.events ?? []) };
}

describe('lookout codec against a real gateway', () => {
  it('greets, subscribes, receives, and resumes after a reconnect with nothing lost or doubled', async () => {
    const { g, address } = await gateway();
    const { access } = await g.issueTokens(admin);
    const codec = lookoutDialect.create(endpoint({ url: address.wsUrl }));
    const first = await drive(codec, address.wsUrl, access);
    await waitFor(() => first.results.some((r) => r.greeting));
    first.ws.send(codec.subscribe('dashboard') ?? '');
    await waitFor(() => first.results.some((r) => r.acks?.[0]?.channel === 'dashboard'));
    for (let i = 1; i <= 3; i++) await g.publish('dashboard', { kind: 'alert', title: `e${i}` });
    await waitFor(() => first.events().length === 3);
    first.ws.ping();
    first.ws.send(codec.appPing(4242) ?? '');
    await waitFor(() => first.results.some((r) => r.pong?.echo === 4242));
    first.ws.terminate();
    for (let i = 4; i <= 6; i++) await g.publish('dashboard', { kind: 'alert', title: `e${i}` });
    const second = await drive(codec, address.wsUrl, access);
    const resubscribe = JSON.parse(codec.subscribe('dashboard') ?? '');
    expect(resubscribe).toEqual({
      type: 'subscribe',
      channel: 'dashboard',
      since: 3,
      epoch: first.events()[0]?.epoch,
    });
    second.ws.send(JSON.stringify(resubscribe));
    await g.publish('dashboard', { kind: 'alert', title: 'e7' });
    await waitFor(() => second.events().length === 4);
    const all = [...first.events(), ...second.events()];
    expect(all.map((e) => e.title)).toEqual(['e1', 'e2', 'e3', 'e4', 'e5', 'e6', 'e7']);
    expect(all.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(all.every((e) => e.endpoint === 'gw')).toBe(true);
    // A forbidden channel gives a server error, not a rejection.
    const u = await drive(
      lookoutDialect.create(endpoint()),
      address.wsUrl,
      (await g.issueTokens({ sub: 'u', role: 'user' })).access,
    );
    u.ws.send(lookoutDialect.create(endpoint()).subscribe('dashboard') ?? '');
    await waitFor(() => u.results.some((r) => r.serverError?.startsWith('forbidden')));
  });
});

describe('lookout end to end through the Session', () => {
  it('keeps every event exactly once across a gateway restart on the same port', async () => {
    const log = new MemoryEventLog();
    const first = await gateway({ eventLog: log });
    const { access } = await first.g.issueTokens(admin);
    const session = new Session({
      endpoint: endpoint({
        url: first.address.wsUrl,
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
    await waitFor(() => (first.g.metrics.counters.get('frames.in.subscribe') ?? 0) >= 1, {
      what: 'subscription',
    });
    await first.g.publish('dashboard', { kind: 'business.created', title: 'one' });
    await first.g.publish('dashboard', { kind: 'business.updated', title: 'two' });
    await waitFor(() => received.length === 2);

    await first.g.stop();
    gateways.splice(gateways.indexOf(first.g), 1);
    await waitFor(() => session.state !== 'open', { what: 'the session to notice' });
    // Published while no gateway is up (the log outlives the instance).
    const second = createGateway({
      port: first.address.port,
      secret: SECRET,
      logger: silentGatewayLogger,
      eventLog: log,
    });
    gateways.push(second);
    await second.publish('dashboard', { kind: 'reservation.created', title: 'three' });
    await second.publish('dashboard', { kind: 'alert', severity: 'critical', title: 'four' });
    await second.start();
    await waitFor(() => session.state === 'open', { timeoutMs: 10_000, what: 'reconnect' });
    await waitFor(() => received.length === 4, { timeoutMs: 5_000, what: 'replayed events' });
    await second.publish('dashboard', { kind: 'alert', title: 'five' });
    await waitFor(() => received.length === 5);
    expect(received.map((e) => e.title)).toEqual(['one', 'two', 'three', 'four', 'five']);
    expect(received.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(new Set(received.map((e) => e.id)).size).toBe(5);
    expect(session.diagnostics().attempts.length).toBeGreaterThan(1);
  });
});

describe('lookout through the Session: a stream that skips seqs', () => {
  it('drops the event after the gap, re-subscribes from the cursor and gets every event once', async () => {
    const server = await new WsTestServer().start();
    const session = new Session({
      endpoint: endpoint({
        url: server.url,
        subscriptions: ['dashboard'],
        auth: { method: 'none' },
      }),
      dialect: lookoutDialect,
    });
    sessions.push(session);
    const received: LiveEvent[] = [];
    session.on('events', (events) => received.push(...events));
    try {
      session.start();
      const subscribes = () =>
        server.messages().filter((m) => (m as { type?: string }).type === 'subscribe');
      await waitFor(() => subscribes().length === 1, { what: 'subscribe' });
      server.broadcast({ type: 'subscribed', channel: 'dashboard', head: 0, epoch: 'E' });
      for (const seq of [1, 2, 5]) server.broadcast(JSON.parse(event(seq, { epoch: 'E' })));
      // The stream broke between 2 and 5: ask again from 2 instead of skipping 3 and 4 for good.
      await waitFor(() => subscribes().length === 2, { what: 're-subscribe' });
      expect(subscribes()[1]).toEqual({
        type: 'subscribe',
        channel: 'dashboard',
        since: 2,
        epoch: 'E',
      });
      server.broadcast({ type: 'subscribed', channel: 'dashboard', head: 5, epoch: 'E' });
      for (const seq of [3, 4, 5]) server.broadcast(JSON.parse(event(seq, { epoch: 'E' })));
      await waitFor(() => received.length === 5, { what: 'all events' });
      expect(received.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
      const diag = session.diagnostics();
      expect(diag.channels.find((c) => c.name === 'dashboard')).toMatchObject({
        dropped: { gap: 1 },
        resume: { seq: 5, epoch: 'E' },
      });
      expect(diag.frames.filter((f) => f.dropped).map((f) => f.dropped)).toEqual(['gap']);
      expect(diag.counters.droppedEvents).toBe(1);
    } finally {
      await session.stop();
      await server.stop();
    }
  });
});

describe('lookout end to end: token expiry mid-session', () => {
  it('closes 4001, the password-jwt provider refreshes, the session resumes with nothing lost', async () => {
    const { g, address } = await gateway({ demo: true, demoTraffic: false, accessTtlSec: 2 });
    const credentials = new PasswordJwtProvider({
      loginUrl: `${address.url}/auth/login`,
      refreshUrl: `${address.url}/auth/refresh`,
      username: 'admin@lookout.local',
      credentialRef: 'demo',
      getSecret: async () => 'lookout-demo',
      refreshMarginMs: 0,
    });
    const session = new Session({
      endpoint: endpoint({
        url: address.wsUrl,
        auth: {
          method: 'password-jwt',
          username: 'admin@lookout.local',
          credentialRef: 'demo',
          loginUrl: `${address.url}/auth/login`,
          refreshUrl: `${address.url}/auth/refresh`,
        },
        subscriptions: ['dashboard'],
        backoff: { minMs: 50, maxMs: 300, factor: 2, stableAfterMs: 10_000 },
      }),
      dialect: lookoutDialect,
      ports: { credentials, random: () => 0.5 },
    });
    sessions.push(session);
    const received: LiveEvent[] = [];
    session.on('events', (events) => received.push(...events));
    session.start();
    await waitFor(() => (g.metrics.counters.get('frames.in.subscribe') ?? 0) >= 1, {
      what: 'subscription',
    });
    await g.publish('dashboard', { kind: 'alert', title: 'before expiry' });
    await waitFor(() => g.metrics.counters.get('close.4001') === 1, {
      timeoutMs: 6_000,
      what: 'the 4001 close',
    });
    await g.publish('dashboard', { kind: 'alert', title: 'while away' });
    await waitFor(() => (g.metrics.counters.get('frames.in.subscribe') ?? 0) >= 2, {
      timeoutMs: 6_000,
      what: 'the resubscribe',
    });
    await g.publish('dashboard', { kind: 'alert', title: 'after refresh' });
    await waitFor(() => received.length === 3, { timeoutMs: 5_000, what: 'all events' });
    expect(received.map((e) => e.title)).toEqual(['before expiry', 'while away', 'after refresh']);
    expect(received.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(session.state).toBe('open');
    expect(g.metrics.counters.get('http.POST /auth/refresh') ?? 0).toBeGreaterThanOrEqual(1);
  });
});
