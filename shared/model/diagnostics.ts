import type { RankedCause } from './health';
import type { EventKind } from './live-event';

/**
 * One step of "run connection check": DNS → TCP → proxy → TLS → upgrade → auth → subscribe → round trip →
 * delivery (whether data reaches us: data seen, or the service's Redis subscription, never a pong).
 */
export const CHECK_STEPS = [
  'dns',
  'tcp',
  'proxy',
  'tls',
  'upgrade',
  'auth',
  'subscribe',
  'round-trip',
  'delivery',
] as const;
export type CheckStepId = (typeof CHECK_STEPS)[number];

export interface CheckStep {
  id: CheckStepId;
  status: 'ok' | 'failed' | 'skipped' | 'warning';
  /** What happened, in plain words ("127.0.0.1 answered on port 8080 in 2 ms"). */
  detail: string;
  /** What to do about a failure ("Start the server or check the port in Settings → Endpoints"). */
  advice?: string;
  durationMs?: number;
}

export interface ConnectionCheckReport {
  endpoint: string;
  startedAt: number;
  ok: boolean;
  steps: CheckStep[];
  /** One sentence summarising where it failed, or that all is well (only when delivery is proven). */
  summary: string;
  /** For an ambiguous refusal (django's 500): the possible causes, most likely first. */
  causes?: RankedCause[];
}

/** Result of one HTTP health / stats probe of a backend. */
export interface ProbeResult {
  endpoint: string;
  name: string;
  url: string;
  at: number;
  httpStatus: number | null;
  status: 'healthy' | 'degraded' | 'down' | 'unknown';
  summary: string;
  durationMs: number | null;
  /** Redacted, truncated body for the panel. */
  body: string;
}

/** One line of "why did / didn't I get this notification?". */
export interface NotificationTraceEntry {
  eventId: string;
  at: number;
  endpoint: string;
  kind: EventKind | 'summary' | 'digest' | 'incident';
  step: 'notify' | 'suppress' | 'coalesce' | 'summary' | 'digest' | 'delivered' | 'failed';
  reason: string;
  detail: string;
}

/** Whether OS notifications are reaching the desktop: shown as a banner when they are not. */
export interface NotificationHealth {
  ok: boolean;
  /** The notifier in use (`electron`, `node-notifier/notify-send`). */
  notifier: string;
  /** What went wrong and what to do, when not ok. */
  error: string | null;
  since: number;
  /** What the OS says about do-not-disturb, and where Lookout read it (or why it cannot). */
  dnd: DndReading;
}

/**
 * The OS's do-not-disturb as Lookout could read it. `unknown` when this desktop offers no way to
 * read it: the setting then says so instead of pretending to honour it.
 */
export interface DndReading {
  state: 'on' | 'off' | 'unknown';
  /**
   * Where it was read: `dunst`, `freedesktop Inhibited`, `GNOME show-banners`,
   * `windows-focus-assist`, `windows-notification-state`, `macos-notification-state`, or none.
   */
  source: string | null;
  /** One sentence for Settings, in the user's words. */
  detail: string;
  /**
   * Said after the detail where this way of reading has not been verified on the real OS by
   * Lookout's makers (macOS and Windows: only type- and unit-checked against the packages'
   * documented API); absent for the Linux readers, which the tests run against a real daemon.
   */
  caveat?: string;
}

/** Counters of the notification pipeline (delivered, suppressed, failed…). */
export type NotificationCounters = Record<string, number>;
