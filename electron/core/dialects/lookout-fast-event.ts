/** The lookout dialect's fast path for plainly valid event frames (the schema checks the rest). */
import type { WireEvent } from '../../../shared/protocol/lookout-wire';
import { EVENT_KINDS, SEVERITIES } from '../../../shared/model/live-event';

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
  if (!isPlainEventFrame(raw)) return null;
  const event: WireEvent = {
    type: 'event',
    channel: raw.channel,
    seq: raw.seq,
    id: raw.id,
    kind: raw.kind,
    severity: raw.severity,
    title: raw.title,
    body: raw.body,
    time: raw.time,
    data: raw.data,
  };
  if (raw.link !== undefined) event.link = raw.link;
  if (raw.epoch !== undefined) event.epoch = raw.epoch;
  if (raw.origin !== undefined) event.origin = raw.origin;
  return event;
}

/**
 * The fields of a plainly valid event frame (what the schema would accept), read in place: other
 * keys the frame may carry are simply not read.
 */
export type PlainEventFrame = Omit<WireEvent, 'type'>;

/**
 * True when `raw` is an `event` frame the schema would accept, checked field by field: the
 * decoder then reads its fields in place, with no copy of the frame (`fastWireEvent` makes one).
 */
export function isPlainEventFrame(
  raw: Record<string, unknown>,
): raw is Record<string, unknown> & PlainEventFrame {
  const { channel, seq, id, kind, severity, title, body, time, data, link, epoch, origin } = raw;
  if (typeof channel !== 'string') return false;
  // Safe integers only, as the schema's `.int()` (2^53 and beyond are not exact).
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq <= 0) return false;
  if (typeof id !== 'string' || id.length === 0 || id.length > 300) return false;
  if (typeof kind !== 'string' || !KINDS.has(kind)) return false;
  if (typeof severity !== 'string' || !LEVELS.has(severity)) return false;
  if (typeof title !== 'string' || title.length > 500) return false;
  if (typeof body !== 'string' || body.length > 10_000) return false;
  if (typeof time !== 'number' || !Number.isFinite(time)) return false;
  if (link !== undefined && (typeof link !== 'string' || link.length > 500)) return false;
  if (epoch !== undefined && (typeof epoch !== 'string' || !EPOCH.test(epoch))) return false;
  if (
    origin !== undefined &&
    (typeof origin !== 'string' || origin.length === 0 || origin.length > 300)
  )
    return false;
  return isPlainJsonObject(data);
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
