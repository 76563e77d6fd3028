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
  /** `endpoint|kind` for single events and summaries, `endpoint|digest` for digests. */
  groupKey: string;
  /** The event's kind for a single event, or what kind of group this is. */
  origin: EventKind | 'summary' | 'digest';
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
   * Called when the user clicks a notification, where the platform reports clicks (Electron does;
   * node-notifier on Linux does not). Returns its own unsubscribe.
   */
  onClick?(listener: (notification: OsNotification) => void): () => void;
}
