import { afterEach, describe, expect, it } from 'vitest';
import { Session } from '../../../electron/core/connection/session';
import {
  CredentialsError,
  type CredentialProvider,
  type SystemEvents,
} from '../../../electron/core/kernel/ports';
import type { StateChange } from '../../../shared/model/connection';
import type { LiveEvent } from '../../../shared/model/live-event';
import { testDialect } from '../../support/test-dialect';
import { testEndpoint } from '../../support/endpoint';
import { WsTestServer } from '../../support/ws-test-server';
import { FaultProxy } from '../../support/fault-proxy';
import { jumpingClock } from '../../support/jumping-clock';
import { waitFor, sleep } from '../../support/wait';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function server(
  options: ConstructorParameters<typeof WsTestServer>[0] = {},
): Promise<WsTestServer> {
  const s = await new WsTestServer(options).start();
  cleanups.push(() => s.stop());
  return s;
}

function track(session: Session) {
  const states: StateChange[] = [];
  const events: LiveEvent[] = [];
  session.on('state', (c) => states.push(c));
  session.on('events', (e) => events.push(...e));
  cleanups.push(() => session.stop());
  return { states, events, path: () => states.map((s) => s.to) };
}

describe('Session against a real ws server', () => {
  it('connects, subscribes and translates events', async () => {
    const s = await server();
    const session = new Session({
      endpoint: testEndpoint({ url: s.url, subscriptions: ['dashboard', 'stats'] }),
      dialect: testDialect(),
    });
    const t = track(session);
    session.start();
    await waitFor(() => session.state === 'open');
    await waitFor(() => s.received.length === 2);
    expect(s.messages()).toEqual([
      { type: 'sub', channel: 'dashboard' },
      { type: 'sub', channel: 'stats' },
    ]);
    s.broadcast({ type: 'event', id: 'e1', title: 'Hello' });
    await waitFor(() => t.events.length === 1);
    expect(t.events[0]).toMatchObject({ id: 'e1', endpoint: 'test', title: 'Hello' });
    expect(t.path()).toEqual(['connecting', 'open']);
    expect(session.diagnostics().counters).toMatchObject({ framesIn: 1, framesOut: 2, events: 1 });
  });

  it('keeps per-channel health: acknowledged subscriptions, events and the last event time', async () => {
    const s = await server();
    const session = new Session({
      endpoint: testEndpoint({ url: s.url, subscriptions: ['dashboard', 'stats'] }),
      dialect: testDialect(),
    });
    const t = track(session);
    session.start();
    await waitFor(() => s.received.length === 2);
    s.broadcast({ type: 'subscribed', channel: 'dashboard' });
    s.broadcast({ type: 'event', id: 'a', channel: 'dashboard' });
    s.broadcast({ type: 'event', id: 'b', channel: 'dashboard' });
    s.broadcast({ type: 'event', id: 'c', channel: 'surprise' });
    await waitFor(() => t.events.length === 3);
    // An error naming no channel while `stats` awaits its ack: the server refused `stats`.
    s.broadcast({ type: 'error', message: 'Unknown channel: stats' });
    await waitFor(() => session.diagnostics().channels.find((c) => c.name === 'stats')?.refused);
    const channels = session.diagnostics().channels;
    const none = { dropped: {}, resume: null, lastReset: null };
    expect(channels).toEqual([
      {
        name: 'dashboard',
        subscribed: true,
        acknowledged: true,
        refused: null,
        events: 2,
        lastEventAt: expect.any(Number),
        ...none,
      },
      {
        name: 'stats',
        subscribed: true,
        acknowledged: false,
        refused: 'Unknown channel: stats',
        events: 0,
        lastEventAt: null,
        ...none,
      },
      {
        name: 'surprise',
        subscribed: false,
        acknowledged: false,
        refused: null,
        events: 1,
        lastEventAt: expect.any(Number),
        ...none,
      },
    ]);
    // Only data proves delivery: the ack and the error left `lastDataAt` at the last event, `c`
    // on `surprise` (not `b` on `dashboard`: on a loaded machine the two arrive in different ms).
    const lastData = session.diagnostics().lastDataAt;
    expect(lastData).toBe(channels.find((c) => c.name === 'surprise')?.lastEventAt);

    // Channel rows follow the socket: once it is down nothing is acknowledged or refused.
    await s.kill();
    await waitFor(() => session.state !== 'open');
    expect(session.diagnostics().channels.map((c) => [c.name, c.acknowledged, c.refused])).toEqual([
      ['dashboard', false, null],
      ['stats', false, null],
      ['surprise', false, null],
    ]);
  });

  it('reconnects after the server is killed and restarted, with the jittered delay, and resubscribes', async () => {
    const s = await server();
    const session = new Session({
      endpoint: testEndpoint({ url: s.url, subscriptions: ['dashboard'] }),
      dialect: testDialect(),
      ports: { random: () => 0.5 },
    });
    const t = track(session);
    session.start();
    await waitFor(() => s.received.length === 1);
    await s.kill();
    await waitFor(() => session.state === 'backing-off');
    await sleep(150);
    await s.start();
    await waitFor(() => session.state === 'open', { timeoutMs: 5_000 });
    await waitFor(() => s.received.length === 2);
    expect(s.messages()[1]).toEqual({ type: 'sub', channel: 'dashboard' });
    const d = session.diagnostics();
    const failed = d.attempts.filter((a) => a.outcome && a.openedAt === undefined);
    expect(failed.length).toBeGreaterThan(0);
    expect(failed[0]?.outcome?.error).toBe('ECONNREFUSED');
    // Full jitter with random 0.5: the first delay after the drop is half the 20 ms minimum.
    expect(d.attempts[1]).toMatchObject({ trigger: 'backoff', delayMs: 10 });
    expect(d.attempts[0]?.outcome).toMatchObject({ closeCode: 1006, action: 'back-off' });
    expect(d.counters.reconnects).toBeGreaterThanOrEqual(1);
    expect(t.path()).toContain('backing-off');
  });

  it('follows the close-code policy: 1012 retries now, 1011 backs off', async () => {
    const s = await server();
    const session = new Session({
      endpoint: testEndpoint({ url: s.url }),
      dialect: testDialect(),
      ports: { random: () => 0.999 },
    });
    track(session);
    session.start();
    await waitFor(() => s.clients.length === 1);
    s.clients[0]?.close(1012, 'restart');
    await waitFor(() => session.diagnostics().attempts.length === 2 && session.state === 'open');
    expect(session.diagnostics().attempts[1]).toMatchObject({ delayMs: 0 });
    s.clients[0]?.close(1011, 'boom');
    await waitFor(() => session.diagnostics().attempts.length === 3 && session.state === 'open');
    const [, second, third] = session.diagnostics().attempts;
    expect(second?.outcome).toMatchObject({
      closeCode: 1011,
      closeReason: 'boom',
      action: 'back-off',
    });
    expect(third?.delayMs).toBeGreaterThan(0);
  });

  it('refreshes the token once on 4001 and stops on 4003 without storming', async () => {
    let n = 0;
    const forced: boolean[] = [];
    const credentials: CredentialProvider = {
      getCredentials: async ({ forceRefresh }) => {
        forced.push(forceRefresh);
        n += 1;
        return { token: `token-number-${n}` };
      },
    };
    const s = await server();
    const session = new Session({
      endpoint: testEndpoint({ url: s.url }),
      dialect: testDialect(),
      ports: { credentials },
    });
    const t = track(session);
    session.start();
    await waitFor(() => s.clients.length === 1);
    s.clients[0]?.close(4001, 'token expired');
    await waitFor(() => s.upgrades.length === 2 && session.state === 'open');
    expect(forced).toEqual([false, true]);
    expect(s.upgrades.map((u) => u.headers.authorization)).toEqual([
      'Bearer token-number-1',
      'Bearer token-number-2',
    ]);
    s.clients[0]?.close(4003, 'forbidden');
    // Same incident (not yet stable): the credentials were renewed already, so the user is asked.
    await waitFor(() => session.state === 'auth-required');
    await sleep(200);
    expect(s.upgrades.length).toBe(2);
    expect(t.states.at(-1)?.reason).toMatch(/Sign-in refused/);
    const bundle = JSON.stringify(session.diagnostics());
    expect(bundle).not.toContain('token-number-1');
    expect(bundle).not.toContain('token-number-2');
  });

  it('explains handshake 401 and 403 (renew once per incident, then ask) and keeps retrying 500', async () => {
    let status = 401;
    const s = await server({ onUpgrade: () => ({ status }) });
    let calls = 0;
    const credentials: CredentialProvider = {
      getCredentials: async () => ({ token: `t-${++calls}-secret` }),
    };
    const session = new Session({
      endpoint: testEndpoint({ url: s.url }),
      dialect: testDialect(),
      ports: { credentials },
    });
    track(session);
    session.start();
    await waitFor(() => session.state === 'auth-required');
    expect(s.upgrades.length).toBe(2);
    const attempts = session.diagnostics().attempts;
    expect(attempts[0]?.outcome).toMatchObject({ handshakeStatus: 401, action: 'refresh-token' });
    expect(attempts[1]).toMatchObject({ trigger: 'token-refreshed' });

    status = 403;
    session.reconnect();
    // A new incident: one renewal first, and only its refusal asks the user.
    await waitFor(() => s.upgrades.length === 4 && session.state === 'auth-required');
    expect(session.diagnostics().attempts.at(-1)).toMatchObject({ trigger: 'token-refreshed' });
    expect(session.diagnostics().lastOutcome).toMatchObject({
      handshakeStatus: 403,
      action: 'sign-in',
    });
    expect(session.diagnostics().lastOutcome?.meaning).toMatch(/Forbidden/);

    status = 500;
    session.reconnect();
    await waitFor(() => s.upgrades.length >= 7);
    expect(session.state).not.toBe('auth-required');
    expect(session.diagnostics().lastOutcome).toMatchObject({
      handshakeStatus: 500,
      action: 'back-off',
    });
  });

  it('reports a server that accepts TCP but never answers the upgrade', async () => {
    const s = await server({ onUpgrade: () => ({ hang: true }) });
    const session = new Session({
      endpoint: testEndpoint({ url: s.url, handshakeTimeoutMs: 500 }),
      dialect: testDialect(),
    });
    track(session);
    session.start();
    await waitFor(() => session.diagnostics().lastOutcome !== null, { timeoutMs: 5_000 });
    expect(session.diagnostics().lastOutcome).toMatchObject({
      error: 'HANDSHAKE_TIMEOUT',
      action: 'back-off',
    });
    expect(session.diagnostics().lastOutcome?.meaning).toMatch(
      /never answered the WebSocket upgrade/,
    );
  });

  it('detects a half-open connection through a paused proxy and reconnects when the path heals', async () => {
    const s = await server();
    const proxy = await new FaultProxy(s.port).start();
    cleanups.push(() => proxy.stop());
    const session = new Session({
      endpoint: testEndpoint({
        url: proxy.url,
        liveness: { pingIntervalMs: 100, deadAfterMs: 400 },
      }),
      dialect: testDialect(),
    });
    track(session);
    session.start();
    await waitFor(() => session.state === 'open');
    await waitFor(() => session.diagnostics().rtt.samples >= 2);
    proxy.pause();
    await waitFor(() => session.state !== 'open', { timeoutMs: 3_000 });
    const ended = session.diagnostics().attempts[0]?.outcome;
    expect(ended?.meaning).toMatch(/half-open/);
    proxy.resume();
    await waitFor(() => session.state === 'open', { timeoutMs: 5_000 });
    // The first attempt after the dead peer may still meet the paused path and fail; one of them is it.
    expect(session.diagnostics().attempts.some((a) => a.trigger === 'dead-peer')).toBe(true);
    expect(session.diagnostics().rtt.p50Ms).not.toBeNull();
  });

  it('survives garbage, binary, unknown and oversized frames, counting each', async () => {
    const s = await server();
    const session = new Session({
      endpoint: testEndpoint({ url: s.url, maxPayloadBytes: 1_024 }),
      dialect: testDialect(),
    });
    const t = track(session);
    session.start();
    await waitFor(() => s.clients.length === 1);
    s.broadcast('not json {');
    s.broadcast('[1]');
    s.broadcast({ type: 'mystery' });
    s.broadcast({ type: 'event', id: 'big', title: 'x'.repeat(2_000) });
    s.clients[0]?.send(Buffer.from([1, 2, 3]), { binary: true });
    s.broadcast({ type: 'error', message: 'Unknown action: ping' });
    s.broadcast({ type: 'event', id: 'ok' });
    await waitFor(() => t.events.length === 1);
    const d = session.diagnostics();
    expect(session.state).toBe('open');
    expect(t.events[0]?.id).toBe('ok');
    expect(d.rejections).toMatchObject({
      'non-json': 1,
      'not-an-object': 1,
      'unknown-type: mystery': 1,
      'binary-frame': 1,
    });
    expect(Object.keys(d.rejections).some((k) => k.startsWith('oversized'))).toBe(true);
    expect(d.counters.rejectedFrames).toBe(5);
    expect(d.serverErrors.map((e) => e.message)).toEqual(['Unknown action: ping']);
    expect(d.frames.filter((f) => f.rejected).length).toBe(5);
  });

  it('goes stale on silence, re-subscribes, then reconnects', async () => {
    const s = await server();
    const session = new Session({
      endpoint: testEndpoint({
        url: s.url,
        subscriptions: ['stats'],
        liveness: { staleAfterMs: 300 },
      }),
      dialect: testDialect(),
    });
    const t = track(session);
    session.start();
    await waitFor(() => session.state === 'stale', { timeoutMs: 3_000 });
    await waitFor(() => s.received.length === 2);
    expect(s.messages()).toEqual([
      { type: 'sub', channel: 'stats' },
      { type: 'sub', channel: 'stats' },
    ]);
    s.broadcast({ type: 'event', id: 'fresh' });
    await waitFor(() => session.state === 'open');
    await waitFor(() => session.diagnostics().attempts.length >= 2, { timeoutMs: 4_000 });
    expect(session.diagnostics().attempts.at(-1)?.trigger).toBe('stale');
    expect(t.path()).toEqual(expect.arrayContaining(['stale', 'open']));
  });

  it('asks for sign-in when the credential provider says so, and backs off when it merely fails', async () => {
    const s = await server();
    let mode: 'fail' | 'sign-in' | 'ok' = 'fail';
    const credentials: CredentialProvider = {
      getCredentials: async () => {
        if (mode === 'fail') {
          mode = 'ok';
          throw new Error('login server unreachable');
        }
        if (mode === 'sign-in')
          throw new CredentialsError(
            'No password stored for admin@example.com: sign in from Settings.',
          );
        return { token: 'abcd-good-token' };
      },
    };
    const session = new Session({
      endpoint: testEndpoint({ url: s.url }),
      dialect: testDialect(),
      ports: { credentials, random: () => 0.5 },
    });
    const t = track(session);
    session.start();
    await waitFor(() => session.state === 'open');
    expect(session.diagnostics().attempts[0]?.outcome?.meaning).toMatch(/login server unreachable/);
    expect(t.path()).toEqual(['connecting', 'backing-off', 'connecting', 'open']);
    mode = 'sign-in';
    s.clients[0]?.close(1011);
    await waitFor(() => session.state === 'auth-required');
    expect(t.states.at(-1)?.reason).toMatch(/sign in from Settings/);
    const upgrades = s.upgrades.length;
    await sleep(150);
    expect(s.upgrades.length).toBe(upgrades);
  });

  it('connects at once when the network comes back or the machine resumes', async () => {
    const s = await server();
    await s.kill();
    const listeners = new Map<string, () => void>();
    const system: SystemEvents = {
      on: (event, listener) => {
        listeners.set(event, listener);
        return () => listeners.delete(event);
      },
    };
    const session = new Session({
      endpoint: testEndpoint({
        url: s.url,
        backoff: { minMs: 60_000, maxMs: 60_000, factor: 2, stableAfterMs: 1_000 },
      }),
      dialect: testDialect(),
      ports: { system, random: () => 0.99 },
    });
    track(session);
    session.start();
    await waitFor(() => session.state === 'backing-off');
    await s.start();
    listeners.get('online')?.();
    await waitFor(() => session.state === 'open');
    expect(session.diagnostics().attempts.at(-1)).toMatchObject({ trigger: 'network-online' });

    await s.kill();
    await waitFor(() => session.state === 'backing-off');
    await s.start();
    listeners.get('resume')?.();
    await waitFor(() => session.state === 'open');
    expect(session.diagnostics().attempts.at(-1)).toMatchObject({ trigger: 'resume' });
  });

  it('notices timers that fired late (the machine slept) and reconnects at once', async () => {
    const s = await server();
    await s.kill();
    const clock = jumpingClock();
    const session = new Session({
      endpoint: testEndpoint({
        url: s.url,
        backoff: { minMs: 60_000, maxMs: 60_000, factor: 2, stableAfterMs: 1_000 },
      }),
      dialect: testDialect(),
      ports: { clock, random: () => 0.99 },
      sleepDetectionMs: 2_000,
    });
    track(session);
    session.start();
    await waitFor(() => session.state === 'backing-off');
    await s.start();
    clock.jump(3_600_000); // an hour passes in one step, as after a suspend
    await waitFor(() => session.state === 'open', { timeoutMs: 5_000 });
    expect(session.diagnostics().attempts.at(-1)).toMatchObject({ trigger: 'resume' });
  });

  it('fails over to the next URL and never queues outgoing frames while closed', async () => {
    const dead = await server();
    await dead.kill();
    const alive = await server();
    const session = new Session({
      endpoint: testEndpoint({ url: [dead.url, alive.url] }),
      dialect: testDialect(),
      ports: { random: () => 0 },
    });
    track(session);
    expect(session.send('{"type":"early"}')).toBe(false);
    session.start();
    await waitFor(() => session.state === 'open');
    expect(session.diagnostics().url).toBe(alive.url);
    expect(session.diagnostics().attempts.at(-1)?.trigger).toBe('failover');
    await sleep(50);
    expect(alive.messages()).not.toContainEqual({ type: 'early' });
    expect(session.diagnostics().rejections['send-while-closed']).toBe(1);
  });

  it('stops for good and makes no more attempts', async () => {
    const s = await server();
    const session = new Session({ endpoint: testEndpoint({ url: s.url }), dialect: testDialect() });
    const t = track(session);
    session.start();
    await waitFor(() => session.state === 'open');
    await session.stop();
    expect(session.state).toBe('stopped');
    await sleep(150);
    expect(s.upgrades.length).toBe(1);
    expect(s.clients.length).toBe(0);
    expect(t.path()).toEqual(['connecting', 'open', 'stopped']);
  });
});
