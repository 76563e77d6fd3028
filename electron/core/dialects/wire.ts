import type { z } from 'zod';
import type { Json } from '../../../shared/model/live-event';

/**
 * Small helpers every dialect's `decode` uses, so they all reject bad frames the same way and
 * with the same reason vocabulary (`non-json`, `not-an-object`, `schema: …`, `unknown-type: x`).
 */

/** A parsed JSON object, or the rejection reason as a string (no wrapper allocation per frame). */
export function parseObject(text: string): Record<string, unknown> | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'non-json';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not-an-object';
  return value as Record<string, unknown>;
}

/** `schema: data.progress: Invalid input…` from the first issue: short enough for the frame log. */
export function schemaReason(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'schema: invalid';
  const path = issue.path.map(String).join('.');
  return `schema: ${path ? `${path}: ` : ''}${issue.message}`.slice(0, 200);
}

/** `unknown-type: foo`, bounded, for frames whose `type` this dialect does not know. */
export function unknownType(type: unknown): string {
  // Never stringify an attacker's object or array: it may be nested deeper than the stack allows.
  const shown =
    typeof type === 'string'
      ? type
      : type === undefined
        ? '(none)'
        : Array.isArray(type)
          ? '(array)'
          : typeof type === 'object' && type !== null
            ? '(object)'
            : JSON.stringify(type);
  return `unknown-type: ${String(shown).slice(0, 60)}`;
}

/**
 * A wire value as text for ids and keys, never throwing: `String()` throws on objects whose
 * `toString` was replaced by a frame (`{"toString":0}`) and JSON on values nested too deep.
 */
export function textOf(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'object') return String(value);
  try {
    return JSON.stringify(value).slice(0, 2_000);
  } catch {
    return '(unreadable)';
  }
}

/** Characters `encodeURIComponent` leaves as they are. */
const PLAIN_LINK_PART = /^[A-Za-z0-9\-_.!~*'()]*$/;

/** One path segment of an in-app link: bounded, lone surrogates replaced so encoding cannot throw. */
export function linkPart(value: string): string {
  // Ids are usually plain (`17`, `shop-7`): nothing to encode, nothing to allocate.
  if (value.length <= 200 && PLAIN_LINK_PART.test(value)) return value;
  const wellFormed = value
    .slice(0, 200)
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
  return encodeURIComponent(wellFormed);
}

/** The JSON-safe primitives (and short strings) of a free-form object, for `LiveEvent.data`. */
export function primitives(obj: Record<string, unknown>, maxString = 500): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const key in obj) {
    // JSON.parse makes `__proto__` an own key; assigning it here would replace the prototype.
    if (key === '__proto__' || !Object.hasOwn(obj, key)) continue;
    const v = obj[key];
    if (typeof v === 'string') out[key] = v.length > maxString ? v.slice(0, maxString) + '…' : v;
    else if (typeof v === 'number' ? Number.isFinite(v) : typeof v === 'boolean' || v === null) {
      out[key] = v as Json;
    }
  }
  return out;
}

/**
 * `primitives(obj)` without the copy when there is nothing to drop: the object itself when every
 * own value is a JSON primitive (strings within `maxString`). For objects fresh from
 * `JSON.parse` that the caller owns (a decoded frame), which may then add fields to the result.
 */
export function ownPrimitives(obj: Record<string, unknown>, maxString = 500): Record<string, Json> {
  if (Object.getPrototypeOf(obj) !== Object.prototype) return primitives(obj, maxString);
  for (const key in obj) {
    const v = obj[key];
    const plain =
      typeof v === 'string'
        ? v.length <= maxString
        : typeof v === 'number'
          ? Number.isFinite(v)
          : typeof v === 'boolean' || v === null;
    if (!plain || key === '__proto__' || !Object.hasOwn(obj, key))
      return primitives(obj, maxString);
  }
  return obj as Record<string, Json>;
}

/** Shorten a string for titles and bodies. */
export function clip(text: string, max = 120): string {
  return text.length > max ? text.slice(0, max - 1) + '…' : text;
}

/** The http(s) base of a ws(s) URL: `ws://h:1/ws/x` → `http://h:1`. */
export function httpBaseOf(wsUrl: string): string {
  const u = new URL(wsUrl);
  return `${u.protocol === 'wss:' ? 'https:' : 'http:'}//${u.host}`;
}
