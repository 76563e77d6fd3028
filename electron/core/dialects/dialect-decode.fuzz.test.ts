import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { DialectCodec } from './dialect';
import { codecFor, FUZZ_TARGETS, seedsFor } from '../../../test/support/fuzz/dialect-seeds';
import { prototypeFingerprint, resultProblems } from '../../../test/support/fuzz/decode-invariants';
import {
  bytesTextArb,
  deepSeedArb,
  hugeStringSeedArb,
  jsonTextArb,
  mutatedSeedArb,
  objectFrameArb,
  truncatedSeedArb,
} from '../../../test/support/fuzz/frame-arbitraries';

/**
 * Property-based fuzzing of every dialect's `decode`: whatever arrives, nothing throws, nothing
 * pollutes a prototype, every rejection carries a reason from the shared vocabulary, and every
 * event is plain JSON within bounds. Seeded, so a failure replays; the counts are printed for the
 * README's figures.
 */

const SEED = 0x10c0;
const RUNS = Number(process.env.LOOKOUT_FUZZ_RUNS ?? 300);
const AT = 1_700_000_000_000;

const tried = new Map<string, number>();
const reasons = new Map<string, Map<string, number>>();
const baseline = prototypeFingerprint();

afterAll(() => {
  const lines = [...tried].map(([name, n]) => {
    const r = Object.fromEntries(reasons.get(name) ?? []);
    return `  ${name}: ${n} inputs, rejections ${JSON.stringify(r)}`;
  });
  console.info(`dialect fuzzing (seed ${SEED}):\n${lines.join('\n')}`);
});

/** Decode one input, recording it; answers the broken invariants (a throw is one). */
function check(name: string, codec: DialectCodec, text: string): string[] {
  tried.set(name, (tried.get(name) ?? 0) + 1);
  let problems: string[];
  try {
    const result = codec.decode(text, AT);
    problems = resultProblems(result, AT);
    if (result.rejected) {
      const cls = result.rejected.replace(/:.*$/, '');
      const byTarget = reasons.get(name) ?? new Map<string, number>();
      byTarget.set(cls, (byTarget.get(cls) ?? 0) + 1);
      reasons.set(name, byTarget);
    }
  } catch (error) {
    problems = [`decode threw: ${String(error).slice(0, 120)}`];
  }
  if (prototypeFingerprint() !== baseline) problems.push('a built-in prototype changed');
  if (({} as Record<string, unknown>).polluted !== undefined) problems.push('Object polluted');
  return problems;
}

const TYPES: Record<string, string[]> = {
  lookout: ['hello', 'subscribed', 'unsubscribed', 'event', 'reset', 'pong', 'heartbeat', 'error'],
  sakura: [
    'connected',
    'subscribed',
    'pong',
    'error',
    'chat_updates',
    'unread_counts',
    'website_status',
  ],
  'stats-stream': ['stats_update', 'batch_persisted'],
  'task-events': ['connected', 'pong', 'task_update'],
  'task-status': ['subscribed', 'unsubscribed', 'error', 'status_update'],
  'django-channels': [
    'connection_established',
    'pong',
    'business_created',
    'business_updated',
    'reservation_created',
  ],
};

describe.each(FUZZ_TARGETS)('$name codec under hostile input', (target) => {
  const seeds = seedsFor(target);
  const codec = codecFor(target.dialect, target.variant);
  const property = (arb: fc.Arbitrary<string>, numRuns: number) =>
    fc.assert(
      fc.property(arb, (text) => {
        const problems = check(target.name, codec, text);
        if (problems.length) throw new Error(problems.join('; '));
      }),
      { seed: SEED, numRuns },
    );

  it('accepts its valid seed frames (the fuzzers start from real traffic)', () => {
    const fresh = codecFor(target.dialect, target.variant);
    for (const seed of seeds) {
      const result = fresh.decode(JSON.stringify(seed), AT);
      expect(result.rejected, JSON.stringify(seed)).toBeUndefined();
      expect(resultProblems(result, AT)).toEqual([]);
    }
  });

  it('random bytes', () => property(bytesTextArb, RUNS));
  it('random JSON, with prototype-pollution keys', () => property(jsonTextArb, RUNS));
  it('known and unknown frame types with wrong-typed fields', () =>
    property(objectFrameArb(TYPES[target.dialect] ?? []), RUNS));
  it('valid frames with one part replaced, removed or joined by __proto__/constructor', () =>
    property(mutatedSeedArb(seeds), RUNS * 2));
  it('valid frames truncated at any byte', () => property(truncatedSeedArb(seeds), RUNS));
  it('nesting 1,000 to 50,000 levels deep, closed or not', () => property(deepSeedArb(seeds), 24));
  it('strings of a few megabytes in any field', () => property(hugeStringSeedArb(seeds), 6));
});

