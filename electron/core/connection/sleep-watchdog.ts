import type { Clock, TimerHandle } from '../kernel/ports';

/**
 * A timer whose lateness reveals that the process was suspended (laptop lid closed): it fires
 * every half `sleepDetectionMs`, and firing `sleepDetectionMs` late or more means the machine slept.
 */
export class SleepWatchdog {
  private timer: TimerHandle | null = null;
  private running = false;

  constructor(
    private readonly clock: Clock,
    private readonly sleepDetectionMs: number,
    private readonly onSlept: (lateMs: number) => void,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.arm();
  }

  stop(): void {
    this.running = false;
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  private arm(): void {
    const period = Math.max(1_000, Math.floor(this.sleepDetectionMs / 2));
    const expected = this.clock.now() + period;
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      const late = this.clock.now() - expected;
      if (late >= this.sleepDetectionMs) this.onSlept(late);
      if (this.running && this.timer === null) this.arm();
    }, period);
  }
}
