import { describe, expect, it } from 'vitest';
import { Ring } from './ring';

describe('Ring', () => {
  it('keeps the newest entries in order once full', () => {
    const r = new Ring<number>(3);
    [1, 2, 3, 4, 5].forEach((n) => r.push(n));
    expect(r.toArray()).toEqual([3, 4, 5]);
    expect(r.last()).toBe(5);
    expect(r.size).toBe(3);
  });

  it('works before it is full and after clear', () => {
    const r = new Ring<string>(4);
    expect(r.last()).toBeUndefined();
    r.push('a');
    r.push('b');
    expect(r.toArray()).toEqual(['a', 'b']);
    r.clear();
    expect(r.toArray()).toEqual([]);
  });

  it('refuses a nonsense capacity', () => {
    expect(() => new Ring(0)).toThrow(RangeError);
  });
});
