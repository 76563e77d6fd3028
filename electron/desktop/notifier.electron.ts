import { Notification } from 'electron';
import type { Notifier, NotifyResult, OsNotification } from '../core/notify/notifier';
import type { Logger } from '../core/kernel/ports';

/** Notifications kept referenced so their click handlers survive garbage collection. */
const MAX_LIVE = 200;

/**
 * The Notifier port on Electron's `Notification`. Clicks are reported (the composition root
 * focuses the window and the core navigates to the event's view). Summaries and digests replace
 * the previous one of the same group instead of piling up: on macOS/Windows through the
 * notification `id` (Tag) and `groupId`; elsewhere by closing the previous one.
 */
export class ElectronNotifier implements Notifier {
  readonly name = 'electron';
  private readonly listeners = new Set<(notification: OsNotification) => void>();
  /** Shown notifications by replace key, oldest first. */
  private readonly live = new Map<string, Notification>();

  constructor(private readonly options: { iconPath?: string; logger: Logger }) {}

  async show(notification: OsNotification): Promise<NotifyResult> {
    if (!Notification.isSupported()) {
      return { ok: false, error: 'This system does not support desktop notifications.' };
    }
    const replaceable = notification.origin === 'summary' || notification.origin === 'digest';
    const key = replaceable ? `${notification.origin}:${notification.groupKey}` : notification.id;
    try {
      this.live.get(key)?.close();
      this.live.delete(key);
      const critical = notification.severity === 'critical';
      const note = new Notification({
        id: key,
        groupId: notification.groupKey,
        groupTitle: notification.endpoint,
        title: notification.title,
        body: notification.body,
        urgency: critical ? 'critical' : 'normal',
        timeoutType: critical ? 'never' : 'default',
        silent: notification.severity === 'info',
        ...(this.options.iconPath ? { icon: this.options.iconPath } : {}),
      });
      note.on('click', () => {
        this.live.delete(key);
        for (const listener of this.listeners) listener(notification);
      });
      note.on('close', () => {
        if (this.live.get(key) === note) this.live.delete(key);
      });
      note.on('failed', (_event, error) => {
        this.options.logger.warn('notification failed', { id: notification.id, error });
      });
      this.live.set(key, note);
      while (this.live.size > MAX_LIVE) {
        const oldest = this.live.keys().next().value;
        if (oldest === undefined) break;
        this.live.delete(oldest);
      }
      note.show();
      return { ok: true };
    } catch (error) {
      return { ok: false, error: error instanceof Error ? error.message : String(error) };
    }
  }

  onClick(listener: (notification: OsNotification) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/**
 * Windows shows toasts only for an app whose AppUserModelID matches its Start-menu shortcut; call
 * before the first notification.
 */
export function prepareNotifications(
  app: { setAppUserModelId(id: string): void },
  appId: string,
  platform: NodeJS.Platform = process.platform,
): void {
  if (platform === 'win32') app.setAppUserModelId(appId);
}
