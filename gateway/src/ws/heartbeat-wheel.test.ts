import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HeartbeatWheel, type Beating } from './heartbeat-wheel';

class Socket implements Beating {
  readonly beats: Array<{ at: number; ping: Buffer; heartbeat: unknown }> = [];
  constructor(private readonly onBeat?: () => void) {}
  beat(ping: Buffer, heartbeat: Buffer): void {
    this.beats.push({ at: Date.now(), ping, heartbeat: JSON.parse(heartbeat.toString('utf8')) });
    this.onBeat?.();
  }
}

describe('HeartbeatWheel', () => {
  beforeEach(() => vi.useFakeTimers({ now: 0 }));
  afterEach(() => vi.useRealTimers());

  it('beats each socket once per interval, the first beat within one interval of joining', () => {
    const wheel = new HeartbeatWheel(1_000);
    const early = new Socket();
    wheel.add(early);
    vi.advanceTimersByTime(437);
    const late = new Socket();
    wheel.add(late);
    vi.advanceTimersByTime(10_000 - 437);
    for (const [socket, joined] of [
      [early, 0],
      [late, 437],
    ] as const) {
      expect(socket.beats[0]?.at).toBeGreaterThan(joined);
      expect(socket.beats[0]?.at).toBeLessThanOrEqual(joined + 1_000);
      const gaps = socket.beats.slice(1).map((b, i) => b.at - (socket.beats[i]?.at ?? 0));
      expect(gaps.every((g) => Math.abs(g - 1_000) < 1)).toBe(true);
    }
    expect(early.beats).toHaveLength(10);
    expect(late.beats.length).toBeGreaterThanOrEqual(9);
  });

  it('spreads sockets that join at different moments over different ticks', () => {
    const wheel = new HeartbeatWheel(16_000);
    const sockets = Array.from({ length: 16 }, () => new Socket());
    for (const s of sockets) {
      wheel.add(s);
      vi.advanceTimersByTime(1_000);
    }
    vi.advanceTimersByTime(16_000);
    const moments = new Set(sockets.map((s) => s.beats[0]?.at));
    expect(moments.size).toBe(16);
  });

  it('gives a round 8 fresh random PING bytes and one heartbeat frame with the server time', () => {
    const wheel = new HeartbeatWheel(1_000);
    const a = new Socket();
    const b = new Socket();
    wheel.add(a);
    wheel.add(b);
    vi.advanceTimersByTime(2_000);
    expect(a.beats[0]?.ping).toHaveLength(8);
    expect(a.beats[0]?.ping).toBe(b.beats[0]?.ping);
    expect(a.beats[1]?.ping.equals(a.beats[0]?.ping ?? Buffer.alloc(0))).toBe(false);
    expect(a.beats[0]?.heartbeat).toEqual({ type: 'heartbeat', serverTime: a.beats[0]?.at });
  });

  it('stops beating removed sockets (also one removed during its own beat) and stops its timer when empty', () => {
    const wheel = new HeartbeatWheel(1_000);
    const kept = new Socket();
    const dying: Socket = new Socket(() => wheel.remove(dying));
    wheel.add(dying);
    wheel.add(kept);
    vi.advanceTimersByTime(3_000);
    expect(dying.beats).toHaveLength(1);
    expect(kept.beats).toHaveLength(3);
    wheel.remove(kept);
    expect(wheel.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});
