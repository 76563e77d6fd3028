import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  businessPayloadSchema,
  fastBusinessPayload,
  fastReservationPayload,
  readBusinessPayload,
  readReservationPayload,
  reservationPayloadSchema,
} from './django-payloads';

const maybe = <T>(arb: fc.Arbitrary<T>) => fc.oneof(arb, fc.anything());
const wireId = maybe(fc.oneof(fc.string(), fc.integer(), fc.double({ noNaN: true })));
const extras = fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 4 });
/** Extras a plainly valid payload may carry: any key but `__proto__` (left to the schema). */
const plainExtras = fc.dictionary(
  fc.string().filter((key) => key !== '__proto__'),
  fc.jsonValue({ maxDepth: 3 }),
  { maxKeys: 4 },
);
const runs = Number(process.env.LOOKOUT_FUZZ_RUNS ?? 3_000);

/** Through JSON, as frames arrive: no undefined, no functions, no NaN. */
const viaJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value ?? null));

const businessArb = fc.record(
  {
    business: maybe(
      fc.tuple(
        extras,
        fc.record(
          { id: wireId, name: maybe(fc.string()), updated_at: fc.anything() },
          { requiredKeys: [] },
        ),
      ),
    ),
    message: maybe(fc.string()),
  },
  { requiredKeys: [] },
);

const reservationArb = fc.record(
  {
    reservation: maybe(
      fc.tuple(
        extras,
        fc.record({ id: wireId, business: maybe(fc.integer()) }, { requiredKeys: [] }),
      ),
    ),
    business_name: maybe(fc.string()),
    message: maybe(fc.string()),
  },
  { requiredKeys: [] },
);

/** `[extras, fields]` tuples become one object (fields win), anything else stays as it is. */
function assemble(input: Record<string, unknown>, key: string): unknown {
  const inner = input[key];
  if (!Array.isArray(inner) || inner.length !== 2) return viaJson(input);
  const [extra, fields] = inner as [Record<string, unknown>, Record<string, unknown>];
  return viaJson({ ...input, [key]: { ...extra, ...fields } });
}

describe('django-channels payload fast path', () => {
  it('reads a business payload only when the schema accepts it, and reads it the same', () => {
    fc.assert(
      fc.property(businessArb, (input) => {
        const payload = assemble(input, 'business');
        const fast = fastBusinessPayload(payload);
        const schema = businessPayloadSchema.safeParse(payload);
        if (fast === null) {
          // Whatever the fast path leaves, the full reader still decides (and explains).
          const read = readBusinessPayload(payload);
          if (!schema.success) expect(read).toMatch(/^schema: /);
          return;
        }
        expect(schema.success).toBe(true);
        if (!schema.success) return;
        expect(fast.id).toBe(schema.data.business.id);
        expect(fast.name).toBe(schema.data.business.name);
        expect(fast.message).toBe(schema.data.message);
        expect({ ...fast.business, id: fast.id }).toEqual(schema.data.business);
      }),
      { numRuns: runs },
    );
  });

  it('reads a reservation payload only when the schema accepts it, and reads it the same', () => {
    fc.assert(
      fc.property(reservationArb, (input) => {
        const payload = assemble(input, 'reservation');
        const fast = fastReservationPayload(payload);
        const schema = reservationPayloadSchema.safeParse(payload);
        if (fast === null) {
          const read = readReservationPayload(payload);
          if (!schema.success) expect(read).toMatch(/^schema: /);
          return;
        }
        expect(schema.success).toBe(true);
        if (!schema.success) return;
        expect(fast.id).toBe(schema.data.reservation.id);
        expect(fast.businessName).toBe(schema.data.business_name);
        expect(fast.message).toBe(schema.data.message);
        const expected = { ...fast.reservation, ...(fast.id === undefined ? {} : { id: fast.id }) };
        expect(expected).toEqual(schema.data.reservation);
      }),
      { numRuns: runs },
    );
  });

  it('leaves an own __proto__ key to the schema, which drops it (found by the property above)', () => {
    const reservation = readReservationPayload(JSON.parse('{"reservation":{"__proto__":0}}'));
    const business = readBusinessPayload(
      JSON.parse('{"business":{"id":7,"__proto__":{"admin":true}}}'),
    );
    if (typeof reservation === 'string' || typeof business === 'string') {
      throw new Error('both payloads are valid');
    }
    expect(Object.hasOwn(reservation.reservation, '__proto__')).toBe(false);
    expect(Object.hasOwn(business.business, '__proto__')).toBe(false);
    expect(business.id).toBe('7');
    const merged: Record<string, unknown> = Object.assign({}, business.business);
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect(merged.admin).toBeUndefined();
  });

  it('takes every plainly valid payload without the schema', () => {
    fc.assert(
      fc.property(
        plainExtras,
        fc.oneof(fc.string(), fc.integer()),
        fc.option(fc.string(), { nil: undefined }),
        (extra, id, message) => {
          const business = viaJson({ ...extra, id, name: 'Kettle & Crumb' });
          expect(fastBusinessPayload(viaJson({ business, message }))).not.toBeNull();
          const reservation = viaJson({ ...extra, id });
          expect(fastReservationPayload(viaJson({ reservation, message }))).not.toBeNull();
        },
      ),
      { numRuns: 500 },
    );
  });

  it('explains what is wrong with a bad payload', () => {
    expect(readBusinessPayload({ business: { name: 'x' } })).toMatch(/^schema: business\.id: /);
    expect(readBusinessPayload('nope')).toMatch(/^schema: /);
    expect(readReservationPayload({ reservation: { id: {} } })).toMatch(
      /^schema: reservation\.id: /,
    );
    expect(readBusinessPayload({ business: { id: 7 }, message: 'm' })).toEqual({
      business: { id: 7 },
      id: '7',
      name: undefined,
      message: 'm',
    });
  });
});
