/**
 * Stable event ids for wire formats that carry none: the same wire event must map to the same
 * id after a reconnect or a replayed snapshot, so the store and the bell can dedupe.
 */

const FNV_PRIME = 0x01000193;

/** Scratch space for `hashKey` (single-threaded, never kept). */
const HEX_CODES: number[] = new Array<number>(16).fill(0);

/** A lowercase hex digit's char code. */
function hexCode(nibble: number): number {
  return nibble < 10 ? 48 + nibble : 87 + nibble;
}

/**
 * Two FNV-1a hashes with different offset bases, computed in one pass, give 64 bits: plenty for
 * dedupe within one endpoint's history, and cheap (no crypto, no allocation but the result).
 */
class Fnv64 {
  a = 0x811c9dc5;
  b = 0x050c5d1f;

  add(text: string): void {
    let { a, b } = this;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      a = Math.imul(a ^ c, FNV_PRIME);
      b = Math.imul(b ^ c, FNV_PRIME);
    }
    this.a = a;
    this.b = b;
  }

  /** 16 lowercase hex digits as one flat string (`toString(16)` and padding cost more than the hashing). */
  hex(): string {
    for (let i = 0; i < 8; i++) {
      const shift = 28 - 4 * i;
      HEX_CODES[i] = hexCode((this.a >>> shift) & 15);
      HEX_CODES[i + 8] = hexCode((this.b >>> shift) & 15);
    }
    return String.fromCharCode.apply(null, HEX_CODES);
  }
}

export function hashKey(key: string): string {
  const hash = new Fnv64();
  hash.add(key);
  return hash.hex();
}

/**
 * An id like `task.created:1a2b…` derived from the parts that identify the event: the hash of
 * the parts joined by U+0001 (hashed part by part, the joined key is never built).
 */
export function stableEventId(
  kind: string,
  parts: ReadonlyArray<string | number | null | undefined>,
): string {
  const hash = new Fnv64();
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    if (i > 0) hash.add('\u0001');
    if (p !== null && p !== undefined) hash.add(typeof p === 'string' ? p : String(p));
  }
  // Joined, not concatenated: a flat string, which the dedupe sets hash without flattening first.
  return [kind, hash.hex()].join(':');
}
