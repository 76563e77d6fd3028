import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { boundData, boundText, ITEM_LIMITS, REDACTED_VALUE } from './item-bounds';
import type { Json } from './live-event';
import { isSecretName } from '../util/secret-names';

describe('item bounds', () => {
  it('keeps small, flat, clean data as it is (no copy)', () => {
    const data = { id: 7, name: 'Blue Fern', plan: 'trial', active: true, owner: null };
    expect(boundData(data)).toEqual({ data, truncated: false });
    expect(boundData(data).data).toBe(data);
  });

  it('keeps any data within its byte budget and says when it cut something', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue() as fc.Arbitrary<Json>), (data) => {
        const { data: kept, truncated } = boundData(data, 2_048);
        expect(JSON.stringify(kept).length).toBeLessThanOrEqual(2_048 + 256);
        // Anything other than redacting secret-named fields is a cut, and is said so.
        const redacted = JSON.parse(JSON.stringify(data), (key, v: unknown) =>
          isSecretName(key) && v !== null && typeof v !== 'object' ? REDACTED_VALUE : v,
        ) as unknown;
        if (JSON.stringify(kept) !== JSON.stringify(redacted)) expect(truncated).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('cuts a megabyte business to its first fields, long strings and keys shortened, deep values summarised', () => {
    const business: Record<string, Json> = {
      id: 1,
      name: 'Mega Mart',
      ['k'.repeat(5_000)]: 'long key',
      notes: 'n'.repeat(1_000_000),
      nested: { a: { b: { c: { d: { e: 'deep' } } } } },
    };
    for (let i = 0; i < 20_000; i++) business[`f${i}`] = 'value';
    const { data, truncated } = boundData(business);
    expect(truncated).toBe(true);
    expect(JSON.stringify(data).length).toBeLessThan(ITEM_LIMITS.dataBytes + 256);
    expect(data.id).toBe(1);
    expect(data.name).toBe('Mega Mart');
    expect((data.notes as string).length).toBe(ITEM_LIMITS.dataString);
    expect((data.notes as string).endsWith('…')).toBe(true);
    expect(Object.keys(data).some((k) => k.length === ITEM_LIMITS.dataKey && k.endsWith('…'))).toBe(
      true,
    );
    expect(JSON.stringify(data.nested)).toContain('{…}');
  });

  it('never keeps the values of secret-named fields', () => {
    const { data } = boundData({
      id: 1,
      owner_password: 'x-pass-123',
      api_key: 'k-999',
      token_count: 3,
    });
    expect(data).toEqual({
      id: 1,
      owner_password: REDACTED_VALUE,
      api_key: REDACTED_VALUE,
      token_count: REDACTED_VALUE,
    });
  });

  it('cuts text with an ellipsis only when it is too long', () => {
    expect(boundText('short', 10)).toBe('short');
    expect(boundText('-'.repeat(100_000), 300)).toHaveLength(300);
    expect(boundText('-'.repeat(100_000), 300).endsWith('…')).toBe(true);
  });
});
