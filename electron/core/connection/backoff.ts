/** Reconnect delays: exponential backoff with full jitter (injected random), reset once a connection held. */
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
    return backoffCap(this.options, this.failures);
  }

  /** Delay before the next attempt; counts a failure. */
  next(): number {
    const delay = jitteredDelay(this.options, this.failures, this.random());
    this.failures = nextFailureCount(this.failures);
    return delay;
  }

  /** After a stable connection: the next failure starts from `minMs` again. */
  reset(): void {
    this.failures = 0;
  }
}

/** The cap after `failures` consecutive failures: `minMs · factor^failures`, at most `maxMs`. */
export function backoffCap(options: BackoffOptions, failures: number): number {
  const { minMs, maxMs, factor } = options;
  return Math.min(maxMs, minMs * factor ** failures);
}

/** Full jitter: `unit` (a draw in [0, 1)) of the cap; a draw that is not a number counts as 0.5. */
export function jitteredDelay(options: BackoffOptions, failures: number, unit: number): number {
  const u = Number.isFinite(unit) ? Math.min(Math.max(unit, 0), 1) : 0.5;
  return Math.floor(u * backoffCap(options, failures));
}

/** The failure count after one more failure (bounded, so the exponent never overflows). */
export function nextFailureCount(failures: number): number {
  return Math.min(failures + 1, 64);
}
