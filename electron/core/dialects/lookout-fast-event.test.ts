import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventFrameSchema } from '../../../shared/protocol/lookout-wire';
import { EVENT_KINDS, SEVERITIES } from '../../../shared/model/live-event';
import { fastWireEvent } from './lookout-fast-event';

/** Whether a JSON value holds an object with an own `__proto__` key, at any depth. */
function hasOwnProtoKey(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (!Array.isArray(value) && Object.hasOwn(value, '__proto__')) return true;
  return Object.values(value).some(hasOwnProtoKey);
}

const maybe = <T>(arb: fc.Arbitrary<T>) => fc.oneof(arb, fc.anything());

/** Event frames that are mostly right, with any field possibly wrong: the interesting border. */
const frameArb = fc.record(
  {
    type: fc.constant('event'),
    channel: maybe(fc.string()),
    seq: maybe(
      fc.oneof(
        fc.integer({ min: -5, max: 1_000_000 }),
        fc.constantFrom(2 ** 53 - 1, 2 ** 53, 2 ** 60),
        fc.double(),
      ),
    ),
    id: maybe(fc.string({ maxLength: 320 })),
    kind: maybe(fc.constantFrom(...EVENT_KINDS, 'nope')),
    severity: maybe(fc.constantFrom(...SEVERITIES, 'loud')),
    title: maybe(fc.string({ maxLength: 520 })),
    body: maybe(fc.string()),
    time: maybe(fc.integer()),
    data: maybe(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 4 }))),
    link: fc.option(maybe(fc.string({ maxLength: 520 })), { nil: undefined }),
    epoch: fc.option(maybe(fc.stringMatching(/^[A-Za-z0-9_-]{0,70}$/)), { nil: undefined }),
    origin: fc.option(maybe(fc.string({ maxLength: 320 })), { nil: undefined }),
    extra: fc.option(fc.anything(), { nil: undefined }),
  },
  { requiredKeys: ['type'] },
);

describe('lookout fast event path', () => {
  it('accepts only what the schema accepts, and yields the same event', () => {
    fc.assert(
      fc.property(frameArb, (input) => {
        // Through JSON, as frames arrive: no undefined, no functions, no NaN.
        const raw = JSON.parse(JSON.stringify(input)) as Record<string, unknown>;
        const fast = fastWireEvent(raw);
        const schema = eventFrameSchema.safeParse(raw);
        if (fast !== null) {
          expect(schema.success).toBe(true);
          expect(fast).toEqual(schema.data);
        }
      }),
      { numRuns: Number(process.env.LOOKOUT_FUZZ_RUNS ?? 3_000) },
    );
  });

  it('takes every plainly valid frame', () => {
    fc.assert(
      fc.property(
        fc.record({
          channel: fc.constantFrom('dashboard', 'stats', 'task:42'),
          seq: fc.integer({ min: 1, max: 1e9 }),
          id: fc.string({ minLength: 1, maxLength: 300 }),
          kind: fc.constantFrom(...EVENT_KINDS),
          severity: fc.constantFrom(...SEVERITIES),
          title: fc.string({ maxLength: 500 }),
          body: fc.string({ maxLength: 2_000 }),
          time: fc.integer({ min: 0 }),
          data: fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 5 })),
        }),
        (fields) => {
          const raw = JSON.parse(JSON.stringify({ type: 'event', ...fields })) as Record<
            string,
            unknown
          >;
          // Data with an own __proto__ key anywhere is the one valid shape left to the schema.
          if (hasOwnProtoKey(raw.data)) expect(fastWireEvent(raw)).toBeNull();
          else expect(fastWireEvent(raw)).not.toBeNull();
        },
      ),
      { numRuns: 1_000 },
    );
  });

  it('leaves deep or odd data to the schema', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 40; i++) deep = { d: deep };
    const base = {
      type: 'event',
      channel: 'c',
      seq: 1,
      id: 'x',
      kind: 'alert',
      severity: 'info',
      title: '',
      body: '',
      time: 1,
    };
    expect(fastWireEvent({ ...base, data: deep })).toBeNull();
    expect(fastWireEvent({ ...base, data: [] })).toBeNull();
    // An own __proto__ key (deep too) goes to the schema, which drops it: both paths read the same.
    const odd = { ...base, data: JSON.parse('{"a": {"__proto__": {"polluted": true}}}') };
    expect(fastWireEvent(odd)).toBeNull();
    const parsed = eventFrameSchema.parse(odd);
    expect(Object.hasOwn(parsed.data.a as object, '__proto__')).toBe(false);
    expect(Object.assign({}, parsed.data.a as object)).not.toHaveProperty('polluted');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
