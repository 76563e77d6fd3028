import { z } from 'zod';
import { EVENT_KINDS, SEVERITIES, type EventKind, type Severity } from './live-event';

/**
 * The user's notification preferences, as the settings page edits them and the main process
 * persists them. Every field has a sensible default so `notifyPrefsSchema.parse({})` is a
 * complete, usable set of preferences.
 */

const severitySchema = z.enum(SEVERITIES);
const eventKindSchema = z.enum(EVENT_KINDS);

/**
 * Per-kind rule: does this kind raise an OS notification, and from which severity up.
 * `watchedOnly`: only for things the user chose to follow (a task they watch, or their own tasks
 * on a backend that sends only those); the rest of that kind goes to the bell silently.
 */
export const kindRuleSchema = z.object({
  notify: z.boolean(),
  minSeverity: severitySchema.default('info'),
  watchedOnly: z.boolean().optional(),
});
export type KindRule = z.infer<typeof kindRuleSchema>;

/**
 * Defaults for a whole working day: only what needs a person notifies (warning and critical
 * alerts, notifications addressed to me, failed tasks and completed ones I watch, new businesses
 * and reservations, a site going down). Routine updates go to the bell silently.
 */
export const DEFAULT_KIND_RULES: Record<EventKind, KindRule> = {
  'business.created': { notify: true, minSeverity: 'info' },
  'business.updated': { notify: false, minSeverity: 'info' },
  'reservation.created': { notify: true, minSeverity: 'info' },
  'task.created': { notify: false, minSeverity: 'info' },
  'task.updated': { notify: false, minSeverity: 'info' },
  // Progress ticks arrive many times a second on busy tasks: the bell shows them, the OS does not.
  'task.progress': { notify: false, minSeverity: 'info' },
  'task.completed': { notify: true, minSeverity: 'info', watchedOnly: true },
  'task.failed': { notify: true, minSeverity: 'info' },
  'task.deleted': { notify: false, minSeverity: 'info' },
  'stats.update': { notify: false, minSeverity: 'info' },
  'stats.batch': { notify: false, minSeverity: 'info' },
  'chat.message': { notify: false, minSeverity: 'info' },
  'chat.snapshot': { notify: false, minSeverity: 'info' },
  'unread.counts': { notify: false, minSeverity: 'info' },
  'site.status': { notify: true, minSeverity: 'warning' },
  alert: { notify: true, minSeverity: 'warning' },
  notification: { notify: true, minSeverity: 'info' },
};

/** The defaults before the working-day defaults (prefs format 2), for the file migration. */
export const FORMAT2_KIND_RULES: Record<EventKind, KindRule> = {
  ...DEFAULT_KIND_RULES,
  'business.updated': { notify: true, minSeverity: 'info' },
  'task.created': { notify: true, minSeverity: 'info' },
  'task.updated': { notify: true, minSeverity: 'info' },
  'task.completed': { notify: true, minSeverity: 'info' },
  'task.deleted': { notify: true, minSeverity: 'info' },
  'chat.message': { notify: true, minSeverity: 'info' },
  alert: { notify: true, minSeverity: 'info' },
};

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time like 22:00');

/** Overrides for one endpoint: mute it entirely (or for a while), or change single kinds. */
export const endpointPrefsSchema = z.object({
  muted: z.boolean().default(false),
  /** "Mute 1 h" from a notification: muted until this epoch ms, or null. */
  mutedUntil: z.number().int().nonnegative().nullable().default(null),
  kinds: z.partialRecord(eventKindSchema, kindRuleSchema).default({}),
});
export type EndpointPrefs = z.infer<typeof endpointPrefsSchema>;

export const notifyPrefsSchema = z.object({
  /** Master switch for OS notifications (the bell always records). */
  enabled: z.boolean().default(true),
  kinds: z
    .partialRecord(eventKindSchema, kindRuleSchema)
    .default({})
    .transform((given) => ({ ...DEFAULT_KIND_RULES, ...given })),
  endpoints: z.record(z.string(), endpointPrefsSchema).default({}),
  /** Local wall-clock window with no OS notifications; may wrap midnight (22:00 → 07:00). */
  quietHours: z
    .object({
      enabled: z.boolean().default(false),
      start: hhmm.default('22:00'),
      end: hhmm.default('07:00'),
    })
    .default({ enabled: false, start: '22:00', end: '07:00' }),
  /** "Pause for 1 h / until tomorrow": epoch ms until which notifications are paused, or null. */
  pausedUntil: z.number().int().nonnegative().nullable().default(null),
  /**
   * Let critical events through quiet hours, a pause and the OS do-not-disturb state (on by
   * default: critical is never swallowed unless the user says so). The budget never holds them.
   */
  criticalBypassesQuiet: z.boolean().default(true),
  /** Honour the OS do-not-disturb state where the platform reports it. */
  respectOsDoNotDisturb: z.boolean().default(true),
  /**
   * A total budget across all endpoints: at most `max` OS notifications in `windowMs`; past it,
   * each endpoint's events wait in one summary ("12 new businesses and 3 new reservations").
   */
  budget: z
    .object({
      max: z.number().int().min(1).max(100).default(4),
      windowMs: z.number().int().min(1_000).max(3_600_000).default(60_000),
    })
    .default({ max: 4, windowMs: 60_000 }),
  /**
   * Connection incidents (down, deaf, sign-in needed) notify once when they last longer than
   * `afterMs`, and once more when they end.
   */
  incidents: z
    .object({
      enabled: z.boolean().default(true),
      afterMs: z.number().int().min(1_000).max(3_600_000).default(120_000),
    })
    .default({ enabled: true, afterMs: 120_000 }),
  /** After a reconnect or wake, events in this window go into one "while you were away" digest. */
  digestWindowMs: z.number().int().min(0).max(600_000).default(5_000),
});

/** Parsed preferences (defaults filled in). */
export type NotifyPrefs = z.output<typeof notifyPrefsSchema>;
/** What a settings form or a stored file may provide (anything may be left out). */
export type NotifyPrefsInput = z.input<typeof notifyPrefsSchema>;

/** Complete default preferences. */
export function defaultNotifyPrefs(): NotifyPrefs {
  return notifyPrefsSchema.parse({});
}

const RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

/** Severity order, for "from this severity up" comparisons. */
export function severityRank(severity: Severity): number {
  return RANK[severity];
}

/**
 * Prefs format 2 → 3: the working-day defaults. Kind rules still at the old defaults take the new
 * ones (a rule the user changed is kept); the per-kind rate cap gives way to the total budget; and
 * "critical bypasses quiet" left off (the old default, which swallowed critical alerts the README
 * promised never to swallow) takes the new default, on.
 */
export function prefsToWorkingDay(data: unknown): unknown {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return data;
  const { rateCap: _rateCap, ...rest } = data as Record<string, unknown>;
  const kinds = rest.kinds;
  if (typeof kinds === 'object' && kinds !== null && !Array.isArray(kinds)) {
    rest.kinds = Object.fromEntries(
      Object.entries(kinds as Record<string, unknown>).filter(([kind, rule]) => {
        const old = FORMAT2_KIND_RULES[kind as EventKind] as KindRule | undefined;
        return !(old && JSON.stringify(rule) === JSON.stringify(old));
      }),
    );
  }
  if (rest.criticalBypassesQuiet === false) delete rest.criticalBypassesQuiet;
  return rest;
}
