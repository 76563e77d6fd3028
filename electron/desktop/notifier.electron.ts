import { Notification } from 'electron';
import {
  actionsFor,
  bodyWithSource,
  NOTIFICATION_ACTION_LABELS,
  type NotificationAction,
  type Notifier,
  type NotifyResult,
  type OsNotification,
} from '../core/notify/notifier';
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
  private readonly actionListeners = new Set<
    (notification: OsNotification, action: NotificationAction) => void
  >();
  /** The latest shown, for a click Windows reports after the object is gone (`handleActivation`). */
  private last: OsNotification | null = null;
  /** Shown notifications by replace key, oldest first. */
  private readonly live = new Map<string, Notification>();

  constructor(
    private readonly options: {
      iconPath?: string;
      logger: Logger;
      platform?: NodeJS.Platform;
      /** A click on a notification no longer in memory (Windows action centre, a cold start). */
      onActivation?: (link: string | undefined) => void;
    },
  ) {
    // Windows: clicks on toasts left in the action centre reach us even after a restart.
    if ((options.platform ?? process.platform) === 'win32') {
      Notification.handleActivation((details) => {
        options.logger.info('notification activated from the action centre', {
          type: details.type,
        });
        options.onActivation?.(this.last?.link);
      });
    }
  }

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
      const platform = this.options.platform ?? process.platform;
      // Buttons exist on macOS and Windows; Linux daemons get them through the browser host's D-Bus.
      const actions = platform === 'darwin' || platform === 'win32' ? actionsFor(notification) : [];
      const note = new Notification({
        id: key,
        groupId: notification.groupKey,
        groupTitle: notification.endpoint,
        title: notification.title,
        // macOS has a line for the source; elsewhere it leads the body.
        ...(platform === 'darwin'
          ? { subtitle: notification.source ?? notification.endpoint, body: notification.body }
          : { body: bodyWithSource(notification) }),
        actions: actions.map((a) => ({
          type: 'button' as const,
          text: NOTIFICATION_ACTION_LABELS[a],
        })),
        urgency: critical ? 'critical' : 'normal',
        timeoutType: critical ? 'never' : 'default',
        silent: notification.severity === 'info',
        ...(this.options.iconPath ? { icon: this.options.iconPath } : {}),
      });
      note.on('click', () => {
        this.live.delete(key);
        for (const listener of this.listeners) listener(notification);
      });
      note.on('action', (_event, index) => {
        const action = actions[index];
        if (action) for (const listener of this.actionListeners) listener(notification, action);
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
      this.last = notification;
      return { ok: true };
    } catch (error) {
      return { ok: false, error: error instanceof Error ? error.message : String(error) };
    }
  }

  onClick(listener: (notification: OsNotification) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onAction(
    listener: (notification: OsNotification, action: NotificationAction) => void,
  ): () => void {
    this.actionListeners.add(listener);
    return () => this.actionListeners.delete(listener);
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
