/** The lookout dialect's fast path for plainly valid event frames (the schema checks the rest). */
import type { WireEvent } from '../../../shared/protocol/lookout-wire';
import {
  EVENT_KINDS,
  SEVERITIES,
  type EventKind,
  type Json,
  type Severity,
} from '../../../shared/model/live-event';

const KINDS: ReadonlySet<string> = new Set(EVENT_KINDS);
const LEVELS: ReadonlySet<string> = new Set(SEVERITIES);
/** `epochSchema`'s rule. */
const EPOCH = /^[A-Za-z0-9_-]{1,64}$/;
/** Deeper `data` is left to the schema (which rejects what it cannot validate). */
const MAX_DEPTH = 32;

/**
 * The hot path of the lookout dialect: an `event` frame checked field by field, exactly as
 * `eventFrameSchema` would accept it, without building a zod result. Returns null whenever the
 * frame is not plainly valid, and the caller runs the schema, which then says what is wrong.
 */
export function fastWireEvent(raw: Record<string, unknown>): WireEvent | null {
  const { channel, seq, id, kind, severity, title, body, time, data, link, epoch, origin } = raw;
  if (typeof channel !== 'string') return null;
  // Safe integers only, as the schema's `.int()` (2^53 and beyond are not exact).
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq <= 0) return null;
  if (typeof id !== 'string' || id.length === 0 || id.length > 300) return null;
  if (typeof kind !== 'string' || !KINDS.has(kind)) return null;
  if (typeof severity !== 'string' || !LEVELS.has(severity)) return null;
  if (typeof title !== 'string' || title.length > 500) return null;
  if (typeof body !== 'string' || body.length > 10_000) return null;
  if (typeof time !== 'number' || !Number.isFinite(time)) return null;
  if (link !== undefined && (typeof link !== 'string' || link.length > 500)) return null;
  if (epoch !== undefined && (typeof epoch !== 'string' || !EPOCH.test(epoch))) return null;
  if (
    origin !== undefined &&
    (typeof origin !== 'string' || origin.length === 0 || origin.length > 300)
  )
    return null;
  if (!isPlainJsonObject(data)) return null;
  const event: WireEvent = {
    type: 'event',
    channel,
    seq,
    id,
    kind: kind as EventKind,
    severity: severity as Severity,
    title,
    body,
    time,
    data: data as Record<string, Json>,
  };
  if (link !== undefined) event.link = link as string;
  if (epoch !== undefined) event.epoch = epoch as string;
  if (origin !== undefined) event.origin = origin as string;
  return event;
}

/**
 * A JSON object (from JSON.parse, so every leaf is JSON) nested at most MAX_DEPTH deep, with no
 * own `__proto__` key anywhere (the schema drops those; kept, one would set the prototype of an
 * object the data is later assigned into).
 */
function isPlainJsonObject(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  if (Object.getPrototypeOf(value) !== Object.prototype) return false;
  const stack: Array<{ v: unknown; depth: number }> = [{ v: value, depth: 1 }];
  while (stack.length > 0) {
    const { v, depth } = stack.pop() as { v: unknown; depth: number };
    if (depth > MAX_DEPTH) return false;
    if (!Array.isArray(v) && Object.hasOwn(v as object, '__proto__')) return false;
    const children = Array.isArray(v) ? v : Object.values(v as Record<string, unknown>);
    for (const child of children) {
      if (typeof child === 'object' && child !== null) stack.push({ v: child, depth: depth + 1 });
    }
  }
  return true;
}
