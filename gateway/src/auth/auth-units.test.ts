import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { BoundedBuckets, RevocationMirror } from './auth-state';
import { ClientAddresses } from './client-address';

const req = (remote: string, xff?: string | string[]) =>
  ({
    socket: { remoteAddress: remote },
    headers: xff === undefined ? {} : { 'x-forwarded-for': xff },
  }) as unknown as IncomingMessage;

describe('ClientAddresses', () => {
  it('ignores X-Forwarded-For from untrusted peers and walks trusted hops from the right', () => {
    const none = new ClientAddresses();
    expect(none.of(req('10.0.0.1', '1.2.3.4'))).toBe('10.0.0.1');
    const proxies = new ClientAddresses(['10.0.0.0/8', '::1', 'fd00::/8']);
    expect(proxies.of(req('203.0.113.9', '1.2.3.4'))).toBe('203.0.113.9');
    expect(proxies.of(req('10.0.0.1', '1.2.3.4, 10.9.9.9'))).toBe('1.2.3.4');
    expect(proxies.of(req('::ffff:10.0.0.1', '198.51.100.2'))).toBe('198.51.100.2');
    expect(proxies.of(req('::1', ['5.6.7.8', '1.2.3.4, fd00::1']))).toBe('1.2.3.4');
    // A hop no proxy of ours would write stops the walk at the last address it trusted.
    expect(proxies.of(req('10.0.0.1', 'evil, not-an-ip'))).toBe('10.0.0.1');
    // Every hop trusted: the left-most is as far as anyone can tell.
    expect(proxies.of(req('10.0.0.1', '10.1.1.1, 10.2.2.2'))).toBe('10.1.1.1');
    expect(proxies.of(req('10.0.0.1'))).toBe('10.0.0.1');
  });

  it('refuses a trusted-proxy entry that is not an address or range', () => {
    expect(() => new ClientAddresses(['proxy.internal'])).toThrow(/not an IP address/);
    expect(() => new ClientAddresses(['10.0.0.0/33'])).toThrow(/prefix length/);
  });
});

describe('BoundedBuckets', () => {
  const spec = { burst: 3, perMinute: 60 };
  it('never holds more than its bound, and one-off keys never push out a guarded one', () => {
    const buckets = new BoundedBuckets(10);
    let t = 0;
    for (let i = 0; i < 3; i++) buckets.take('victim', spec, 1, t);
    expect(buckets.take('victim', spec, 1, t).ok).toBe(false);
    for (let i = 0; i < 10_000; i++) buckets.take(`flood-${i}`, spec, 1, (t += 0.001));
    expect(buckets.size).toBeLessThanOrEqual(10);
    expect(buckets.take('victim', spec, 1, t).ok).toBe(false);
  });

  it('refills over time and forgets a key once it is full again', () => {
    const buckets = new BoundedBuckets(10);
    buckets.take('a', spec, 1, 0);
    expect(buckets.size).toBe(1);
    expect(buckets.take('a', spec, -1, 0).ok).toBe(true);
    expect(buckets.size).toBe(0);
    for (let i = 0; i < 3; i++) buckets.take('b', spec, 1, 0);
    expect(buckets.take('b', spec, 1, 0)).toEqual({ ok: false, retryAfterSec: 1 });
    expect(buckets.take('b', spec, 1, 1_000).ok).toBe(true);
  });
});

describe('RevocationMirror', () => {
  it('covers sessions begun up to the revocation, and forgets it once no token could be valid', () => {
    const mirror = new RevocationMirror(60_000);
    const heard: unknown[] = [];
    mirror.onRevocation((r) => heard.push(r));
    mirror.add({ kind: 'user', sub: 'u', at: 1_000 }, 1_000);
    mirror.add({ kind: 'user', sub: 'u', at: 900 }, 1_000);
    expect(heard).toHaveLength(1);
    expect(mirror.isRevoked({ sub: 'u', sat: 999, iat: 0 })).toBe(true);
    expect(mirror.isRevoked({ sub: 'u', sat: 1_001, iat: 0 })).toBe(false);
    // Tokens from another issuer carry only iat (seconds).
    expect(mirror.isRevoked({ sub: 'u', iat: 1 })).toBe(true);
    expect(mirror.isRevoked({ sub: 'u', iat: 2 })).toBe(false);
    mirror.add({ kind: 'session', sid: 's', at: 2_000 }, 2_000);
    expect(mirror.isRevoked({ sub: 'v', sid: 's', sat: 5_000, iat: 5 })).toBe(true);
    mirror.prune(100_000);
    expect(mirror.size).toBe(0);
  });
});
