import type { Clock, TimerHandle } from '../../electron/core/kernel/ports';

/**
 * The one manual clock of the tests: timers fire only when the test advances time, in order of
 * their due time. (Real timers with a movable wall clock: `jumping-clock.ts`.)
 */
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
  /** When the earliest waiting timer is due (undefined when none waits). */
  get nextDueAt(): number | undefined {
    return this.timers.length === 0 ? undefined : Math.min(...this.timers.map((x) => x.at));
  }
  /** Moves time to the earliest waiting timer and fires it (with any due at the same time); returns that time. */
  fireNext(): number {
    const at = this.nextDueAt;
    if (at === undefined) throw new Error('ManualClock.fireNext: no timer is waiting');
    this.advance(Math.max(0, at - this.t));
    return at;
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
