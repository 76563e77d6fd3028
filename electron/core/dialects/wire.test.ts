import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { linkPart, ownPrimitives, primitives } from './wire';

/** Lone surrogates replaced by U+FFFD (String#toWellFormed, which this TypeScript lib lacks). */
const wellFormed = (s: string) =>
  s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');

describe('wire helpers', () => {
  it('encodes a link segment like encodeURIComponent of its well-formed first 200 chars', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 260 }), fc.string({ unit: 'binary', maxLength: 30 })),
        (value) => {
          expect(linkPart(value)).toBe(encodeURIComponent(wellFormed(value.slice(0, 200))));
        },
      ),
      { numRuns: 3_000 },
    );
    expect(linkPart('shop-7')).toBe('shop-7');
    expect(linkPart('a b/c')).toBe('a%20b%2Fc');
    expect(linkPart('\uD800x')).toBe('%EF%BF%BDx');
  });

  it('keeps only JSON primitives and never copies __proto__', () => {
    const parsed = JSON.parse(
      '{"a":1,"b":"x","c":{"d":1},"e":[1],"f":null,"g":true,"__proto__":{"polluted":1}}',
    ) as Record<string, unknown>;
    const out = primitives(parsed);
    expect(out).toEqual({ a: 1, b: 'x', f: null, g: true });
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(primitives({ long: 'x'.repeat(10) }, 4)).toEqual({ long: 'xxxx…' });
  });

  it('keeps a plain object as it is, and copies only when something must go', () => {
    const plain = JSON.parse('{"id":7,"name":"Kettle","active":true,"note":null}') as Record<
      string,
      unknown
    >;
    expect(ownPrimitives(plain)).toBe(plain);
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 })), (value) => {
        const parsed = JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
        const out = ownPrimitives(parsed, 20);
        expect(out).toEqual(primitives(parsed, 20));
        expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
      }),
      { numRuns: 1_000 },
    );
    const nested = JSON.parse('{"id":1,"owner":{"x":1},"__proto__":{"p":1}}') as Record<
      string,
      unknown
    >;
    expect(ownPrimitives(nested)).not.toBe(nested);
    expect(ownPrimitives(nested)).toEqual({ id: 1 });
  });
});
