/** Runs the pure notification policy against the Notifier port: timers, digests, delivery results. */
import type { LiveEvent } from '../../../shared/model/live-event';
import { silentLogger, type Clock, type Logger, type TimerHandle } from '../kernel/ports';
import type { NotifyPolicy, PolicyContext, PolicyDecision } from './notify-policy';
import type { NotificationAction, Notifier, NotifyResult, OsNotification } from './notifier';

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
  /** A button on a notification was picked ("Mark read", "Mute 1 h"). */
  onAction?: (notification: OsNotification, action: NotificationAction) => void;
  /** The endpoint's name as the user knows it: every notification says where it comes from. */
  sourceName?: (endpoint: string) => string;
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
  private readonly unsubscribeAction: (() => void) | undefined;
  private disposed = false;
  private readonly logger: Logger;

  constructor(private readonly options: NotificationServiceOptions) {
    this.logger = options.logger ?? silentLogger;
    const onClick = options.onClick;
    this.unsubscribeClick = onClick ? options.notifier.onClick?.(onClick) : undefined;
    const onAction = options.onAction;
    this.unsubscribeAction = onAction ? options.notifier.onAction?.(onAction) : undefined;
  }

  /**
   * Shows a notification the host raised itself (a connection incident), if the user's pause,
   * quiet hours, mutes and the OS allow; resolves true when it was shown.
   */
  async announce(notification: OsNotification): Promise<boolean> {
    if (this.disposed) return false;
    const { osDoNotDisturb } = this.options.context();
    const decision = this.options.policy.decideNotice(
      notification,
      osDoNotDisturb === undefined ? {} : { osDoNotDisturb },
      this.options.clock.now(),
    );
    if (decision.kind !== 'notify') {
      this.counters.suppressed += 1;
      return false;
    }
    return this.deliver(decision.notification);
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
    this.unsubscribeAction?.();
  }

  private async apply(decisions: PolicyDecision[]): Promise<void> {
    for (const d of decisions) {
      if (d.kind === 'suppress') this.counters.suppressed += 1;
      else if (d.kind === 'coalesce') this.counters.coalesced += 1;
      else await this.deliver(d.notification);
    }
  }

  private async deliver(decided: OsNotification): Promise<boolean> {
    const { notifier, policy, clock, sourceName } = this.options;
    const notification: OsNotification = {
      ...decided,
      source: decided.source ?? sourceName?.(decided.endpoint) ?? decided.endpoint,
    };
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
    return result.ok;
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
