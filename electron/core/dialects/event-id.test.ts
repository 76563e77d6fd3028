import { describe, expect, it } from 'vitest';
import { hashKey, stableEventId } from './event-id';

describe('stable event ids', () => {
  it('keeps the ids that saved bells already hold (fixed vectors)', () => {
    // Changing these would make every saved notification look new after an update.
    expect(hashKey('')).toBe('811c9dc5050c5d1f');
    expect(hashKey('sakura|42')).toBe('92a44b06a4ddd33c');
    expect(
      stableEventId('business.updated', ['django', 17, '2026-11-22 21:56:50.081114+00:00', null]),
    ).toBe('business.updated:b69adbac281d7876');
  });

  it('tells parts apart by position, and treats null and undefined as empty', () => {
    expect(stableEventId('k', ['a', 'b'])).not.toBe(stableEventId('k', ['ab', '']));
    expect(stableEventId('k', ['a', null])).toBe(stableEventId('k', ['a', undefined]));
    expect(stableEventId('k', ['a', null])).toBe(stableEventId('k', ['a', '']));
    expect(stableEventId('k', [1])).toBe(stableEventId('k', ['1']));
    expect(stableEventId('x', ['1'])).toMatch(/^x:[0-9a-f]{16}$/);
  });
});
