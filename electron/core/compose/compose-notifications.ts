/** Composition step 3: the notification side (policy, do-not-disturb, notification service and health, incidents). */
import type { OsNotification, NotificationAction } from '../notify/notifier';
import type { CorePorts } from '../app/core-api';
import type { EndpointRegistry } from '../app/endpoint-registry';
import { NotificationHealthTracker } from '../app/notification-health';
import { DndMonitor, gnomeShowBanners, type DndReader } from '../notify/dnd-monitor';
import { IncidentNotifier } from '../notify/incident-notifier';
import { NotificationService } from '../notify/notification-service';
import { NotifyPolicy, type PolicyContext } from '../notify/notify-policy';
import { isWatchedEvent } from '../notify/watched-events';
import type { CoreBase } from './core-base';

/** The notification side of the core. */
export interface NotificationParts {
  policy: NotifyPolicy;
  dnd: DndMonitor;
  notificationHealth: NotificationHealthTracker;
  notifications: NotificationService;
  incidents: IncidentNotifier;
  /** What the window shows now (focus, the view on screen), for the policy. */
  setView(context: PolicyContext): void;
}

/**
 * Builds the notification side: the pure policy with the user's preferences, the OS's
 * do-not-disturb where it can be read, the service that shows notifications through the host's
 * notifier (and tracks whether they work), and the incident notifier for connections that stay
 * down. `onAction` handles a notification's button (the IPC handlers own what each one does).
 */
export function composeNotifications(
  ports: CorePorts,
  base: CoreBase,
  endpoints: EndpointRegistry,
  onAction: (n: OsNotification, action: NotificationAction) => void,
): NotificationParts {
  const { clock, logger, push, settings } = base;
  const policy = new NotifyPolicy({ prefs: settings.prefs, dedupe: false });
  let view: PolicyContext = { focused: false };
  const nameOf = (id: string) => endpoints.find(id)?.name ?? id;
  const readers: DndReader[] = [
    ...(ports.notifier.readDoNotDisturb ? [() => ports.notifier.readDoNotDisturb!()] : []),
    ...(ports.readDoNotDisturb ? [ports.readDoNotDisturb] : [gnomeShowBanners()]),
  ];
  const dnd = new DndMonitor(readers, clock, (reading) => notificationHealth.setDnd(reading));
  const notificationHealth = new NotificationHealthTracker(
    ports.notifier.name,
    dnd.current(),
    () => clock.now(),
    (health) => push.push('notifications:health', health),
  );
  dnd.start();
  const notifications = new NotificationService({
    policy,
    notifier: ports.notifier,
    clock,
    context: () => ({
      ...view,
      osDoNotDisturb: dnd.active(),
      isWatched: (e) => isWatchedEvent(e, endpoints.find(e.endpoint)?.dialect),
    }),
    logger,
    sourceName: nameOf,
    onAction,
    onClick: (n) => push.push('app:navigate', { link: n.link ?? 'notifications' }),
    onDelivery: (result, notifier) =>
      notificationHealth.note(result.ok ? null : result.error, notifier),
  });
  // Connection incidents (down, deaf, sign-in needed past a threshold) as notifications.
  const incidents = new IncidentNotifier({
    service: notifications,
    clock,
    logger,
    afterMs: settings.prefs.incidents.afterMs,
    nameOf,
  });
  return {
    policy,
    dnd,
    notificationHealth,
    notifications,
    incidents,
    setView: (context) => {
      view = context;
    },
  };
}
