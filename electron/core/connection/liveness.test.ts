import { describe, expect, it } from 'vitest';
import { LivenessTracker } from './liveness';

const config = {
  pingIntervalMs: 1_000,
  deadAfterMs: 3_000,
  staleAfterMs: 5_000,
  quietAfterMs: 0,
  appPing: false,
};

describe('LivenessTracker', () => {
  it('asks for a ping every interval while answers come back', () => {
    const t = new LivenessTracker(config);
    t.opened(0);
    expect(t.check(500)).toEqual([]);
    expect(t.check(1_000)).toEqual(['ping']);
    t.pinged(1_000);
    t.frame(1_010);
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

  it('data ends the stale period', () => {
    const t = new LivenessTracker({ ...config, pingIntervalMs: 0 });
    t.opened(0);
    t.check(5_000);
    expect(t.data(5_500)).toBe(true);
    expect(t.stale).toBe(false);
    expect(t.check(9_000)).toEqual([]);
  });

  it('pongs, acks and greetings (frames) keep the link alive but never reset the stale window', () => {
    const t = new LivenessTracker(config);
    t.opened(0);
    for (let at = 1_000; at < 5_000; at += 1_000) {
      t.pinged(at);
      t.frame(at + 10);
      expect(t.check(at + 20)).not.toContain('dead');
    }
    expect(t.check(5_000)).toContain('stale');
  });

  it('reports a quiet period once, only while silence is not normal, and data ends it', () => {
    const t = new LivenessTracker({
      ...config,
      staleAfterMs: 0,
      pingIntervalMs: 0,
      quietAfterMs: 60_000,
    });
    t.opened(0);
    t.frame(30_000);
    expect(t.check(59_999)).toEqual([]);
    expect(t.check(60_000)).toEqual(['quiet']);
    expect(t.quiet).toBe(true);
    expect(t.check(120_000)).toEqual([]);
    expect(t.data(130_000)).toBe(true);
    expect(t.quiet).toBe(false);
    // Idle (nothing to wait for): silence is normal and never reported.
    expect(t.check(500_000, true)).toEqual([]);
    // Busy again: the silence counts from when it became busy, not from the old data.
    expect(t.check(500_001, false)).toEqual([]);
    expect(t.silentSince).toBe(500_001);
    expect(t.check(560_001, false)).toEqual(['quiet']);
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
        quietAfterMs: 0,
        appPing: false,
      }).tickMs(),
    ).toBe(1_000);
  });
});
