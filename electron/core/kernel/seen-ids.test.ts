import { describe, expect, it } from 'vitest';
import { SeenIds } from './seen-ids';

describe('SeenIds', () => {
  it('reports an id as seen from its second appearance on', () => {
    const seen = new SeenIds(3);
    expect(seen.checkAndAdd('a')).toBe(false);
    expect(seen.checkAndAdd('a')).toBe(true);
    expect(seen.has('a')).toBe(true);
    expect(seen.has('b')).toBe(false);
  });

  it('forgets the oldest id once full, and stays at its capacity', () => {
    const seen = new SeenIds(3);
    for (const id of ['a', 'b', 'c', 'd']) seen.checkAndAdd(id);
    expect(seen.size).toBe(3);
    expect(seen.has('a')).toBe(false);
    expect(['b', 'c', 'd'].every((id) => seen.has(id))).toBe(true);
    // A duplicate does not take a slot: 'b' stays the oldest and goes next.
    expect(seen.checkAndAdd('c')).toBe(true);
    seen.checkAndAdd('e');
    expect(seen.has('b')).toBe(false);
    expect(seen.has('c')).toBe(true);
  });

  it('keeps exactly the last `capacity` distinct ids over a long run', () => {
    const seen = new SeenIds(100);
    for (let i = 0; i < 10_000; i++) seen.checkAndAdd(`id:${i}`);
    expect(seen.size).toBe(100);
    expect(seen.has('id:9899')).toBe(false);
    expect(seen.has('id:9900')).toBe(true);
    expect(seen.has('id:9999')).toBe(true);
    // A forgotten id counts as new again.
    expect(seen.checkAndAdd('id:0')).toBe(false);
  });
});
