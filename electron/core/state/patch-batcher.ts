import { isEmptyPatch, mergePatchList, type AppPatch } from '../../../shared/model/app-state';
import type { Clock, TimerHandle } from '../kernel/ports';

/**
 * Collects patches and hands them on as ONE merged patch at most every `intervalMs`, so a flood
 * of events becomes a few IPC messages instead of an IPC storm. Timers come from the injected clock.
 */
export class PatchBatcher {
  /** Merged once at flush, in one linear pass (merging on every push would be quadratic). */
  private pending: AppPatch[] = [];
  private timer: TimerHandle | null = null;
  private lastFlushAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly clock: Clock,
    private readonly sink: (patch: AppPatch) => void,
    private readonly intervalMs = 100,
  ) {}

  push(patch: AppPatch): void {
    if (isEmptyPatch(patch)) return;
    this.pending.push(patch);
    if (this.timer !== null) return;
    const wait = Math.max(0, this.lastFlushAt + this.intervalMs - this.clock.now());
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      this.flush();
    }, wait);
  }

  /** Send what is pending now (also used on shutdown and before a snapshot is taken). */
  flush(): void {
    if (this.timer !== null) {
      this.clock.clearTimeout(this.timer);
      this.timer = null;
    }
    const patches = this.pending;
    this.pending = [];
    if (patches.length === 0) return;
    const patch = mergePatchList(patches);
    this.lastFlushAt = this.clock.now();
    this.sink(patch);
  }

  /** Drop anything pending (a fresh snapshot supersedes it) and stop the timer. */
  discard(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    this.pending = [];
  }
}
