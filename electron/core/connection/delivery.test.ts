import { describe, expect, it } from 'vitest';
import type { RedisProbeResult } from '../../../shared/model/health';
import { deliveryHealth, type DeliveryInput } from './delivery';

const facts = {
  open: true,
  openedAt: 1_000,
  lastDataAt: null,
  silentSince: 1_000,
  quietTooLong: false,
  idle: false,
  quietAfterMs: 30_000,
};
const input = (over: Partial<DeliveryInput> = {}): DeliveryInput => ({
  facts,
  silence: 'sakura sends a snapshot every 2 s.',
  redis: null,
  hasProbe: false,
  degraded: null,
  caveat: null,
  ...over,
});
const probe = (status: RedisProbeResult['status'], at = 50_000): RedisProbeResult => ({
  at,
  status,
  counts: { chat_updates: status === 'deaf' ? 0 : 1 },
  detail: status,
});

describe('deliveryHealth', () => {
  it('is offline when the socket is not open, whatever else is known', () => {
    expect(
      deliveryHealth(input({ facts: { ...facts, open: false }, redis: probe('deaf') })).status,
    ).toBe('offline');
  });

  it('calls only data "flowing": a connection without data is quiet, then unverified', () => {
    expect(deliveryHealth(input()).status).toBe('quiet');
    expect(deliveryHealth(input({ facts: { ...facts, lastDataAt: 2_000 } })).status).toBe(
      'flowing',
    );
    // Data from an earlier connection proves nothing about this one.
    expect(deliveryHealth(input({ facts: { ...facts, lastDataAt: 500 } })).status).toBe('quiet');
    const quiet = deliveryHealth(input({ facts: { ...facts, quietTooLong: true } }));
    expect(quiet.status).toBe('unverified');
    expect(quiet.detail).toMatch(/no Redis probe is configured/);
  });

  it('deaf beats flowing data (snapshots keep coming while its Redis listener is dead)', () => {
    const h = deliveryHealth(
      input({ facts: { ...facts, lastDataAt: 40_000 }, redis: probe('deaf'), hasProbe: true }),
    );
    expect(h.status).toBe('deaf');
  });

  it('a quiet connection is verified only by a probe taken during the silence', () => {
    const quiet = { ...facts, quietTooLong: true, silentSince: 40_000 };
    expect(
      deliveryHealth(input({ facts: quiet, redis: probe('subscribed', 45_000), hasProbe: true }))
        .status,
    ).toBe('verified');
    const old = deliveryHealth(
      input({ facts: quiet, redis: probe('subscribed', 30_000), hasProbe: true }),
    );
    expect(old).toMatchObject({ status: 'unverified', detail: 'waiting for the Redis probe.' });
    expect(
      deliveryHealth(input({ facts: quiet, redis: probe('unreachable', 45_000), hasProbe: true }))
        .detail,
    ).toMatch(/could not check/);
  });

  it('reports what the backend says (degraded) and what cannot arrive (an anonymous socket)', () => {
    expect(deliveryHealth(input({ degraded: 'Redis down' }))).toMatchObject({
      status: 'degraded',
      detail: 'Redis down',
    });
    expect(
      deliveryHealth(input({ facts: { ...facts, lastDataAt: 2_000 }, caveat: 'anonymous' })),
    ).toMatchObject({ status: 'unverified', detail: 'anonymous' });
  });
});
