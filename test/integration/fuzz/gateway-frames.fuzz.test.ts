import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { LOOKOUT_CLOSE } from '../../../shared/close-codes';
import { Fixtures, TEST_API_KEY } from '../../support/gateway-fixtures';
import { connect, http, type TestClient } from '../../support/ws-test-client';
import { waitFor } from '../../support/wait';
import { prototypeFingerprint } from '../../support/fuzz/decode-invariants';
import {
  bytesTextArb,
  jsonTextArb,
  mutatedSeedArb,
  objectFrameArb,
  truncatedSeedArb,
} from '../../support/fuzz/frame-arbitraries';

/**
 * The gateway's frame handling under property-based fuzzing, over real sockets: every frame a
 * client sends is either understood or answered with an error frame and counted under a reason;
 * the connection stays up, no prototype is touched, and a bystander's events keep flowing in order.
 * The limits that close (oversized frames, floods) hit only the offender.
 */

const SEED = 0x6a7e;
const RUNS = Number(process.env.LOOKOUT_FUZZ_RUNS ?? 300);
const admin = { sub: 'admin@lookout.local', role: 'super_admin' } as const;

const fx = new Fixtures();
afterEach(() => fx.cleanup());

const CLIENT_SEEDS: ReadonlyArray<Record<string, unknown>> = [
  { type: 'subscribe', channel: 'dashboard' },
  { type: 'subscribe', channel: 'tasks:admin@lookout.local', since: 3 },
  { type: 'unsubscribe', channel: 'dashboard' },
  { type: 'ping', t: 1_700_000_000_000 },
];

/** Sum of the counters under a prefix. */
function counted(counters: Map<string, number>, prefix: string): number {
  let n = 0;
  for (const [k, v] of counters) if (k.startsWith(prefix)) n += v;
  return n;
}

/** A bystander that receives `n` published events, in order, exactly once. */
async function expectBystanderReceives(
  bystander: TestClient,
  publish: (title: string) => Promise<unknown>,
  n: number,
): Promise<void> {
  const before = bystander.of('event', 'dashboard').length;
  for (let i = 0; i < n; i++) await publish(`bystander ${i}`);
  await waitFor(() => bystander.of('event', 'dashboard').length >= before + n, {
    timeoutMs: 10_000,
    what: 'bystander events',
  });
  const seqs = bystander.of('event', 'dashboard').map((f) => f.seq as number);
  expect(seqs).toEqual(seqs.map((_, i) => (seqs[0] ?? 1) + i));
}

