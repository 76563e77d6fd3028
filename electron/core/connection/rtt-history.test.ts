import { describe, expect, it } from 'vitest';
import { percentile, RttHistory } from './rtt-history';

describe('RttHistory', () => {
  it('reports p50 and p95 over the kept samples', () => {
    const h = new RttHistory(100);
    for (let i = 1; i <= 100; i++) h.add(i, i);
    const s = h.summary(5);
    expect(s).toMatchObject({ samples: 100, lastMs: 100, p50Ms: 50, p95Ms: 95 });
    expect(s.recent.map((r) => r.ms)).toEqual([96, 97, 98, 99, 100]);
  });

  it('keeps only the newest samples once full, oldest first', () => {
    const h = new RttHistory(3);
    [10, 20, 30, 40, 50].forEach((ms, i) => h.add(i, ms));
    expect(h.summary().recent.map((r) => r.ms)).toEqual([30, 40, 50]);
    expect(h.summary().samples).toBe(5);
  });

  it('ignores nonsense samples and handles emptiness', () => {
    const h = new RttHistory();
    h.add(1, Number.NaN);
    h.add(1, -5);
    expect(h.summary()).toMatchObject({ samples: 0, lastMs: null, p50Ms: null });
    expect(percentile([], 0.5)).toBeNull();
  });
});
