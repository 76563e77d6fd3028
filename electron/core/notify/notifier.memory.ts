import type { NotificationAction, Notifier, NotifyResult, OsNotification } from './notifier';

/**
 * A notifier that records what it was asked to show: for tests, and for hosts where the user
 * turned OS notifications off but the trace should still say what would have been shown.
 */
export class MemoryNotifier implements Notifier {
  readonly name = 'memory';
  readonly shown: OsNotification[] = [];
  private readonly clickListeners = new Set<(n: OsNotification) => void>();
  private readonly actionListeners = new Set<(n: OsNotification, a: NotificationAction) => void>();
  /** When set, every `show` fails with this message (to exercise failure paths). */
  failWith: string | null = null;

  async show(notification: OsNotification): Promise<NotifyResult> {
    if (this.failWith) return { ok: false, error: this.failWith };
    this.shown.push(notification);
    return { ok: true };
  }

  onClick(listener: (notification: OsNotification) => void): () => void {
    this.clickListeners.add(listener);
    return () => this.clickListeners.delete(listener);
  }

  onAction(
    listener: (notification: OsNotification, action: NotificationAction) => void,
  ): () => void {
    this.actionListeners.add(listener);
    return () => this.actionListeners.delete(listener);
  }

  /** Simulate the user picking a button on a shown notification. */
  act(notification: OsNotification, action: NotificationAction): void {
    for (const listener of this.actionListeners) listener(notification, action);
  }

  /** Simulate the user clicking a shown notification. */
  click(notification: OsNotification): void {
    for (const listener of this.clickListeners) listener(notification);
  }
}
