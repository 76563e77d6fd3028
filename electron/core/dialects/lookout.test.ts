import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { endpointSchema, type EndpointInput } from '../../../shared/config/endpoint';
import type { LiveEvent } from '../../../shared/model/live-event';
import {
  createGateway,
  MemoryEventLog,
  silentGatewayLogger,
  type Gateway,
} from '../../../gateway/src/index';
import { PasswordJwtProvider } from '../auth/password-jwt-provider';
import { Session } from '../connection/session';
import { waitFor } from '../../../test/support/wait';
import { WsTestServer } from '../../../test/support/ws-test-server';
import type { DecodeResult } from './dialect';
import { lookoutDialect } from './lookout';

const SECRET = 'codec-test-secret-long-enough-0123456789abcdef';
const admin = { sub: 'admin@lookout.local', role: 'super_admin' } as const;

function endpoint(overrides: Partial<EndpointInput> = {}) {
  return endpointSchema.parse({
    id: 'gw',
    name: 'Gateway',
    dialect: 'lookout',
    url: 'ws://127.0.0.1:1/ws',
    auth: { method: 'token', credentialRef: 'gw-token' },
    ...overrides,
  });
}

const frame = (f: Record<string, unknown>) => JSON.stringify(f);
const event = (seq: number, extra: Record<string, unknown> = {}) =>
  frame({
    type: 'event',
    channel: 'dashboard',
    seq,
    id: `dashboard:${seq}`,
    kind: 'business.created',
    severity: 'info',
    title: 'New business',
    body: 'Acme',
    time: 1_700_000_000_000,
    data: { business: { id: 1 } },
    ...extra,
  });

