import type { DndReading, NotificationHealth } from '../../../shared/model/diagnostics';

/**
 * Whether OS notifications are being delivered (the notification service's delivery results) and
 * whether the OS's do-not-disturb holds them back. Only transitions are announced: a banner appears
 * when delivery fails and goes when it works again.
 */
export class NotificationHealthTracker {
  private health: NotificationHealth;

  constructor(
    notifier: string,
    dnd: DndReading,
    private readonly now: () => number,
    private readonly onChange: (health: NotificationHealth) => void,
  ) {
    this.health = { ok: true, notifier, error: null, since: now(), dnd };
  }

  current(): NotificationHealth {
    return this.health;
  }

  /** One delivery's outcome: `error` null when the OS took the notification. */
  note(error: string | null, notifier: string): void {
    const ok = error === null;
    if (ok === this.health.ok && error === this.health.error) return;
    this.health = { ...this.health, ok, notifier, error, since: this.now() };
    this.onChange(this.health);
  }

  /** The OS's do-not-disturb changed. */
  setDnd(dnd: DndReading): void {
    this.health = { ...this.health, dnd };
    this.onChange(this.health);
  }
}
