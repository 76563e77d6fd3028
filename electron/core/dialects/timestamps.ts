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

/**
 * Parse one of the three shapes; null for anything else (wrong type, impossible dates, other
 * formats). The grammar is
 * `YYYY-MM-DD[T ]hh:mm:ss[.f{1,9}][Z|±hh[[:]mm]]`, read with a scanner rather than a regular
 * expression: this runs for every django-channels frame (timestamps.test.ts checks it against the
 * regular expression).
 */
export function parseServerTime(value: unknown): ServerTime | null {
  if (typeof value !== 'string' || value.length < 19 || value.length > 40) return null;
  const year = digits(value, 0, 4);
  const month = digits(value, 5, 2);
  const day = digits(value, 8, 2);
  const hour = digits(value, 11, 2);
  const minute = digits(value, 14, 2);
  const second = digits(value, 17, 2);
  const sep = value.charCodeAt(10);
  if (
    (year | month | day | hour | minute | second) < 0 ||
    value.charCodeAt(4) !== DASH ||
    value.charCodeAt(7) !== DASH ||
    (sep !== T && sep !== SPACE) ||
    value.charCodeAt(13) !== COLON ||
    value.charCodeAt(16) !== COLON
  ) {
    return null;
  }
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year < 100 ? 1900 + year : year, month))
    return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  let i = 19;
  // Milliseconds only: microseconds are below what Lookout shows or compares.
  let fraction = 0;
  if (value.charCodeAt(i) === DOT) {
    const start = ++i;
    while (i < value.length && isDigit(value.charCodeAt(i))) i++;
    const n = i - start;
    if (n < 1 || n > 9) return null;
    fraction = digits(value, start, Math.min(3, n)) * (n === 1 ? 100 : n === 2 ? 10 : 1);
  }
  let ms = Date.UTC(year, month - 1, day, hour, minute, second, fraction);
  if (i === value.length) return { ms, approximate: true };
  const zone = value.charCodeAt(i);
  if (zone === Z) return i + 1 === value.length ? { ms, approximate: false } : null;
  if (zone !== PLUS && zone !== MINUS) return null;
  // ±hh, ±hhmm or ±hh:mm, and nothing after it.
  const rest = value.length - i - 1;
  const colon = rest === 5 && value.charCodeAt(i + 3) === COLON;
  if (rest !== 2 && rest !== 4 && !colon) return null;
  const offsetH = digits(value, i + 1, 2);
  const offsetM = rest === 2 ? 0 : digits(value, i + (colon ? 4 : 3), 2);
  if (offsetH < 0 || offsetM < 0 || offsetH > 23 || offsetM > 59) return null;
  ms -= (zone === MINUS ? -1 : 1) * (offsetH * 60 + offsetM) * 60_000;
  return { ms, approximate: false };
}

const DASH = 0x2d;
const COLON = 0x3a;
const DOT = 0x2e;
const SPACE = 0x20;
const PLUS = 0x2b;
const MINUS = 0x2d;
const T = 0x54;
const Z = 0x5a;

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** The decimal number in `count` ASCII digits at `at`, or -1 when any of them is not a digit. */
function digits(text: string, at: number, count: number): number {
  let n = 0;
  for (let i = at; i < at + count; i++) {
    const c = text.charCodeAt(i);
    if (!isDigit(c)) return -1;
    n = n * 10 + (c - 0x30);
  }
  return n;
}

/** Days in a month of the proleptic Gregorian calendar (Date.UTC reads years 0–99 as 19xx). */
function daysIn(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Epoch ms of a server timestamp, or null when it is missing or unparsable. */
export function serverTimeMs(value: unknown): number | null {
  return parseServerTime(value)?.ms ?? null;
}
