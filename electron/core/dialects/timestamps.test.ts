import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseServerTime, serverTimeMs } from './timestamps';

describe('parseServerTime', () => {
  it('reads a naive ISO time as UTC and flags it approximate', () => {
    expect(parseServerTime('2026-11-22T21:54:17.536670')).toEqual({
      ms: Date.UTC(2026, 10, 22, 21, 54, 17, 536),
      approximate: true,
    });
  });

  it('reads ISO with Z exactly', () => {
    expect(parseServerTime('2026-02-07T12:00:00.000Z')).toEqual({
      ms: Date.UTC(2026, 1, 7, 12, 0, 0, 0),
      approximate: false,
    });
  });

  it('reads the space-separated shape with an offset', () => {
    expect(serverTimeMs('2026-11-22 21:56:50.081114+00:00')).toBe(
      Date.UTC(2026, 10, 22, 21, 56, 50, 81),
    );
    expect(serverTimeMs('2026-11-22 23:56:50+02:00')).toBe(Date.UTC(2026, 10, 22, 21, 56, 50));
    expect(serverTimeMs('2026-11-22T16:26:50-0530')).toBe(Date.UTC(2026, 10, 22, 21, 56, 50));
  });

  it('returns null for anything else instead of throwing', () => {
    for (const bad of [
      undefined,
      null,
      42,
      {},
      '',
      'yesterday',
      '2026-13-01T00:00:00',
      '2026-02-31T00:00:00',
      '2026-02-01T25:00:00',
      '22/11/2026 21:54',
      '2026-11-22T21:54:17.536670+99:00',
    ]) {
      expect(parseServerTime(bad)).toBeNull();
    }
  });

  it('agrees with Date for every ISO-Z time and never throws on arbitrary strings', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1971-01-01'), max: new Date('2199-12-31'), noInvalidDate: true }),
        (d) => {
          const iso = d.toISOString();
          expect(serverTimeMs(iso)).toBe(d.getTime());
          expect(serverTimeMs(iso.replace('T', ' ').replace('Z', '+00:00'))).toBe(d.getTime());
          expect(parseServerTime(iso.slice(0, -1))?.approximate).toBe(true);
        },
      ),
    );
    fc.assert(
      fc.property(fc.string(), (s) => {
        const r = parseServerTime(s);
        expect(r === null || Number.isFinite(r.ms)).toBe(true);
      }),
    );
  });
});
