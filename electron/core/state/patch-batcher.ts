import { isEmptyPatch, type AppPatch } from '../../../shared/model/app-state';
import { PatchFold, type FoldLimits } from '../../../shared/model/patch-fold';
import type { Clock, TimerHandle } from '../kernel/ports';

/**
 * Collects patches and hands them on as ONE merged patch at most every `intervalMs`, so a flood
 * of events becomes a few IPC messages instead of an IPC storm. Timers come from the injected clock.
 * Each patch is folded in as it comes (`PatchFold`), so a flood keeps one version of each business
 * and, with `limits`, no more bell entries, reservations or samples than the renderer can show.
 */
export class PatchBatcher {
  private readonly pending: PatchFold;
  private timer: TimerHandle | null = null;
  private lastFlushAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly clock: Clock,
    private readonly sink: (patch: AppPatch) => void,
    private readonly intervalMs = 100,
    limits?: FoldLimits,
  ) {
    this.pending = new PatchFold(limits);
  }

  push(patch: AppPatch): void {
    if (isEmptyPatch(patch)) return;
    this.pending.add(patch);
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
    if (this.pending.empty) return;
    const patch = this.pending.take();
    this.lastFlushAt = this.clock.now();
    this.sink(patch);
  }

  /** Drop anything pending (a fresh snapshot supersedes it) and stop the timer. */
  discard(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    this.pending.take();
  }
}
