import type { NotifyPrefs } from '../../../../shared/model/notify-prefs';
import type { NotificationAction, OsNotification } from '../../notify/notifier';
import type { CoreParts } from '../../app/core-parts';
import type { InvokeHandlers, SendHandlers } from '../ipc-router';

/** Notification preferences, pausing, read marks and the policy's "why" trace. */
export function notificationHandlers(
  p: CoreParts,
): Pick<InvokeHandlers, 'notifications:trace' | 'prefs:set'> &
  Pick<SendHandlers, 'notifications:mark-read' | 'notifications:pause'> {
  return {
    'notifications:trace': async ({ eventId }) => {
      const flat: Record<string, number> = {};
      for (const [key, value] of Object.entries(p.notifications.stats()))
        if (typeof value === 'number') flat[key] = value;
      return {
        entries: eventId ? p.policy.explain(eventId) : p.policy.trace.list().slice(-500),
        counters: flat,
      };
    },
    'prefs:set': async ({ prefs }) => setPrefs(p, prefs),
    'notifications:mark-read': ({ ids }) => {
      if (ids === 'all') p.model.markAllRead();
      else for (const id of ids) p.model.markRead(id);
      p.tray.update();
    },
    'notifications:pause': ({ until }) => pauseNotifications(p, until),
  };
}

/** Save new preferences; they apply only once saved (a failed save throws and changes nothing). */
export async function setPrefs(p: CoreParts, prefs: NotifyPrefs): Promise<NotifyPrefs> {
  const next = await p.settings.savePrefs(prefs);
  p.policy.setPrefs(next);
  p.incidents.setThreshold(next.incidents.afterMs);
  p.push.push('prefs:changed', next);
  p.tray.update();
  return next;
}

/** Pause notifications until a time (null: resume), from the renderer or the tray. */
export function pauseNotifications(p: CoreParts, until: number | null): void {
  // A failed save is on the storage banner and in the log.
  setPrefs(p, { ...p.settings.prefs, pausedUntil: until }).catch(() => undefined);
}

/** "Mark read" or "Mute 1 h" on an OS notification. */
export function notificationAction(
  p: CoreParts,
  n: OsNotification,
  action: NotificationAction,
): void {
  if (action === 'mark-read') {
    for (const id of n.eventIds) p.model.markRead(id);
    p.tray.update();
    return;
  }
  const prefs = p.settings.prefs;
  const current = prefs.endpoints[n.endpoint] ?? { muted: false, mutedUntil: null, kinds: {} };
  const endpoints = {
    ...prefs.endpoints,
    [n.endpoint]: { ...current, mutedUntil: p.clock.now() + 3_600_000 },
  };
  setPrefs(p, { ...prefs, endpoints }).catch(() => undefined);
}
