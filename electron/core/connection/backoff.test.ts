import { describe, expect, it } from 'vitest';
import { Backoff } from './backoff';

const opts = { minMs: 500, maxMs: 20_000, factor: 2 };

describe('Backoff (full jitter)', () => {
  it('grows the cap exponentially up to the maximum', () => {
    const b = new Backoff(opts, () => 0.999_999);
    const delays = Array.from({ length: 8 }, () => b.next());
    expect(delays).toEqual([499, 999, 1999, 3999, 7999, 15_999, 19_999, 19_999]);
  });

  it('draws a new random value for every attempt', () => {
    const draws = [0.1, 0.9, 0.5];
    let i = 0;
    const b = new Backoff(opts, () => draws[i++] ?? 0);
    expect([b.next(), b.next(), b.next()]).toEqual([50, 900, 1000]);
    expect(i).toBe(3);
  });

  it('resets to the minimum after a stable connection', () => {
    const b = new Backoff(opts, () => 0.999_999);
    b.next();
    b.next();
    b.next();
    b.reset();
    expect(b.attempt).toBe(0);
    expect(b.next()).toBe(499);
  });

  it('stays within bounds for out-of-range random sources', () => {
    expect(new Backoff(opts, () => 7).next()).toBe(500);
    expect(new Backoff(opts, () => -1).next()).toBe(0);
    expect(new Backoff(opts, () => Number.NaN).next()).toBe(250);
  });
});