describe('lookout codec: decode', () => {
  it('rejects garbage with a reason and never throws', () => {
    const codec = lookoutDialect.create(endpoint());
    const cases: Array<[string, RegExp]> = [
      ['not json', /^non-json$/],
      ['[1]', /^not-an-object$/],
      ['null', /^not-an-object$/],
      ['42', /^not-an-object$/],
      ['{}', /^unknown-type: \(none\)$/],
      ['{"type":"explode"}', /^unknown-type: explode$/],
      ['{"type":7}', /^unknown-type: 7$/],
      ['{"type":"event","channel":"dashboard"}', /^schema: /],
      [event(0), /^schema: seq/],
      [event(1, { kind: 'nope' }), /^schema: kind/],
      [event(1, { data: [1] }), /^schema: data/],
      ['{"type":"pong","t":"x","serverTime":1}', /^schema: t/],
      ['{"type":"hello"}', /^schema: /],
    ];
    for (const [text, reason] of cases) {
      const result = codec.decode(text, 1);
      expect(result.rejected, text).toMatch(reason);
      expect(result.events, text).toBeUndefined();
    }
  });

  it('maps hello, acks, events, pong, reset, heartbeat and error', () => {
    const codec = lookoutDialect.create(endpoint());
    const hello = codec.decode(
      frame({
        type: 'hello',
        protocol: 1,
        serverTime: 1234,
        connectionId: 'c1',
        instanceId: 'gw-1',
        heartbeatMs: 15000,
        limits: { maxPayloadBytes: 65536, maxSubscriptions: 100, ratePerSecond: 20, rateBurst: 40 },
        user: admin,
      }),
      10,
    );
    expect(hello).toEqual({ greeting: { serverTime: 1234, connectionId: 'c1' } });
    expect(codec.decode(frame({ type: 'subscribed', channel: 'dashboard', head: 0 }), 1)).toEqual({
      acks: [{ op: 'subscribed', channel: 'dashboard' }],
    });
    const got = codec.decode(event(1, { link: 'businesses/1', severity: 'warning' }), 99);
    expect(got.events).toEqual<LiveEvent[]>([
      {
        id: 'dashboard:1',
        endpoint: 'gw',
        channel: 'dashboard',
        kind: 'business.created',
        severity: 'warning',
        title: 'New business',
        body: 'Acme',
        serverTime: 1_700_000_000_000,
        receivedAt: 99,
        seq: 1,
        data: { business: { id: 1 } },
        link: 'businesses/1',
      },
    ]);
    expect(codec.decode(frame({ type: 'pong', t: 50, serverTime: 60 }), 70)).toEqual({
      pong: { echo: 50 },
    });
    expect(codec.decode(frame({ type: 'heartbeat', serverTime: 5 }), 6)).toEqual({});
    expect(
      codec.decode(frame({ type: 'reset', channel: 'stats', head: 40, reason: 'too-old' }), 1),
    ).toEqual({ reset: [{ channel: 'stats', cause: 'too-old' }] });
    expect(
      codec.decode(
        frame({ type: 'error', code: 'forbidden', message: 'no', channel: 'dashboard' }),
        1,
      ),
    ).toEqual({
      serverError: 'forbidden: no (dashboard)',
      refused: [{ channel: 'dashboard', reason: 'forbidden: no' }],
    });
    expect(codec.decode(frame({ type: 'unsubscribed', channel: 'stats' }), 1)).toEqual({
      acks: [{ op: 'unsubscribed', channel: 'stats' }],
    });
  });

  it('keeps cursors: drops duplicates, resumes with since, starts from the head or a reset', () => {
    const codec = lookoutDialect.create(endpoint());
    expect(JSON.parse(codec.subscribe('dashboard') ?? '')).toEqual({
      type: 'subscribe',
      channel: 'dashboard',
    });
    codec.decode(frame({ type: 'subscribed', channel: 'dashboard', head: 4 }), 1);
    // A quiet channel resumes from the head it was subscribed at.
    expect(JSON.parse(codec.subscribe('dashboard') ?? '')).toMatchObject({ since: 4 });
    expect(codec.decode(event(5), 1).events).toHaveLength(1);
    expect(codec.decode(event(6), 1).events).toHaveLength(1);
    // Copies are dropped, and said to be (the session counts them and marks their frame).
    const copy = { dropped: [{ channel: 'dashboard', reason: 'already-delivered' }] };
    expect(codec.decode(event(6), 1)).toEqual(copy);
    expect(codec.decode(event(3), 1)).toEqual(copy);
    expect(JSON.parse(codec.subscribe('dashboard') ?? '')).toEqual({
      type: 'subscribe',
      channel: 'dashboard',
      since: 6,
    });
    codec.decode(frame({ type: 'reset', channel: 'dashboard', head: 100, reason: 'too-old' }), 1);
    expect(JSON.parse(codec.subscribe('dashboard') ?? '')).toMatchObject({ since: 100 });
    expect(codec.unsubscribe('dashboard')).toBe(
      frame({ type: 'unsubscribe', channel: 'dashboard' }),
    );
    expect(JSON.parse(codec.subscribe('dashboard') ?? '')).not.toHaveProperty('since');
    expect(JSON.parse(codec.appPing(77) ?? '')).toEqual({ type: 'ping', t: 77 });
  });

  it('follows epochs: resumes with the epoch, leaves an old one on reset, drops what is not of it', () => {
    const codec = lookoutDialect.create(endpoint());
    codec.decode(frame({ type: 'subscribed', channel: 'dashboard', head: 2, epoch: 'E1' }), 1);
    const e3 = codec.decode(event(3, { epoch: 'E1', origin: 'o-1' }), 5).events?.[0];
    expect(e3).toMatchObject({ seq: 3, epoch: 'E1', origin: 'o-1' });
    expect(JSON.parse(codec.subscribe('dashboard') ?? '')).toEqual({
      type: 'subscribe',
      channel: 'dashboard',
      since: 3,
      epoch: 'E1',
    });
    // The gateway lost its history: a new epoch, replayed from its start.
    expect(
      codec.decode(
        frame({ type: 'reset', channel: 'dashboard', head: 0, epoch: 'E2', reason: 'new-epoch' }),
        6,
      ),
    ).toEqual({ reset: [{ channel: 'dashboard', cause: 'history-lost', leftEpoch: 'E1' }] });
    expect(codec.resumePoint?.('dashboard')).toEqual({ seq: 0, epoch: 'E2' });
    expect(codec.decode(event(1, { epoch: 'E2' }), 7).events?.[0]).toMatchObject({
      seq: 1,
      epoch: 'E2',
    });
    // A late copy from the epoch left behind is never taken for one of the new epoch.
    expect(codec.decode(event(2, { epoch: 'E1' }), 8)).toEqual({
      dropped: [{ channel: 'dashboard', reason: 'old-epoch' }],
      resubscribe: ['dashboard'],
    });
    expect(codec.resumePoint?.('dashboard')).toEqual({ seq: 1, epoch: 'E2' });
  });

  it('re-subscribes from the cursor when the stream skips seqs, once until acknowledged', () => {
    const codec = lookoutDialect.create(endpoint());
    codec.decode(frame({ type: 'subscribed', channel: 'dashboard', head: 0, epoch: 'E' }), 1);
    codec.decode(event(1, { epoch: 'E' }), 1);
    const gap = { channel: 'dashboard', reason: 'gap' };
    expect(codec.decode(event(3, { epoch: 'E' }), 1)).toEqual({
      dropped: [gap],
      resubscribe: ['dashboard'],
    });
    expect(codec.decode(event(4, { epoch: 'E' }), 1)).toEqual({ dropped: [gap] });
    expect(JSON.parse(codec.subscribe('dashboard') ?? '')).toMatchObject({ since: 1 });
    codec.decode(frame({ type: 'subscribed', channel: 'dashboard', head: 4, epoch: 'E' }), 1);
    for (const seq of [2, 3, 4])
      expect(codec.decode(event(seq, { epoch: 'E' }), 1).events).toHaveLength(1);
    expect(codec.decode(event(6, { epoch: 'E' }), 1).resubscribe).toEqual(['dashboard']);
  });

  it('speaks protocol 1: no epoch in subscribe frames, and its own incarnation after a lost history', () => {
    const codec = lookoutDialect.create(endpoint());
    codec.decode(frame({ type: 'subscribed', channel: 'dashboard', head: 5, epoch: 'E1' }), 1);
    const hello = (protocol: number) =>
      frame({
        type: 'hello',
        protocol,
        serverTime: 1,
        connectionId: 'c',
        instanceId: 'gw',
        heartbeatMs: 15000,
        limits: { maxPayloadBytes: 65536, maxSubscriptions: 100, ratePerSecond: 20, rateBurst: 40 },
        user: admin,
      });
    // The subscribe sent on open carried an epoch, which a protocol-1 gateway refuses: again without.
    expect(codec.decode(hello(1), 2).resubscribe).toEqual(['dashboard']);
    expect(JSON.parse(codec.subscribe('dashboard') ?? '')).toEqual({
      type: 'subscribe',
      channel: 'dashboard',
      since: 5,
    });
    // Restarted empty, it answers cursor-ahead: the new history gets ids of its own.
    expect(
      codec.decode(
        frame({ type: 'reset', channel: 'dashboard', head: 0, reason: 'cursor-ahead' }),
        9,
      ).reset,
    ).toEqual([{ channel: 'dashboard', cause: 'history-lost' }]);
    expect(codec.decode(event(1), 10).events?.[0]?.epoch).toBe('local-9');
    expect(codec.decode(hello(2), 11)).toEqual({ greeting: { serverTime: 1, connectionId: 'c' } });
  });

  it('sends the token as a bearer header, or in the query when configured', () => {
    const header = lookoutDialect.create(endpoint({ headers: { 'X-Trace': '1' } }));
    expect(header.handshake({ token: 'abc' }, 'ws://h:1/ws')).toEqual({
      url: 'ws://h:1/ws',
      headers: { 'X-Trace': '1', Authorization: 'Bearer abc' },
    });
    const query = lookoutDialect.create(
      endpoint({ auth: { method: 'token', credentialRef: 'r', send: 'query' } }),
    );
    const plan = query.handshake({ token: 'a b' }, 'ws://h:1/ws');
    expect(plan.url).toBe('ws://h:1/ws?token=a+b');
    expect(plan.headers).toEqual({});
    expect(lookoutDialect.defaultSubscriptions).toEqual(['dashboard', 'stats']);
    // Heartbeats prove the link (dead-peer rule), not delivery: no data-silence window here.
    expect(lookoutDialect.liveness.deadAfterMs).toBeGreaterThan(0);
    expect(lookoutDialect.liveness.staleAfterMs).toBe(0);
    expect(lookoutDialect.liveness.quietAfterMs).toBe(0);
  });

  it('reads /health and /stats answers', () => {
    const [health, stats] = lookoutDialect.probes;
    expect(health?.interpret(200, { status: 'ok' })).toMatchObject({ ok: true, status: 'healthy' });
    expect(health?.interpret(503, { status: 'down', reason: 'redis unreachable' })).toMatchObject({
      ok: false,
      status: 'down',
      summary: expect.stringContaining('redis unreachable'),
    });
    expect(
      stats?.interpret(200, {
        connections: 2,
        subscriptions: 3,
        storage: { ok: true, kind: 'redis' },
      }),
    ).toMatchObject({ ok: true });
    expect(stats?.interpret(500, 'x')).toMatchObject({ ok: false });
  });
});

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
