import fc from 'fast-check';

/**
 * fast-check arbitraries for hostile frames: random bytes, wrong types, prototype-pollution keys,
 * mutated and truncated valid frames, deep nesting and huge strings. Objects are written as JSON
 * text by hand so a `__proto__` key reaches the parser as a literal key, exactly as an attacker
 * would send it (building the object in JS first would set its prototype instead).
 */

/** Keys that attack prototypes or look like the fields codecs read. */
export const DANGEROUS_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  '__defineGetter__',
] as const;

const FIELD_KEYS = [
  'type',
  'action',
  'data',
  'payload',
  'event',
  'channel',
  'seq',
  'id',
  'kind',
  'severity',
  'title',
  'body',
  'time',
  'users',
  'chats',
  'counts',
  'chat_id',
  'task_id',
  'status',
  'progress',
  'business',
  'reservation',
  'timestamp',
  'subscription_type',
  'event_type',
  'user_id',
  'ids',
] as const;

export const keyArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...DANGEROUS_KEYS) },
  { weight: 4, arbitrary: fc.constantFrom(...FIELD_KEYS) },
  { weight: 2, arbitrary: fc.string({ maxLength: 12 }) },
);

/** Scalars of every JSON type, with the edge values that break naive code. */
export const scalarArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    null,
    true,
    false,
    0,
    -0,
    -1,
    1.5,
    1e308,
    -1e308,
    2 ** 53 + 1,
    '',
    ' ',
    'null',
    '__proto__',
    'constructor',
    'toString',
    'business_created',
    'event',
    'stats_update',
    'chat_updates',
    'task_update',
    'status_update',
    '2026-13-45T99:99:99Z',
    '\u0000',
    '\ud800',
    '<script>alert(1)</script>',
  ),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
);

/** JSON text of an arbitrary value, objects written with literal (possibly dangerous) keys. */
export const jsonTextArb: fc.Arbitrary<string> = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalarArb.map((v) => JSON.stringify(v)),
    fc.array(tie('value'), { maxLength: 5 }).map((items) => `[${items.join(',')}]`),
    fc
      .array(fc.tuple(keyArb, tie('value')), { maxLength: 6 })
      .map((pairs) => `{${pairs.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`),
  ),
})).value;

/** An object frame with a chosen or random `type` and random fields. */
export function objectFrameArb(types: readonly string[]): fc.Arbitrary<string> {
  return fc
    .tuple(
      fc.oneof(
        fc.constantFrom(...types),
        fc.constantFrom(...DANGEROUS_KEYS),
        fc.string({ maxLength: 12 }),
      ),
      fc.array(fc.tuple(keyArb, jsonTextArb), { maxLength: 8 }),
    )
    .map(
      ([type, pairs]) =>
        `{"type":${JSON.stringify(type)}${pairs.map(([k, v]) => `,${JSON.stringify(k)}:${v}`).join('')}}`,
    );
}

/** Random bytes, decoded as the session decodes a text frame. */
export const bytesTextArb: fc.Arbitrary<string> = fc
  .uint8Array({ maxLength: 300 })
  .map((bytes) => Buffer.from(bytes).toString('utf8'));

type Path = Array<string | number>;

function paths(value: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((v, i) => paths(v, [...prefix, i], out));
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) paths(v, [...prefix, k], out);
  return out;
}

const MARK = '\u0000FUZZ-MARK\u0000';

/**
 * Replace the value at `path` with raw JSON text (or delete it, or add a key beside it): returns
 * the whole frame as text. Works on a deep copy; own `__proto__` keys are defined, not assigned.
 */
function spliceAt(seed: unknown, path: Path, raw: string | null, extraKey?: string): string {
  const copy: unknown = JSON.parse(JSON.stringify(seed));
  if (path.length === 0) return raw ?? '{}';
  let parent = copy as Record<string | number, unknown>;
  for (const step of path.slice(0, -1)) parent = parent[step] as Record<string | number, unknown>;
  const last = path[path.length - 1] as string | number;
  if (raw === null) {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete parent[last];
    return JSON.stringify(copy);
  }
  if (extraKey !== undefined && !Array.isArray(parent)) {
    Object.defineProperty(parent, extraKey, {
      value: MARK,
      enumerable: true,
      configurable: true,
      writable: true,
    });
  } else {
    parent[last] = MARK;
  }
  return JSON.stringify(copy).replace(JSON.stringify(MARK), raw);
}

/** A valid seed frame with one part replaced by a wrong-typed value, removed, or joined by a dangerous key. */
export function mutatedSeedArb(
  seeds: ReadonlyArray<Record<string, unknown>>,
): fc.Arbitrary<string> {
  return fc
    .tuple(
      fc.constantFrom(...seeds),
      fc.nat(),
      fc.constantFrom('replace', 'delete', 'add-key'),
      jsonTextArb,
      fc.constantFrom(...DANGEROUS_KEYS),
    )
    .map(([seed, pick, op, raw, key]) => {
      const all = paths(seed);
      const path = all[pick % all.length] ?? [];
      if (op === 'delete') return spliceAt(seed, path, null);
      if (op === 'add-key' && path.length > 0) return spliceAt(seed, path, raw, key);
      return spliceAt(seed, path, raw);
    });
}

/** A valid seed frame cut short at a random byte. */
export function truncatedSeedArb(
  seeds: ReadonlyArray<Record<string, unknown>>,
): fc.Arbitrary<string> {
  return fc.tuple(fc.constantFrom(...seeds), fc.nat()).map(([seed, at]) => {
    const text = JSON.stringify(seed);
    return text.slice(0, at % Math.max(1, text.length));
  });
}

/** Deeply nested JSON (closed or not) put in place of a part of a seed, or on its own. */
export function deepSeedArb(seeds: ReadonlyArray<Record<string, unknown>>): fc.Arbitrary<string> {
  return fc
    .tuple(
      fc.constantFrom(...seeds),
      fc.nat(),
      fc.constantFrom(1_000, 5_000, 10_000, 50_000),
      fc.constantFrom('array', 'object', 'open-array', 'mixed'),
      fc.boolean(),
    )
    .map(([seed, pick, depth, shape, alone]) => {
      const deep =
        shape === 'array'
          ? '['.repeat(depth) + ']'.repeat(depth)
          : shape === 'object'
            ? '{"a":'.repeat(depth) + '0' + '}'.repeat(depth)
            : shape === 'open-array'
              ? '['.repeat(depth)
              : '[{"__proto__":'.repeat(depth) + 'null' + '}]'.repeat(depth);
      if (alone) return deep;
      const all = paths(seed);
      return spliceAt(seed, all[pick % all.length] ?? [], deep);
    });
}

/** A seed with one string field replaced by a string of a few megabytes. */
export function hugeStringSeedArb(
  seeds: ReadonlyArray<Record<string, unknown>>,
): fc.Arbitrary<string> {
  return fc
    .tuple(
      fc.constantFrom(...seeds),
      fc.nat(),
      fc.constantFrom(1, 3),
      fc.constantFrom('x', 'é', '\\"', '\\u0000'),
    )
    .map(([seed, pick, mb, unit]) => {
      const all = paths(seed).filter((p) => p.length > 0);
      const big = `"${unit.repeat(Math.floor((mb * 1024 * 1024) / unit.length))}"`;
      return spliceAt(seed, all[pick % all.length] ?? ['type'], big);
    });
}
