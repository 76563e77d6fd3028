/** `IncidentNotifier`: connection incidents (down, deaf, waiting to sign in) shown as notifications. */
import type { EndpointHealth } from '../../../shared/model/health';
import type { Clock, Logger, TimerHandle } from '../kernel/ports';
import { IncidentWatch, type IncidentNotice } from './incident-watch';
import type { NotificationService } from './notification-service';

export interface IncidentNotifierOptions {
  service: NotificationService;
  clock: Clock;
  logger: Logger;
  /** How long trouble must last before it notifies (the user's `incidents.afterMs`). */
  afterMs: number;
  nameOf: (endpoint: string) => string;
}

/**
 * Feeds the health monitor's pushes to an `IncidentWatch` and shows what it decides through the
 * notification service (so a pause, quiet hours and mutes apply): one timer, set for the next
 * incident to come due.
 */
export class IncidentNotifier {
  private readonly watch: IncidentWatch;
  private timer: { handle: TimerHandle; at: number } | null = null;
  private disposed = false;

  constructor(private readonly o: IncidentNotifierOptions) {
    this.watch = new IncidentWatch(o.afterMs, o.nameOf);
  }

  /** The monitor's latest health for one endpoint. */
  update(health: EndpointHealth): void {
    if (this.disposed) return;
    const notice = this.watch.update(health, this.o.clock.now());
    if (notice) this.show(notice);
    this.schedule();
  }

  setThreshold(afterMs: number): void {
    this.watch.setThreshold(afterMs);
    this.reschedule();
  }

  forget(endpoint: string): void {
    this.watch.forget(endpoint);
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) this.o.clock.clearTimeout(this.timer.handle);
    this.timer = null;
  }

  private show(notice: IncidentNotice): void {
    const { notification } = notice;
    this.o.service.announce(notification).then(
      (shown) => {
        if (shown && notice.phase === 'incident') this.watch.announced(notification.endpoint);
      },
      (error: unknown) =>
        this.o.logger.error('incident notification failed', { error: String(error) }),
    );
  }

  private reschedule(): void {
    if (this.timer) this.o.clock.clearTimeout(this.timer.handle);
    this.timer = null;
    this.schedule();
  }

  private schedule(): void {
    if (this.disposed) return;
    const due = this.watch.nextDueAt();
    if (due === null || (this.timer && this.timer.at <= due)) return;
    const { clock } = this.o;
    if (this.timer) clock.clearTimeout(this.timer.handle);
    const handle = clock.setTimeout(
      () => {
        this.timer = null;
        for (const notice of this.watch.due(clock.now())) this.show(notice);
        this.schedule();
      },
      Math.max(0, due - clock.now()),
    );
    this.timer = { handle, at: due };
  }
}
