import { describe, expect, it } from 'vitest';
import { endpointSchema } from '../../../shared/config/endpoint';
import { lookoutDialect } from '../dialects/lookout';
import { Redactor } from '../kernel/redact';
import { OUTCOME, outcomeEvents, outcomeFlags } from './decode-outcome';
import { describeDecode, frameDetail, type FrameContext } from './frame-detail';
import { FrameLog } from './frame-log';

/**
 * The frame log keeps a small outcome code per row, not the decode result (issue 23); the
 * inspector re-derives each row's detail from its text with a fresh codec of the endpoint's
 * dialect, and says what it does not know rather than inventing it.
 */

const endpoint = endpointSchema.parse({
  id: 'gw',
  name: 'Gateway',
  dialect: 'lookout',
  url: 'ws://127.0.0.1:1/ws',
  subscriptions: ['dashboard'],
});

const eventFrame = (seq: number) =>
  JSON.stringify({
    type: 'event',
    channel: 'dashboard',
    seq,
    id: `dashboard:${seq}`,
    kind: 'notification',
    severity: 'warning',
    title: `Refund ${seq} pending`,
    body: 'Needs a look',
    time: 1_700_000_000_000,
    data: { n: seq },
    epoch: 'e1',
  });

/** A session's view of the log: one live codec that decodes as frames come, as `FrameIntake` does. */
function harness(frameChars = 64 * 1024) {
  const log = new FrameLog(1024 * 1024, frameChars);
  const live = lookoutDialect.create(endpoint);
  const redactor = new Redactor();
  const ctx: FrameContext = {
    endpoint: endpoint.id,
    log,
    attempts: [],
    redactor,
    previewChars: 300,
    redecode: (text, at) => {
      const codec = lookoutDialect.create(endpoint);
      codec.onOpen();
      codec.subscribe('dashboard');
      return codec.decode(text, at);
    },
  };
  const receive = (text: string, at = 1) => {
    const result = live.decode(text, at);
    const id = log.push({
      at,
      dir: 'in',
      kind: 'text',
      size: text.length,
      text,
      rejected: result.rejected,
      result,
    });
    return log.get(id)!;
  };
  return { log, ctx, receive, redactor };
}

const texts = (lines: Array<{ text: string }>) => lines.map((l) => l.text);

describe('frame log rows keep an outcome code; the inspector re-derives the detail', () => {
  it('a plain event row keeps no decode result, and the inspector still names its event', () => {
    const { ctx, receive } = harness();
    receive(JSON.stringify({ type: 'subscribed', channel: 'dashboard', head: 0, epoch: 'e1' }));
    const row = receive(eventFrame(1));
    expect(row.result).toBeUndefined();
    expect(outcomeFlags(row.outcome)).toBe(OUTCOME.events);
    expect(outcomeEvents(row.outcome)).toBe(1);
    const detail = frameDetail(ctx, row.id)!;
    expect(texts(detail.decode)).toEqual([
      'Event notification (warning) “Refund 1 pending”: channel dashboard, id dashboard:1, seq 1, epoch e1.',
    ]);
  });

  it('reads acks, pongs and greetings again the same way', () => {
    const { ctx, receive } = harness();
    const hello = receive(
      JSON.stringify({
        type: 'hello',
        protocol: 2,
        serverTime: 5,
        connectionId: 'c1',
        instanceId: 'gw-1',
        heartbeatMs: 15_000,
        limits: {
          maxPayloadBytes: 65_536,
          maxSubscriptions: 100,
          ratePerSecond: 20,
          rateBurst: 40,
        },
        user: { sub: 'ann', role: 'support' },
      }),
    );
    const ack = receive(
      JSON.stringify({ type: 'subscribed', channel: 'dashboard', head: 4, epoch: 'e1' }),
    );
    const pong = receive(JSON.stringify({ type: 'pong', t: 3, serverTime: 4 }));
    for (const row of [hello, ack, pong]) expect(row.result).toBeUndefined();
    expect(texts(frameDetail(ctx, hello.id)!.decode)).toEqual(['The server’s greeting.']);
    expect(texts(frameDetail(ctx, ack.id)!.decode)).toEqual([
      'Acknowledged: subscribed dashboard.',
    ]);
    expect(texts(frameDetail(ctx, pong.id)!.decode)).toEqual([
      'Application pong: the answer to Lookout’s application ping.',
    ]);
  });

  it('a row whose outcome depended on the stream (a copy, a gap) keeps its result', () => {
    const { ctx, receive } = harness();
    receive(JSON.stringify({ type: 'subscribed', channel: 'dashboard', head: 0, epoch: 'e1' }));
    receive(eventFrame(1));
    // A fresh codec would take both as new events: only the kept result knows better.
    const copy = receive(eventFrame(1));
    const gap = receive(eventFrame(5));
    expect(copy.result?.dropped).toEqual([{ channel: 'dashboard', reason: 'already-delivered' }]);
    expect(gap.result?.resubscribe).toEqual(['dashboard']);
    expect(texts(frameDetail(ctx, copy.id)!.decode)).toEqual([
      'Dropped by the protocol on dashboard: already-delivered.',
    ]);
    expect(texts(frameDetail(ctx, gap.id)!.decode)).toEqual([
      'Dropped by the protocol on dashboard: gap.',
      'Stream broke: re-subscribing dashboard.',
    ]);
  });

  it('a frame cut at the cap keeps its result (its text alone cannot be decoded again)', () => {
    const { ctx, receive } = harness(200);
    const long = JSON.stringify({
      type: 'event',
      channel: 'dashboard',
      seq: 1,
      id: 'dashboard:1',
      kind: 'notification',
      severity: 'info',
      title: 'Long',
      body: 'x'.repeat(1_000),
      time: 1,
      data: {},
    });
    const row = receive(long);
    expect(row.text).toHaveLength(200);
    expect(row.result?.events).toHaveLength(1);
    expect(texts(frameDetail(ctx, row.id)!.decode)[0]).toMatch(
      /^Event notification \(info\) “Long”: channel dashboard, id dashboard:1/,
    );
  });

  it('says what the frame was on arrival when reading it again now gives something else', () => {
    const { ctx, receive, redactor } = harness();
    const row = receive(eventFrame(1));
    // A codec whose state has moved on (here: one that reads nothing at all).
    const lines = describeDecode(row, redactor, () => ({}));
    expect(texts(lines)).toEqual([
      'Decoded on arrival as 1 event; its detail is read again from the frame when inspected, and this frame no longer reads the same (the protocol’s state has moved on).',
    ]);
    // Without a way to read it again (an export of an old session), the same words.
    expect(texts(describeDecode(row, redactor))).toEqual(texts(lines));
    // A rejected frame needs no re-reading: its reason is kept as text.
    const bad = receive('not json');
    expect(bad.result).toBeUndefined();
    expect(texts(frameDetail(ctx, bad.id)!.decode)).toEqual([
      'Rejected: non-json (counted, not applied).',
    ]);
  });
});
