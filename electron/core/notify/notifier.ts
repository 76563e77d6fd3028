/** The Notifier port: how the core shows an OS notification, whatever the host. */
import type { DndReading } from '../../../shared/model/diagnostics';
import type { EventKind, Severity } from '../../../shared/model/live-event';

/** One OS notification as the policy decided it: a single event, a flood summary or a digest. */
export interface OsNotification {
  /** The occurrence key (`occurrenceKey`) for a single event; `summary:…` / `digest:…` for coalesced ones. */
  id: string;
  title: string;
  body: string;
  severity: Severity;
  /** In-app destination when the user clicks it (`businesses/17`, `tasks`…). */
  link?: string;
  endpoint: string;
  /**
   * Where it comes from, as the user named it (the endpoint's name; "Lookout" for the app's own);
   * every notifier shows it, so with two backends the user can tell which one spoke.
   */
  source?: string;
  /** `endpoint|kind` for single events and summaries, `endpoint|digest` for digests. */
  groupKey: string;
  /** The event's kind for a single event, or what kind of group this is. */
  origin: EventKind | 'summary' | 'digest' | 'incident';
  /** Every occurrence this notification stands for (their `occurrenceKey`s; one for a single event). */
  eventIds: string[];
}

/**
 * Outcome of showing a notification. A failure is returned, never thrown, so the caller can
 * record it (the event stays in the bell) and the user can see what to do about it.
 */
export type NotifyResult = { ok: true } | { ok: false; error: string };

/**
 * The port every OS notifier implements: Electron's `Notification` in the desktop host,
 * node-notifier in the browser host and as the fallback.
 */
export interface Notifier {
  /** Short name for diagnostics (`electron`, `node-notifier/notify-send`, `memory`). */
  readonly name: string;
  show(notification: OsNotification): Promise<NotifyResult>;
  /**
   * Called when the user clicks a notification, where the platform reports clicks (Electron and
   * D-Bus do; node-notifier does not). Returns its own unsubscribe.
   */
  onClick?(listener: (notification: OsNotification) => void): () => void;
  /**
   * Called when the user picks one of a notification's buttons, where the OS offers buttons
   * (D-Bus daemons that advertise `actions`, Electron on macOS and Windows).
   */
  onAction?(
    listener: (notification: OsNotification, action: NotificationAction) => void,
  ): () => void;
  /** Reads the OS's do-not-disturb where this notifier's channel can (the D-Bus daemon can). */
  readDoNotDisturb?(): Promise<DndReading>;
}

/** The buttons a notification of an event may carry. */
export const NOTIFICATION_ACTIONS = ['mark-read', 'mute-1h'] as const;
export type NotificationAction = (typeof NOTIFICATION_ACTIONS)[number];

/** The buttons' labels, the same on every OS. */
export const NOTIFICATION_ACTION_LABELS: Record<NotificationAction, string> = {
  'mark-read': 'Mark read',
  'mute-1h': 'Mute 1 h',
};

/** Which buttons fit a notification: events can be marked read; anything from an endpoint muted. */
export function actionsFor(notification: OsNotification): NotificationAction[] {
  if (notification.origin === 'incident') return ['mute-1h'];
  return ['mark-read', 'mute-1h'];
}

/** `Gateway — body`: the body with its source in front, for OSes with no separate source line. */
export function bodyWithSource(notification: OsNotification): string {
  const source = notification.source ?? notification.endpoint;
  return notification.body ? `${source} — ${notification.body}` : source;
}
