/**
 * Stable event ids for wire formats that carry none: the same wire event must map to the same
 * id after a reconnect or a replayed snapshot, so the store and the bell can dedupe.
 */

const FNV_PRIME = 0x01000193;

function fnv1a(text: string, seed: number): number {
  let hash = seed;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, FNV_PRIME);
  }
  return hash >>> 0;
}

/**
 * Two FNV-1a passes with different offset bases give 64 bits: plenty for dedupe within one
 * endpoint's history, and cheap (no crypto, no allocation beyond the joined key).
 */
export function hashKey(key: string): string {
  const a = fnv1a(key, 0x811c9dc5).toString(16).padStart(8, '0');
  const b = fnv1a(key, 0x050c5d1f).toString(16).padStart(8, '0');
  return a + b;
}

/** An id like `task.created:1a2b…` derived from the parts that identify the event. */
export function stableEventId(
  kind: string,
  parts: ReadonlyArray<string | number | null | undefined>,
): string {
  return `${kind}:${hashKey(parts.map((p) => (p === null || p === undefined ? '' : String(p))).join('\u0001'))}`;
}