describe('prototype pollution, end to end', () => {
  it('leaves Object.prototype untouched and events on plain prototypes after every target', () => {
    const attack =
      '{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}}';
    for (const target of FUZZ_TARGETS) {
      const codec = codecFor(target.dialect, target.variant);
      for (const seed of seedsFor(target)) {
        const text = JSON.stringify(seed);
        // Every object of the seed gets the attack keys.
        for (const proto of ['{"polluted":"yes"}', 'null', '"yes"']) {
          const poisoned = text.replace(
            /\{/g,
            `{"__proto__":${proto},"constructor":${attack},"toString":${attack},`,
          );
          const result = codec.decode(poisoned.replace(/,\}/g, '}'), AT);
          expect(resultProblems(result, AT), `${target.name} ${text.slice(0, 60)}`).toEqual([]);
          for (const event of result.events ?? [])
            expect((event.data as Record<string, unknown>).polluted).toBeUndefined();
        }
      }
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(prototypeFingerprint()).toBe(baseline);
  });
});

describe('what the fuzzers found (kept as fixed examples)', () => {
  const deepArray = (n: number) => '['.repeat(n) + ']'.repeat(n);
  const cases: Array<[string, 'default' | 'notifications', string, RegExp | 'events']> = [
    // unknownType used JSON.stringify on the attacker's `type`: RangeError on deep arrays.
    ['django-channels', 'default', `{"type":${deepArray(10_000)}}`, /^unknown-type: \(array\)$/],
    ['sakura', 'default', `{"type":${deepArray(10_000)}}`, /^unknown-type: \(array\)$/],
    // zod's recursive JSON schema overflowed the stack on deep `data`.
    [
      'lookout',
      'default',
      `{"type":"event","channel":"dashboard","seq":1,"id":"a","kind":"alert","severity":"info","title":"t","body":"b","time":1,"data":{"x":${deepArray(10_000)}}}`,
      /^too-deep/,
    ],
    // `constructor` found Object's constructor in the kind table and became an event kind.
    [
      'django-channels',
      'default',
      '{"type":"constructor","payload":{"business":{"id":1,"name":"A"}}}',
      /^unknown-type: constructor$/,
    ],
    ['django-channels', 'default', '{"type":"toString"}', /^unknown-type: toString$/],
    // String() of an object whose toString is not a function threw a TypeError.
    [
      'django-channels',
      'default',
      '{"type":"business_updated","payload":{"business":{"id":1,"updated_at":[{"toString":0}]}}}',
      'events',
    ],
    [
      'sakura',
      'default',
      '{"type":"unread_counts","data":{"counts":{},"timestamp":{"toString":0}}}',
      'events',
    ],
    // encodeURIComponent threw URIError on a lone surrogate in an id used for a link.
    ['sakura', 'default', '{"type":"chat_updates","data":{"chat_id":"\\ud800x"}}', 'events'],
    [
      'django-channels',
      'default',
      '{"type":"business_created","payload":{"business":{"id":"\\udc00"}}}',
      'events',
    ],
    // primitives() assigned an own `__proto__: null`, leaving event data without a prototype.
    [
      'sakura',
      'default',
      '{"type":"website_status","data":{"__proto__":null,"status":"down"}}',
      'events',
    ],
    ['django-channels', 'notifications', '{"__proto__":null,"title":"x"}', 'events'],
  ];
  it.each(cases)('%s (%s): %s', (dialect, variant, text, expected) => {
    const codec = codecFor(dialect as 'sakura', variant);
    const result = codec.decode(text, AT);
    expect(resultProblems(result, AT)).toEqual([]);
    if (expected === 'events') expect(result.events?.length).toBe(1);
    else expect(result.rejected).toMatch(expected);
  });
});
