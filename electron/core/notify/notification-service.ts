import type { LiveEvent } from '../../../shared/model/live-event';
import { silentLogger, type Clock, type Logger, type TimerHandle } from '../kernel/ports';
import type { NotifyPolicy, PolicyContext, PolicyDecision } from './notify-policy';
import type { Notifier, NotifyResult, OsNotification } from './notifier';

/** Counters the diagnostics panel shows next to the decision trace. */
export interface NotificationCounters {
  shown: number;
  failed: number;
  suppressed: number;
  coalesced: number;
  /** The last delivery failure, with what to do about it, or null. */
  lastFailure: { at: number; error: string; notifier: string } | null;
}

export interface NotificationServiceOptions {
  policy: NotifyPolicy;
  notifier: Notifier;
  clock: Clock;
  /** Asked at every decision: focus, what is being viewed, OS do-not-disturb. */
  context: () => PolicyContext;
  logger?: Logger;
  /** Where a clicked notification leads (the host opens the window at `link`). */
  onClick?: (notification: OsNotification) => void;
  /** Told about every delivery attempt (the core turns failures into a visible banner). */
  onDelivery?: (result: NotifyResult, notifier: string) => void;
}

/**
 * Ties the pure policy to a notifier and a timer: decides, shows, schedules the next flood
 * summary or digest, and records every delivery (and every failure) in the policy's trace.
 */
export class NotificationService {
  private readonly counters: NotificationCounters = {
    shown: 0,
    failed: 0,
    suppressed: 0,
    coalesced: 0,
    lastFailure: null,
  };
  private timer: { handle: TimerHandle; at: number } | null = null;
  private readonly unsubscribeClick: (() => void) | undefined;
  private disposed = false;
  private readonly logger: Logger;

  constructor(private readonly options: NotificationServiceOptions) {
    this.logger = options.logger ?? silentLogger;
    const onClick = options.onClick;
    this.unsubscribeClick = onClick ? options.notifier.onClick?.(onClick) : undefined;
  }

  /** Decide about a batch of events and show what should be shown; resolves once delivery was tried. */
  async handle(events: readonly LiveEvent[]): Promise<void> {
    if (this.disposed || events.length === 0) return;
    const now = this.options.clock.now();
    const decisions = this.options.policy.decide(events, this.options.context(), now);
    await this.apply(decisions);
    this.schedule();
  }

  /** A session reconnected: its replay becomes one digest. */
  reconnected(endpoint: string): void {
    this.options.policy.beginDigest(this.options.clock.now(), 'reconnect', endpoint);
    this.schedule();
  }

  /** The machine woke up: everything that arrives next becomes one digest. */
  woke(): void {
    this.options.policy.beginDigest(this.options.clock.now(), 'wake');
    this.schedule();
  }

  /** Release due summaries/digests now (the timer calls this; tests may too). */
  async tick(): Promise<void> {
    if (this.disposed) return;
    const { osDoNotDisturb } = this.options.context();
    const decisions = this.options.policy.tick(
      this.options.clock.now(),
      osDoNotDisturb === undefined ? {} : { osDoNotDisturb },
    );
    await this.apply(decisions);
    this.schedule();
  }

  stats(): NotificationCounters {
    return { ...this.counters };
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) this.options.clock.clearTimeout(this.timer.handle);
    this.timer = null;
    this.unsubscribeClick?.();
  }

  private async apply(decisions: PolicyDecision[]): Promise<void> {
    for (const d of decisions) {
      if (d.kind === 'suppress') this.counters.suppressed += 1;
      else if (d.kind === 'coalesce') this.counters.coalesced += 1;
      else await this.deliver(d.notification);
    }
  }

  private async deliver(notification: OsNotification): Promise<void> {
    const { notifier, policy, clock } = this.options;
    let result: NotifyResult;
    try {
      result = await notifier.show(notification);
    } catch (error) {
      // The port promises not to throw; if an adapter does anyway, the event still must not vanish.
      result = { ok: false, error: `Notifier ${notifier.name} threw: ${String(error)}` };
    }
    const at = clock.now();
    this.options.onDelivery?.(result, notifier.name);
    if (result.ok) this.counters.shown += 1;
    else {
      this.counters.failed += 1;
      this.counters.lastFailure = { at, error: result.error, notifier: notifier.name };
      this.logger.warn('OS notification failed', { notifier: notifier.name, error: result.error });
    }
    for (const eventId of notification.eventIds) {
      policy.trace.record({
        eventId,
        at,
        endpoint: notification.endpoint,
        kind: notification.origin,
        step: result.ok ? 'delivered' : 'failed',
        reason: result.ok ? notifier.name : 'notifier-error',
        detail: result.ok ? `Shown by ${notifier.name}.` : result.error,
      });
    }
  }

  private schedule(): void {
    if (this.disposed) return;
    const due = this.options.policy.nextDueAt();
    if (due === null) return;
    if (this.timer && this.timer.at <= due) return;
    const { clock } = this.options;
    if (this.timer) clock.clearTimeout(this.timer.handle);
    const handle = clock.setTimeout(
      () => {
        this.timer = null;
        void this.tick();
      },
      Math.max(0, due - clock.now()),
    );
    this.timer = { handle, at: due };
  }
}
