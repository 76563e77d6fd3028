import { describe, expect, it } from 'vitest';
import {
  lookoutEndpoint as endpoint,
  lookoutEvent as event,
  frame,
} from '../../../test/support/lookout-frames';
import type { LiveEvent } from '../../../shared/model/live-event';
import { lookoutDialect } from './lookout';

/** The lookout codec's decode and encode, pure; against a real gateway: test/integration/dialects/lookout.test.ts. */
const admin = { sub: 'admin@lookout.local', role: 'super_admin' } as const;

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
