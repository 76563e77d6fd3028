import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { outcomeOf } from './decode-outcome';
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
    const f = log.get(log.push(row('a'.repeat(10_000))))!;
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

describe('FrameLog kept flat (columns and one byte ring), read back as rows', () => {
  it('reads back every kept row as pushed, through ring wraps and growth, as a plain list would keep them', () => {
    const text = fc.oneof(
      fc.string({ maxLength: 300, size: 'large' }),
      fc.string({ unit: 'grapheme', maxLength: 120, size: 'large' }),
      fc.constant(''),
    );
    const op = fc.oneof(
      { weight: 8, arbitrary: fc.record({ push: text, out: fc.boolean(), utf8: fc.boolean() }) },
      { weight: 1, arbitrary: fc.record({ drop: fc.nat(400), reason: fc.constantFrom('a', 'b') }) },
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 200, max: 4_000 }),
        fc.integer({ min: 1, max: 250 }),
        fc.array(op, { maxLength: 400 }),
        (limit, cap, ops) => {
          const log = new FrameLog(limit, cap);
          // The reference: every row ever pushed, with what it must read back as.
          const all: Array<{
            id: number;
            text: string;
            length: number;
            dir: string;
            dropped?: string;
          }> = [];
          for (const o of ops) {
            if ('push' in o) {
              const head = o.push.length > cap ? o.push.slice(0, cap) : o.push;
              const id = log.push({
                at: all.length,
                dir: o.out ? 'out' : 'in',
                kind: 'text',
                size: Buffer.byteLength(o.push),
                text: o.push,
                utf8: o.utf8 ? Buffer.from(o.push) : undefined,
                ...(o.out ? { manual: true } : {}),
              });
              all.push({
                id,
                text: Buffer.from(head).toString(),
                length: o.push.length,
                dir: o.out ? 'out' : 'in',
              });
            } else {
              const target = all[o.drop];
              log.markDropped(o.drop + 1, o.reason);
              if (target && log.get(target.id))
                target.dropped = target.dropped ? `${target.dropped}, ${o.reason}` : o.reason;
            }
            // Kept: the newest rows, consecutive ids, each as pushed; within the budget unless
            // one row alone exceeds it.
            const kept = log.after(null, Number.MAX_SAFE_INTEGER);
            expect(kept.length).toBe(log.size);
            expect(kept.map((r) => r.id)).toEqual(
              all.slice(all.length - kept.length).map((r) => r.id),
            );
            for (const r of kept) {
              const want = all[r.id - 1]!;
              expect(r.text).toBe(want.text);
              expect(r.length).toBe(want.length);
              expect(r.dir).toBe(want.dir);
              expect(r.manual).toBe(want.dir === 'out' ? true : undefined);
              expect(r.dropped).toBe(want.dropped);
              expect(r.at).toBe(r.id - 1);
            }
            const used = kept.reduce(
              (n, r) => n + Buffer.byteLength(r.text) + ROW_OVERHEAD_BYTES,
              0,
            );
            expect(log.usedBytes).toBe(used);
            if (kept.length > 1) expect(used).toBeLessThanOrEqual(limit);
            // Nothing the budget allowed was let go when every text is one byte per character.
            const newest = all.at(-1);
            if (newest && all.every((r) => Buffer.byteLength(r.text) === r.text.length)) {
              let room = limit;
              let fit = 0;
              for (let i = all.length - 1; i >= 0; i--) {
                room -= all[i]!.text.length + ROW_OVERHEAD_BYTES;
                if (room < 0 && fit > 0) break;
                fit += 1;
              }
              expect(kept.length).toBe(fit);
            }
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('grows its ring as it fills and reads every kept row back after the growth and the wraps', () => {
    const log = new FrameLog(1024 * 1024, 4_000);
    const text = (i: number) =>
      `${i}:`.padEnd(900 + (i % 7) * 300, String.fromCharCode(97 + (i % 26)));
    for (let i = 0; i < 3_000; i += 1)
      log.push({ at: i, dir: 'in', kind: 'text', size: 1, text: text(i) });
    const kept = log.after(null, Number.MAX_SAFE_INTEGER);
    expect(log.usedBytes).toBeLessThanOrEqual(log.limitBytes);
    expect(log.usedBytes + 900 + 6 * 300 + ROW_OVERHEAD_BYTES).toBeGreaterThan(log.limitBytes);
    for (const r of kept) expect(r.text).toBe(text(r.id - 1));
    expect(kept.at(-1)?.id).toBe(3_000);
  });

  it('keeps a decode result only where the text cannot give it again, and every row’s outcome code', () => {
    const log = new FrameLog(1024 * 1024, 1_000);
    const event = {
      id: 'e',
      endpoint: 'x',
      channel: 'c',
      kind: 'notification',
      severity: 'info',
      title: 't',
      body: '',
      serverTime: 1,
      receivedAt: 1,
      data: {},
    } as const;
    const plain = log.push({
      at: 1,
      dir: 'in',
      kind: 'text',
      size: 2,
      text: '{}',
      result: { events: [event] },
    });
    const copy = log.push({
      at: 2,
      dir: 'in',
      kind: 'text',
      size: 2,
      text: '{}',
      result: { dropped: [{ channel: 'c', reason: 'already-delivered' }] },
    });
    const cut = log.push({
      at: 3,
      dir: 'in',
      kind: 'text',
      size: 2_000,
      text: 'x'.repeat(2_000),
      result: { events: [event, event] },
    });
    expect(log.get(plain)?.result).toBeUndefined();
    expect(log.get(plain)?.outcome).toBe(outcomeOf({ events: [event] }));
    expect(log.get(copy)?.result?.dropped).toHaveLength(1);
    expect(log.get(cut)?.result?.events).toHaveLength(2);
    expect(log.get(cut)?.text).toHaveLength(1_000);
  });
});