describe('gateway frame handling under fuzzing', () => {
  it('answers or counts every hostile frame with a reason, keeps the socket, pollutes nothing', async () => {
    const baseline = prototypeFingerprint();
    const { gateway, address } = await fx.gateway({
      // Rate limits are tested below; here every frame must reach the parser.
      limits: { ratePerSecond: 100_000, rateBurst: 100_000, maxSubscriptions: 1_000 },
    });
    const token = (await gateway.issueTokens(admin)).access;
    const fuzzer = fx.track(await connect(address.wsUrl, token));
    const bystander = fx.track(await connect(address.wsUrl, token));
    await bystander.subscribe('dashboard');

    const arbitraries: Array<[string, fc.Arbitrary<string>, number]> = [
      ['random bytes', bytesTextArb, RUNS],
      ['random JSON with pollution keys', jsonTextArb, RUNS],
      [
        'client frame types, wrong fields',
        objectFrameArb(['subscribe', 'unsubscribe', 'ping']),
        RUNS,
      ],
      ['mutated valid frames', mutatedSeedArb(CLIENT_SEEDS), RUNS * 2],
      ['truncated valid frames', truncatedSeedArb(CLIENT_SEEDS), RUNS / 2],
    ];
    const frames: string[] = [];
    for (const [, arb, numRuns] of arbitraries)
      frames.push(...fc.sample(arb, { seed: SEED, numRuns }));
    // Deep nesting under the 64 KiB limit: the gateway once stringified an attacker's `type`.
    for (const depth of [1_000, 10_000, 30_000]) {
      frames.push(`{"type":${'['.repeat(depth)}${']'.repeat(depth)}}`);
      frames.push(`{"type":"subscribe","channel":${'['.repeat(depth)}${']'.repeat(depth)}}`);
      const objects = Math.floor(depth / 3);
      frames.push(`{"type":"ping","t":1,"x":${'{"a":'.repeat(objects)}0${'}'.repeat(objects)}}`);
    }
    frames.push('{"__proto__":{"polluted":1},"type":"ping","t":1}');
    frames.push(
      '{"type":"subscribe","channel":"dashboard","constructor":{"prototype":{"polluted":1}}}',
    );

    // Frames the gateway has read from anyone (the bystander's subscribe is already in).
    const read = () =>
      counted(gateway.metrics.counters, 'badFrames.') +
      counted(gateway.metrics.counters, 'frames.in.');
    const before = read();
    let total = 0;
    for (const [i, frame] of frames.entries()) {
      fuzzer.send(frame);
      total++;
      if (i % 50 === 49) {
        fuzzer.ws.send(Buffer.from(frame.slice(0, 50)), { binary: true });
        total++;
      }
      if (i % 50 === 49 || i === frames.length - 1) {
        // Let the gateway keep up, so the bystander check below measures fairness, not backlog.
        const expected = before + total;
        await waitFor(() => read() === expected, {
          timeoutMs: 15_000,
          what: `frame ${i} read (${read() - before} of ${total}; ${JSON.stringify(frame).slice(0, 80)})`,
        });
      }
    }
    const bad = counted(gateway.metrics.counters, 'badFrames.');
    const understood = total - bad;
    console.info(
      `gateway fuzzing (seed ${SEED}): ${total} frames, ${bad} refused with an error frame, ${understood} understood; ` +
        JSON.stringify(
          Object.fromEntries(
            [...gateway.metrics.counters].filter(([k]) => k.startsWith('badFrames.')),
          ),
        ),
    );
    // Every refused frame was answered with an error frame carrying a code and a message.
    await waitFor(() => fuzzer.of('error').length >= bad, { timeoutMs: 10_000, what: 'errors' });
    for (const error of fuzzer.of('error')) {
      expect(typeof error.code).toBe('string');
      expect(typeof error.message).toBe('string');
      expect((error.message as string).length).toBeLessThan(300);
    }
    expect(fuzzer.of('__unparsable__')).toEqual([]);
    expect(fuzzer.closed).toBeNull();
    fuzzer.send({ type: 'ping', t: 42 });
    expect(await fuzzer.waitFrame((f) => f.type === 'pong' && f.t === 42)).toBeTruthy();
    await expectBystanderReceives(
      bystander,
      (t) => gateway.publish('dashboard', { kind: 'alert', title: t }),
      5,
    );
    expect(bystander.closed).toBeNull();
    expect(prototypeFingerprint()).toBe(baseline);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  }, 90_000);

  it('closes an oversized sender with 4009 and a flooder with 4008; a bystander is unaffected', async () => {
    const { gateway, address } = await fx.gateway({
      limits: { maxPayloadBytes: 4 * 1024, ratePerSecond: 5, rateBurst: 10 },
    });
    const token = (await gateway.issueTokens(admin)).access;
    const bystander = fx.track(await connect(address.wsUrl, token));
    await bystander.subscribe('dashboard');
    const big = fx.track(await connect(address.wsUrl, token));
    const flooder = fx.track(await connect(address.wsUrl, token));
    const publishing = (async () => {
      for (let i = 0; i < 20; i++)
        await gateway.publish('dashboard', { kind: 'alert', title: `e${i}` });
    })();
    big.send({ type: 'ping', t: 1, pad: 'x'.repeat(64 * 1024) });
    for (let i = 0; i < 500; i++) flooder.send({ type: 'ping', t: i });
    expect((await big.waitClose()).code).toBe(LOOKOUT_CLOSE.TOO_BIG);
    expect((await flooder.waitClose()).code).toBe(LOOKOUT_CLOSE.RATE_LIMITED);
    await publishing;
    await waitFor(() => bystander.of('event', 'dashboard').length === 20, {
      timeoutMs: 10_000,
      what: 'all 20 events',
    });
    expect(bystander.of('event', 'dashboard').map((f) => f.seq)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    expect(bystander.closed).toBeNull();
    expect(gateway.metrics.counters.get('limits.tooBig')).toBe(1);
    expect(gateway.metrics.counters.get('limits.rateLimited')).toBe(1);
  });

  it('answers 400 to a publish whose data is nested too deep to validate (was a 500 and an error log)', async () => {
    const { address } = await fx.gateway();
    const deep = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
    const body = `{"channel":"dashboard","kind":"alert","title":"t","data":{"x":${deep}}}`;
    const res = await http(address.url, 'POST', '/publish', body, {
      authorization: `Bearer ${TEST_API_KEY}`,
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('bad-request');
    const ok = await http(
      address.url,
      'POST',
      '/publish',
      { channel: 'dashboard', kind: 'alert', title: 'fine' },
      {
        authorization: `Bearer ${TEST_API_KEY}`,
      },
    );
    expect(ok.status).toBe(202);
  });
});
