/** `FallbackNotifier`: two notifiers as one, so a notification is never lost to a missing bus. */
import type { DndReading } from '../../../shared/model/diagnostics';
import type { Clock, Logger } from '../kernel/ports';
import type { NotificationAction, Notifier, NotifyResult, OsNotification } from './notifier';

/** After the preferred notifier failed, how long the other one serves before it is tried again. */
const RETRY_PREFERRED_MS = 60_000;

/**
 * Two notifiers as one: the preferred (on Linux the D-Bus notifier, for buttons, clicks and the
 * daemon's do-not-disturb) and, when it fails (no session bus, no daemon, a hung daemon), the other
 * (Electron's own), so a notification is never lost to a missing bus. A failure switches to the
 * other for a minute (no timeout per notification), is logged once per switch, and the preferred
 * is tried again after that. Clicks and buttons are heard from both; do-not-disturb is read from
 * the preferred, which is the one that can.
 */
export class FallbackNotifier implements Notifier {
  readonly name: string;
  private preferredFailedAt: number | null = null;

  constructor(
    private readonly preferred: Notifier,
    private readonly other: Notifier,
    private readonly clock: Pick<Clock, 'now'>,
    private readonly logger: Logger,
  ) {
    this.name = `${preferred.name}, else ${other.name}`;
    if (preferred.readDoNotDisturb) {
      const read = preferred.readDoNotDisturb.bind(preferred);
      this.readDoNotDisturb = () => read();
    }
  }

  readonly readDoNotDisturb?: () => Promise<DndReading>;

  async show(notification: OsNotification): Promise<NotifyResult> {
    const now = this.clock.now();
    const resting =
      this.preferredFailedAt !== null && now - this.preferredFailedAt < RETRY_PREFERRED_MS;
    if (!resting) {
      const result = await this.preferred.show(notification);
      if (result.ok) {
        if (this.preferredFailedAt !== null)
          this.logger.info('notifications: back on the preferred notifier', {
            notifier: this.preferred.name,
          });
        this.preferredFailedAt = null;
        return result;
      }
      if (this.preferredFailedAt === null)
        this.logger.warn('notifications: the preferred notifier failed; using the other', {
          notifier: this.preferred.name,
          other: this.other.name,
          error: result.error,
        });
      this.preferredFailedAt = now;
      const fallback = await this.other.show(notification);
      return fallback.ok
        ? fallback
        : { ok: false, error: `${result.error} (${this.other.name}: ${fallback.error})` };
    }
    return this.other.show(notification);
  }

  onClick(listener: (notification: OsNotification) => void): () => void {
    const offs = [this.preferred, this.other].map((n) => n.onClick?.(listener));
    return () => offs.forEach((off) => off?.());
  }

  onAction(
    listener: (notification: OsNotification, action: NotificationAction) => void,
  ): () => void {
    const offs = [this.preferred, this.other].map((n) => n.onAction?.(listener));
    return () => offs.forEach((off) => off?.());
  }
}
