import type { RandomSource } from '../kernel/ports';

/** Backoff settings, as in the endpoint config (`shared/config/endpoint.ts`). */
export interface BackoffOptions {
  minMs: number;
  maxMs: number;
  factor: number;
}

/**
 * Exponential backoff with full jitter: each delay is uniform in [0, cap) where the cap grows
 * `minMs · factor^n` up to `maxMs`. Full jitter spreads a fleet of clients that lost the same
 * server, so they do not come back in lockstep. A fresh draw per attempt, from the injected source.
 */
export class Backoff {
  private failures = 0;

  constructor(
    private readonly options: BackoffOptions,
    private readonly random: RandomSource,
  ) {}

  /** Consecutive failures since the last reset. */
  get attempt(): number {
    return this.failures;
  }

  /** The cap for the current attempt (before jitter). */
  cap(): number {
    const { minMs, maxMs, factor } = this.options;
    return Math.min(maxMs, minMs * factor ** this.failures);
  }

  /** Delay before the next attempt; counts a failure. */
  next(): number {
    const cap = this.cap();
    this.failures = Math.min(this.failures + 1, 64);
    const r = this.random();
    const unit = Number.isFinite(r) ? Math.min(Math.max(r, 0), 1) : 0.5;
    return Math.floor(unit * cap);
  }

  /** After a stable connection: the next failure starts from `minMs` again. */
  reset(): void {
    this.failures = 0;
  }
}
