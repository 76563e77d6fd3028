import { describe, expect, it } from 'vitest';
import { FrameLog, ROW_OVERHEAD_BYTES } from './frame-log';

const row = (text: string) => ({
  at: 1,
  dir: 'in' as const,
  kind: 'text' as const,
  size: text.length,
  text,
});

describe('FrameLog (bounded by bytes, not by count)', () => {
  it('keeps as many frames as fit in its budget and drops the oldest first', () => {
    const log = new FrameLog(10 * (100 + ROW_OVERHEAD_BYTES), 1_000);
    for (let i = 0; i < 25; i += 1) log.push(row(String(i).padStart(100, '.')));
    expect(log.size).toBe(10);
    expect(log.usedBytes).toBeLessThanOrEqual(log.limitBytes);
    expect(log.firstId).toBe(16);
    expect(log.get(15)).toBeUndefined();
    expect(log.get(16)?.text.endsWith('15')).toBe(true);
    expect(log.get(25)?.text.endsWith('24')).toBe(true);
  });

  it('holds many more small frames than large ones in the same budget', () => {
    const small = new FrameLog(64 * 1024, 8_000);
    const large = new FrameLog(64 * 1024, 8_000);
    for (let i = 0; i < 5_000; i += 1) {
      small.push(row('{"t":1}'));
      large.push(row('x'.repeat(8_000)));
    }
    expect(small.size).toBeGreaterThan(500);
    expect(large.size).toBe(Math.floor((64 * 1024) / (8_000 + ROW_OVERHEAD_BYTES)));
  });

  it('keeps the head of a frame longer than its cap, and its whole length', () => {
    const log = new FrameLog(1024 * 1024, 100);
    const f = log.push(row('a'.repeat(10_000)));
    expect(f.text).toHaveLength(100);
    expect(f.length).toBe(10_000);
    expect(log.usedBytes).toBe(100 + ROW_OVERHEAD_BYTES);
  });

  it('a frame larger than the whole budget still gets a row (the log is never empty after a push)', () => {
    const log = new FrameLog(64, 1_000);
    log.push(row('first'));
    log.push(row('y'.repeat(500)));
    expect(log.size).toBe(1);
    expect(log.firstId).toBe(2);
  });

  it('marks each row with the connection it travelled on, across reconnects', () => {
    const log = new FrameLog(1024 * 1024, 1_000);
    log.conn = 1;
    log.push(row('a'));
    log.conn = 2;
    log.push(row('b'));
    expect(log.after(null, 10).map((f) => [f.id, f.conn])).toEqual([
      [1, 1],
      [2, 2],
    ]);
  });

  it('pages by id after evictions and compactions, ids never reused', () => {
    const log = new FrameLog(100 * (10 + ROW_OVERHEAD_BYTES), 1_000);
    for (let i = 1; i <= 5_000; i += 1) log.push(row(String(i).padStart(10, '0')));
    expect(log.size).toBe(100);
    expect(log.firstId).toBe(4_901);
    expect(log.after(4_990, 5).map((f) => f.id)).toEqual([4_991, 4_992, 4_993, 4_994, 4_995]);
    // Asking from before the oldest kept row starts at the oldest.
    expect(log.after(12, 2).map((f) => f.id)).toEqual([4_901, 4_902]);
    expect(log.after(5_000, 10)).toEqual([]);
    expect(log.tail(3).map((f) => f.id)).toEqual([4_998, 4_999, 5_000]);
    expect(log.get(4_950)?.text).toBe('0000004950');
  });

  it('refuses a budget or cap that is not positive', () => {
    expect(() => new FrameLog(0, 10)).toThrow(RangeError);
    expect(() => new FrameLog(10, 0)).toThrow(RangeError);
  });
});
