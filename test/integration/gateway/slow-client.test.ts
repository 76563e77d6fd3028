import { afterEach, describe, expect, it } from 'vitest';
import { LOOKOUT_CLOSE } from '../../../shared/close-codes';
import { RawWebSocket } from '../../support/raw-ws';
import { waitFor } from '../../support/wait';
import { Fixtures } from '../../support/gateway-fixtures';
import { connect } from '../../support/ws-test-client';

const fx = new Fixtures();
const raws: RawWebSocket[] = [];
afterEach(async () => {
  for (const r of raws.splice(0)) r.destroy();
  await fx.cleanup();
});

const admin = { sub: 'admin@lookout.local', role: 'super_admin' } as const;
const BUDGET = 256 * 1024;
const EVENT_BYTES = 32 * 1024;
/** A frame (event or heartbeat) on top of the budget: the check runs before each send. */
const SLACK = EVENT_BYTES + 4 * 1024;

async function rawClient(port: number, token: string): Promise<RawWebSocket> {
  const raw = await RawWebSocket.open(port, '/ws', [`Authorization: Bearer ${token}`]);
  raws.push(raw);
  await waitFor(() => raw.json().find((f) => f.type === 'hello'), { what: 'hello' });
  return raw;
}

/** Reads on to the close frame: 4014, after events 1..n in order (so `since: n` resumes). Returns n. */
async function expectClosedTooSlowAfterAPrefix(client: RawWebSocket): Promise<number> {
  expect(await client.waitCloseFrame()).toMatchObject({ code: LOOKOUT_CLOSE.TOO_SLOW });
  const seqs = client
    .json()
    .filter((f) => f.type === 'event')
    .map((f) => f.seq as number);
  expect(seqs.length).toBeGreaterThan(0);
  expect(seqs).toEqual(seqs.map((_, i) => i + 1));
  return seqs.length;
}

const event = (i: number) => ({
  kind: 'alert' as const,
  title: `e${i}`,
  data: { pad: 'x'.repeat(EVENT_BYTES) },
});

describe('slow clients: a send budget per socket', () => {
  it('closes a client that never reads but sends PONGs with 4014, its buffer bounded (was: grew without end)', async () => {
    const { gateway, address } = await fx.gateway({
      heartbeatMs: 60_000,
      limits: { maxBufferedBytes: BUDGET },
    });
    const { access } = await gateway.issueTokens(admin);
    const client = await rawClient(address.port, access);
    client.send(0x1, JSON.stringify({ type: 'subscribe', channel: 'dashboard' }));
    await waitFor(() => client.json().find((f) => f.type === 'subscribed'), { what: 'subscribed' });
    client.stopReading();
    let maxBuffered = 0;
    let published = 0;
    // Bounded: 3,000 events of 32 KiB is far past what the kernel buffers absorb.
    while (!gateway.metrics.counters.get('limits.slowClient') && published < 3_000) {
      await gateway.publish('dashboard', event(published++));
      client.unsolicitedPong();
      // Let the fan-out write this event before measuring.
      await new Promise((r) => setImmediate(r));
      maxBuffered = Math.max(maxBuffered, gateway.gauges().sendBufferBytes);
    }
    console.info(
      `slow client: closed after ${published} events of ${EVENT_BYTES / 1024} KiB ` +
        `(${((published * EVENT_BYTES) / 2 ** 20).toFixed(1)} MiB, most of it absorbed by the kernel's socket buffers); ` +
        `peak gateway send buffer ${(maxBuffered / 1024).toFixed(0)} KiB for a ${BUDGET / 1024} KiB budget`,
    );
    expect(gateway.metrics.counters.get('limits.slowClient')).toBe(1);
    expect(gateway.metrics.counters.get(`close.${LOOKOUT_CLOSE.TOO_SLOW}`)).toBe(1);
    expect(maxBuffered).toBeLessThanOrEqual(BUDGET + SLACK);
    // Nothing more is queued for it once closed (its socket still counts until it is gone).
    for (let i = 0; i < 50; i++) {
      await gateway.publish('dashboard', event(published++));
      await new Promise((r) => setImmediate(r));
      maxBuffered = Math.max(maxBuffered, gateway.gauges().sendBufferBytes);
    }
    expect(gateway.gauges().sendBufferBytes).toBeGreaterThan(0);
    expect(maxBuffered).toBeLessThanOrEqual(BUDGET + SLACK);
    // The client, reading again, finds the code after what it had not read, in order.
    await expectClosedTooSlowAfterAPrefix(client);
  });

  it('paces a replay to a client that does not read and closes it with 4014 when it stalls', async () => {
    const { gateway, address } = await fx.gateway({
      heartbeatMs: 60_000,
      stallTimeoutMs: 500,
      limits: { maxBufferedBytes: BUDGET },
    });
    for (let i = 0; i < 600; i++) await gateway.publish('dashboard', event(i));
    const { access } = await gateway.issueTokens(admin);
    const client = await rawClient(address.port, access);
    client.stopReading();
    client.send(0x1, JSON.stringify({ type: 'subscribe', channel: 'dashboard', since: 0 }));
    let maxBuffered = 0;
    await waitFor(
      () => {
        maxBuffered = Math.max(maxBuffered, gateway.gauges().sendBufferBytes);
        return gateway.metrics.counters.get('limits.slowClient') === 1;
      },
      { timeoutMs: 20_000, intervalMs: 5, what: 'the stalled replay closed' },
    );
    expect(maxBuffered).toBeLessThanOrEqual(BUDGET + SLACK);
    expect(await expectClosedTooSlowAfterAPrefix(client)).toBeLessThan(600);
  });

  it('replays more than the budget to a client that reads, whole and in order', async () => {
    const { gateway, address } = await fx.gateway({ limits: { maxBufferedBytes: BUDGET } });
    for (let i = 0; i < 300; i++) await gateway.publish('dashboard', event(i));
    const c = fx.track(await connect(address.wsUrl, (await gateway.issueTokens(admin)).access));
    await c.subscribe('dashboard', 0);
    await c.waitFrame((f) => f.type === 'event' && f.seq === 300, 1, 20_000);
    expect(c.of('event').map((f) => f.seq)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    expect(c.closed).toBeNull();
    expect(gateway.metrics.counters.get('limits.slowClient')).toBeUndefined();
  });
});
