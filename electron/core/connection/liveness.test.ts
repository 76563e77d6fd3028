import { describe, expect, it } from 'vitest';
import { LivenessTracker } from './liveness';

const config = { pingIntervalMs: 1_000, deadAfterMs: 3_000, staleAfterMs: 5_000, appPing: false };

describe('LivenessTracker', () => {
  it('asks for a ping every interval while answers come back', () => {
    const t = new LivenessTracker(config);
    t.opened(0);
    expect(t.check(500)).toEqual([]);
    expect(t.check(1_000)).toEqual(['ping']);
    t.pinged(1_000);
    t.inbound(1_010);
    expect(t.check(1_500)).toEqual([]);
    expect(t.check(2_000)).toEqual(['ping']);
  });

  it('declares the peer dead when pings go unanswered for the dead window', () => {
    const t = new LivenessTracker(config);
    t.opened(0);
    t.pinged(1_000);
    expect(t.check(2_999)).not.toContain('dead');
    expect(t.check(3_000)).toEqual(['dead']);
  });

  it('never declares death without having asked', () => {
    const t = new LivenessTracker({ ...config, pingIntervalMs: 0 });
    t.opened(0);
    expect(t.check(10_000)).not.toContain('dead');
  });

  it('goes stale once, re-subscribes, then asks to reconnect a window later', () => {
    const t = new LivenessTracker({ ...config, pingIntervalMs: 0 });
    t.opened(0);
    expect(t.check(4_999)).toEqual([]);
    expect(t.check(5_000)).toEqual(['stale']);
    expect(t.stale).toBe(true);
    expect(t.check(6_000)).toEqual([]);
    expect(t.check(10_000)).toEqual(['stale-reconnect']);
  });

  it('a message ends the stale period', () => {
    const t = new LivenessTracker({ ...config, pingIntervalMs: 0 });
    t.opened(0);
    t.check(5_000);
    expect(t.message(5_500)).toBe(true);
    expect(t.stale).toBe(false);
    expect(t.check(9_000)).toEqual([]);
  });

  it('treats a zero stale window as "silence is normal"', () => {
    const t = new LivenessTracker({ ...config, staleAfterMs: 0, pingIntervalMs: 0 });
    t.opened(0);
    expect(t.check(1_000_000)).toEqual([]);
  });

  it('ticks often enough for the shortest window and never busy-loops', () => {
    expect(new LivenessTracker(config).tickMs()).toBe(250);
    expect(
      new LivenessTracker({
        ...config,
        pingIntervalMs: 40,
        deadAfterMs: 40,
        staleAfterMs: 0,
      }).tickMs(),
    ).toBe(25);
    expect(
      new LivenessTracker({
        pingIntervalMs: 0,
        deadAfterMs: 0,
        staleAfterMs: 0,
        appPing: false,
      }).tickMs(),
    ).toBe(1_000);
  });
});
