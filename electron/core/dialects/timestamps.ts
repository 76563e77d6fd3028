/**
 * Server timestamps as the five existing backends send them (PROTOCOLS.md "Common facts"):
 * naive ISO without a zone (`2026-11-22T21:54:17.536670`), ISO with `Z`, and Python's
 * `str(datetime)` with a space and an offset (`2026-11-22 21:56:50.081114+00:00`).
 * Anything else yields null so the caller keeps its receive time; nothing here throws.
 */

/** A parsed server time. `approximate` is set for naive times: their zone is a guess (UTC). */
export interface ServerTime {
  ms: number;
  approximate: boolean;
}

// Date, `T` or space, time, optional fraction of any length, optional `Z` or ±hh[:]mm.
const SHAPE =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}(?::?\d{2})?)?$/;

/** Parse one of the three shapes; null for anything else (wrong type, impossible dates, other formats). */
export function parseServerTime(value: unknown): ServerTime | null {
  if (typeof value !== 'string' || value.length > 40) return null;
  const m = SHAPE.exec(value);
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = Number(m[6]);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) {
    return null;
  }
  // Milliseconds only: microseconds are below what Lookout shows or compares.
  const fraction = m[7] ? Number((m[7] + '00').slice(0, 3)) : 0;
  let ms = Date.UTC(year, month - 1, day, hour, minute, second, fraction);
  // Date.UTC rolls 31 February into March; reject instead of inventing a day.
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

/** Epoch ms of a server timestamp, or null when it is missing or unparsable. */
export function serverTimeMs(value: unknown): number | null {
  return parseServerTime(value)?.ms ?? null;
}
