import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ExpiryWheel, type Expiring } from './expiry-wheel';

class Conn implements Expiring {
  expiredAt: number | null = null;
  constructor(private readonly onExpire?: () => void) {}
  expire(): void {
    if (this.expiredAt !== null) throw new Error('expired twice');
    this.expiredAt = Date.now();
    this.onExpire?.();
  }
}

describe('ExpiryWheel', () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => vi.useRealTimers());

  it('ends each connection when its own token expires, in order, whatever order they came in', () => {
    const wheel = new ExpiryWheel();
    const exps = [1_030, 1_005, 1_020, 1_005, 1_100];
    const conns = exps.map((exp) => {
      const c = new Conn();
      wheel.add(c, exp);
      return c;
    });
    vi.advanceTimersByTime(4_999);
    expect(conns.every((c) => c.expiredAt === null)).toBe(true);
    vi.advanceTimersByTime(200_000);
    expect(conns.map((c) => c.expiredAt)).toEqual(exps.map((exp) => exp * 1000));
    expect(wheel.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('uses one timer for many connections, and none once they are all gone', () => {
    const wheel = new ExpiryWheel();
    const conns = Array.from({ length: 500 }, (_, i) => {
      const c = new Conn();
      wheel.add(c, 2_000 + (i % 37));
      return c;
    });
    expect(vi.getTimerCount()).toBe(1);
    for (const c of conns) wheel.remove(c);
    expect(wheel.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(3_000_000);
    expect(conns.every((c) => c.expiredAt === null)).toBe(true);
  });

  it('never ends a removed connection, and still ends the others of its second', () => {
    const wheel = new ExpiryWheel();
    const [gone, kept] = [new Conn(), new Conn()];
    wheel.add(gone, 1_010);
    wheel.add(kept, 1_010);
    wheel.remove(gone);
    wheel.remove(gone);
    vi.advanceTimersByTime(10_000);
    expect(gone.expiredAt).toBeNull();
    expect(kept.expiredAt).toBe(1_010_000);
  });

  it('re-arms for an earlier expiry than the one it waits for', () => {
    const wheel = new ExpiryWheel();
    const late = new Conn();
    const early = new Conn();
    wheel.add(late, 1_500);
    wheel.add(early, 1_002);
    vi.advanceTimersByTime(2_000);
    expect(early.expiredAt).toBe(1_002_000);
    expect(late.expiredAt).toBeNull();
    expect(vi.getTimerCount()).toBe(1);
  });

  it('ends an already expired token on the next tick, not synchronously in add()', () => {
    const wheel = new ExpiryWheel();
    const c = new Conn();
    wheel.add(c, 900);
    expect(c.expiredAt).toBeNull();
    vi.advanceTimersByTime(0);
    expect(c.expiredAt).toBe(1_000_000);
  });

  it('lets an expiring connection add or remove others from its callback', () => {
    const wheel = new ExpiryWheel();
    const later = new Conn();
    const sameSecond = new Conn();
    const first = new Conn(() => {
      wheel.remove(sameSecond);
      wheel.add(later, 1_020);
    });
    wheel.add(first, 1_010);
    wheel.add(sameSecond, 1_010);
    vi.advanceTimersByTime(30_000);
    expect(first.expiredAt).toBe(1_010_000);
    // Taken out of the wheel before the callbacks ran: it expires with its second.
    expect(sameSecond.expiredAt).toBe(1_010_000);
    expect(later.expiredAt).toBe(1_020_000);
  });

  it('waits past the longest setTimeout for a token that far off, without ending it early', () => {
    const wheel = new ExpiryWheel();
    const c = new Conn();
    const exp = 1_000 + 40 * 24 * 3_600;
    wheel.add(c, exp);
    vi.advanceTimersByTime(30 * 24 * 3_600_000);
    expect(c.expiredAt).toBeNull();
    vi.advanceTimersByTime(10 * 24 * 3_600_000);
    expect(c.expiredAt).toBe(exp * 1000);
  });
});
