import type { RttSummary } from '../../../shared/model/connection';

/** Round-trip samples in a fixed ring; percentiles computed on demand (diagnostics reads are rare). */
export class RttHistory {
  private readonly ms: number[] = [];
  private readonly at: number[] = [];
  private next = 0;
  private total = 0;

  constructor(private readonly capacity = 120) {}

  add(at: number, ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) return;
    if (this.ms.length < this.capacity) {
      this.ms.push(ms);
      this.at.push(at);
    } else {
      this.ms[this.next] = ms;
      this.at[this.next] = at;
    }
    this.next = (this.next + 1) % this.capacity;
    this.total += 1;
  }

  /** Samples oldest first. */
  private ordered(): Array<{ at: number; ms: number }> {
    const n = this.ms.length;
    const start = n < this.capacity ? 0 : this.next;
    return Array.from({ length: n }, (_, i) => {
      const k = (start + i) % n;
      return { at: this.at[k] ?? 0, ms: this.ms[k] ?? 0 };
    });
  }

  summary(recent = 60): RttSummary {
    const ordered = this.ordered();
    const sorted = ordered.map((s) => s.ms).sort((a, b) => a - b);
    return {
      samples: this.total,
      lastMs: ordered.at(-1)?.ms ?? null,
      p50Ms: percentile(sorted, 0.5),
      p95Ms: percentile(sorted, 0.95),
      recent: ordered.slice(-recent),
    };
  }
}

/** Nearest-rank percentile of an ascending array; null when empty. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[rank] ?? null;
}
