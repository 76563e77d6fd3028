import { isSecretName } from '../util/secret-names';
import type { AppSnapshot } from './app-state';
import type { Json } from './live-event';

/**
 * How much of each item the model keeps. Backends send what they like (a 15 MB business, a
 * megabyte of notes in a task message); the model (and so state.json and every push to the
 * renderer) keeps a bounded part of each item, cut with `…` or marked `dataTruncated`, so one
 * frame can neither fill the disk nor freeze the page. Pure: used by main and renderer alike.
 */
export const ITEM_LIMITS = {
  title: 300,
  /** Bell bodies, task messages, site status details. */
  text: 2_000,
  /** Business and reservation names. */
  name: 200,
  /** A business's or reservation's data, as JSON (bytes, about). */
  dataBytes: 8 * 1024,
  /** One string inside data. */
  dataString: 1_000,
  /** One key inside data. */
  dataKey: 100,
  /** Nesting kept inside data; deeper values are replaced by a note. */
  dataDepth: 4,
} as const;

export const REDACTED_VALUE = '[redacted]';
const CUT = '…';

/** `text` cut to `max` characters (the last being `…`) when longer. */
export function boundText(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}${CUT}` : text;
}

export interface BoundedData {
  data: Record<string, Json>;
  /** True when anything was cut or left out. */
  truncated: boolean;
}

/**
 * A copy of `data` of at most about `maxBytes` of JSON: fields in order until the budget is
 * spent, long strings and keys cut, deep nesting summarised; values of secret-named fields
 * (`password`, `api_key`…) are never kept. Returns `data` itself when it is small, flat and clean.
 */
export function boundData(
  data: Record<string, Json>,
  maxBytes: number = ITEM_LIMITS.dataBytes,
): BoundedData {
  if (isSmallAndClean(data, maxBytes)) return { data, truncated: false };
  const budget = { left: maxBytes, truncated: false };
  const out = boundObject(data, budget, 0);
  return { data: out, truncated: budget.truncated };
}

interface Budget {
  left: number;
  truncated: boolean;
}

/** The cheap check for the common case: few primitive fields, short strings, no secret names. */
function isSmallAndClean(data: Record<string, Json>, maxBytes: number): boolean {
  let size = 2;
  for (const key in data) {
    if (!Object.hasOwn(data, key)) continue;
    const v = data[key];
    if (v !== null && typeof v === 'object') return false;
    if (key.length > ITEM_LIMITS.dataKey || isSecretName(key)) return false;
    if (typeof v === 'string' && v.length > ITEM_LIMITS.dataString) return false;
    size += key.length + 4 + (typeof v === 'string' ? v.length + 2 : 8);
    if (size > maxBytes) return false;
  }
  return true;
}

function boundObject(
  obj: Record<string, Json>,
  budget: Budget,
  depth: number,
): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const key in obj) {
    if (!Object.hasOwn(obj, key)) continue;
    if (key === '__proto__') {
      // Assigning it would replace the copy's prototype: left out, and said so.
      budget.truncated = true;
      continue;
    }
    const name = boundText(key, ITEM_LIMITS.dataKey);
    if (name !== key) budget.truncated = true;
    const cost = name.length + 4;
    if (budget.left - cost <= 0) {
      budget.truncated = true;
      break;
    }
    budget.left -= cost;
    const value =
      isSecretName(key) && obj[key] !== null && typeof obj[key] !== 'object'
        ? REDACTED_VALUE
        : boundValue(obj[key] as Json, budget, depth + 1);
    if (value === undefined) break;
    out[name] = value;
  }
  return out;
}

/** A bounded copy of one value, or undefined when the budget cannot take even a short form. */
function boundValue(value: Json, budget: Budget, depth: number): Json | undefined {
  if (value === null || typeof value === 'boolean' || typeof value === 'number') {
    if (budget.left < 8) return exhausted(budget);
    budget.left -= 8;
    return value;
  }
  if (typeof value === 'string') {
    const max = Math.min(ITEM_LIMITS.dataString, budget.left - 2);
    if (max < 8) return exhausted(budget);
    const text = boundText(value, max);
    if (text !== value) budget.truncated = true;
    budget.left -= text.length + 2;
    return text;
  }
  if (depth > ITEM_LIMITS.dataDepth) {
    budget.truncated = true;
    const note = Array.isArray(value) ? `[${value.length} items]` : '{…}';
    budget.left -= note.length + 2;
    return note;
  }
  // Not even room for a short object or list: stop here rather than keep empty shells.
  if (budget.left < 16) return exhausted(budget);
  if (Array.isArray(value)) {
    const out: Json[] = [];
    budget.left -= 2;
    for (const item of value) {
      const kept = boundValue(item, budget, depth + 1);
      if (kept === undefined) break;
      out.push(kept);
    }
    if (out.length < value.length) budget.truncated = true;
    return out;
  }
  budget.left -= 2;
  return boundObject(value, budget, depth);
}

/** Every item of a snapshot within the limits (for models saved before they existed). */
export function boundSnapshotItems(snapshot: AppSnapshot): AppSnapshot {
  return {
    ...snapshot,
    notifications: snapshot.notifications.map((n) => {
      const title = boundText(n.title, ITEM_LIMITS.title);
      const body = boundText(n.body, ITEM_LIMITS.text);
      return title === n.title && body === n.body ? n : { ...n, title, body };
    }),
    businesses: snapshot.businesses.map((b) => {
      const { data, truncated } = boundData(b.data);
      const name = boundText(b.name, ITEM_LIMITS.name);
      if (data === b.data && name === b.name) return b;
      return { ...b, name, data, ...(truncated ? { dataTruncated: true as const } : {}) };
    }),
    reservations: snapshot.reservations.map((r) => {
      const { data, truncated } = boundData(r.data);
      const title = boundText(r.title, ITEM_LIMITS.title);
      if (data === r.data && title === r.title) return r;
      return { ...r, title, data, ...(truncated ? { dataTruncated: true as const } : {}) };
    }),
    tasks: snapshot.tasks.map((t) => {
      const title = boundText(t.title, ITEM_LIMITS.title);
      const message = boundText(t.message, ITEM_LIMITS.text);
      return title === t.title && message === t.message ? t : { ...t, title, message };
    }),
  };
}

function exhausted(budget: Budget): undefined {
  budget.truncated = true;
  return undefined;
}
