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

  it('reads exactly what the regular expression it replaced reads', () => {
    const digit = fc.constantFrom(...'0123456789');
    const num = (n: number) =>
      fc.array(digit, { minLength: n, maxLength: n }).map((d) => d.join(''));
    const odd = fc.constantFrom('', 'x', '9', ':', '-', '.', '+', 'Z', ' ', 'T', '١');
    const part = <T extends string>(arb: fc.Arbitrary<T>) =>
      fc.oneof({ weight: 6, arbitrary: arb }, odd);
    const shaped = fc
      .tuple(
        part(num(4)),
        part(fc.constant('-')),
        part(fc.integer({ min: 0, max: 13 }).map((m) => String(m).padStart(2, '0'))),
        part(fc.constant('-')),
        part(fc.integer({ min: 0, max: 32 }).map((d) => String(d).padStart(2, '0'))),
        part(fc.constantFrom('T', ' ')),
        part(num(2)),
        part(fc.constant(':')),
        part(num(2)),
        part(fc.constant(':')),
        part(num(2)),
        fc.oneof(
          fc.constant(''),
          fc.integer({ min: 0, max: 11 }).chain((n) => num(n).map((d) => `.${d}`)),
        ),
        fc.oneof(
          fc.constantFrom(
            '',
            'Z',
            'z',
            '+00:00',
            '-05:30',
            '+0530',
            '+05',
            '+24:00',
            '+05:60',
            '+5',
          ),
          fc
            .tuple(fc.constantFrom('+', '-'), num(2), fc.constantFrom('', ':', '::'), num(2))
            .map((p) => p.join('')),
        ),
        fc.constantFrom('', '', '', 'x', ' '),
      )
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.oneof(shaped, fc.string()), (s) => {
        expect(parseServerTime(s)).toEqual(byRegex(s));
      }),
      { numRuns: 20_000 },
    );
  });
});

// The implementation before the scanner, kept as the oracle.
const SHAPE =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}(?::?\d{2})?)?$/;

function byRegex(value: string): { ms: number; approximate: boolean } | null {
  if (value.length > 40) return null;
  const m = SHAPE.exec(value);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) {
    return null;
  }
  const fraction = m[7] ? Number((m[7] + '00').slice(0, 3)) : 0;
  let ms = Date.UTC(year, month - 1, day, hour, minute, second, fraction);
  if (new Date(ms).getUTCDate() !== day) return null;
  const zone = m[8];
  if (zone && zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offsetH = Number(digits.slice(0, 2));
    const offsetM = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
    if (offsetH > 23 || offsetM > 59) return null;
    ms -= sign * (offsetH * 60 + offsetM) * 60_000;
  }
  return { ms, approximate: zone === undefined };
}
