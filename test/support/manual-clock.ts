import type { Clock, TimerHandle } from '../../electron/core/kernel/ports';

/** A manual clock: timers fire only when the test advances time, in order of their due time. */
export class ManualClock implements Clock {
  timers: { at: number; fn: () => void; id: number }[] = [];
  private nextId = 1;
  constructor(public t = 0) {}
  now = (): number => this.t;
  setTimeout = (fn: () => void, ms: number): TimerHandle => {
    const id = this.nextId++;
    this.timers.push({ at: this.t + ms, fn, id });
    return id as unknown as TimerHandle;
  };
  clearTimeout = (h: TimerHandle): void => {
    this.timers = this.timers.filter((x) => x.id !== (h as unknown as number));
  };
  /** Timers waiting to fire. */
  get pending(): number {
    return this.timers.length;
  }
  /** Moves time on and fires every timer that came due, synchronously. */
  advance(ms: number): void {
    this.t += ms;
    while (this.fireDue());
  }
  /** As `advance`, letting promises and I/O settle after each batch of timers that fired. */
  async advanceAsync(ms: number): Promise<void> {
    this.t += ms;
    while (this.fireDue()) await new Promise((r) => setImmediate(r));
  }
  private fireDue(): boolean {
    const due = this.timers.filter((x) => x.at <= this.t);
    if (due.length === 0) return false;
    this.timers = this.timers.filter((x) => x.at > this.t);
    for (const x of due) x.fn();
    return true;
  }
}
