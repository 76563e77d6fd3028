import type { SessionDiagnostics } from '../../../shared/model/connection';
import type { Clock, TimerHandle } from '../kernel/ports';

/**
 * The diagnostics panel's live view: while it is open, every session's diagnostics are pushed once
 * a second (the panel says when it opens and closes).
 */
export class DiagnosticsFeed {
  private timer: TimerHandle | null = null;

  constructor(
    private readonly clock: Clock,
    private readonly snapshot: () => SessionDiagnostics[],
    private readonly publish: (diagnostics: SessionDiagnostics[]) => void,
    private readonly intervalMs = 1_000,
  ) {}

  setLive(on: boolean): void {
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.timer = null;
    if (!on) return;
    const tick = () => {
      this.publish(this.snapshot());
      this.timer = this.clock.setTimeout(tick, this.intervalMs);
    };
    tick();
  }
}
