/**
 * `NotifyPolicy`: the pure, clock-free notification policy: which events notify, wait for a
 * summary or digest, or only reach the bell, and why.
 */
import { occurrenceKey } from '../../../shared/model/event-identity';
import type { EventKind, LiveEvent, Severity } from '../../../shared/model/live-event';
import {
  defaultNotifyPrefs,
  severityRank,
  type KindRule,
  type NotifyPrefs,
} from '../../../shared/model/notify-prefs';
import { DecisionTrace, type TraceEntry } from './decision-trace';
import type { OsNotification } from './notifier';
import { inQuietHours, systemLocalMinutes, type LocalMinutes } from './quiet-hours';
import { SeenIds } from '../kernel/seen-ids';
import { untilPhrase } from '../../../shared/util/local-time';
import { countPhrase, digestPhrase, latestTitles } from './summary-text';

/** What the policy knows about the user at the moment of deciding (gathered by the host). */
export interface PolicyContext {
  /** A Lookout window has focus. */
  focused: boolean;
  /** What the focused window shows: an endpoint, optionally narrowed to a kind or an in-app link. */
  viewing?: { endpoint: string; kind?: EventKind; link?: string };
  /** The OS reports do-not-disturb (where the platform can tell; undefined = unknown). */
  osDoNotDisturb?: boolean;
  /**
   * Whether the user follows what this event is about (a task they watch): kinds whose rule is
   * `watchedOnly` notify only then. Absent: nothing is watched.
   */
  isWatched?: (event: LiveEvent) => boolean;
}

export const SUPPRESS_REASONS = [
  'duplicate',
  'disabled',
  'endpoint-muted',
  'kind-off',
  'not-watched',
  'below-min-severity',
  'viewing',
  'paused',
  'quiet-hours',
  'os-do-not-disturb',
] as const;
export type SuppressReason = (typeof SUPPRESS_REASONS)[number];

/** The policy's verdict for one event (or, from `tick`, for one summary or digest). */
export type PolicyDecision =
  | { kind: 'notify'; notification: OsNotification; reason: string }
  | { kind: 'suppress'; reason: SuppressReason; detail: string }
  | {
      kind: 'coalesce';
      into: 'summary' | 'digest';
      groupKey: string;
      /** Events waiting in that summary/digest, this one included. */
      pending: number;
      /** When `tick` will release it. */
      dueAt: number;
      detail: string;
    };

/** Events kept per summary/digest for the notification's `eventIds`: counts stay exact beyond it. */
const MAX_IDS_PER_GROUP = 1_000;
const MAX_TITLES_PER_GROUP = 3;

interface Pending {
  groupKey: string;
  endpoint: string;
  count: number;
  counts: Map<EventKind, number>;
  eventIds: string[];
  titles: string[];
  severity: Severity;
  link?: string;
  /** The lone event, so a "summary" of one shows as that event itself. */
  first: LiveEvent;
}

interface Summary extends Pending {
  dueAt: number;
}

interface Digest {
  startedAt: number;
  endsAt: number;
  reason: 'reconnect' | 'wake';
  pending: Pending | null;
}

export interface NotifyPolicyOptions {
  prefs?: NotifyPrefs;
  localMinutes?: LocalMinutes;
  /** Ids remembered for dedupe (bounded). */
  dedupeCapacity?: number;
  /**
   * False when the caller hands over only events it already deduplicated (LookoutCore gives the
   * policy what the model accepted as new, a memory that also survives restarts).
   */
  dedupe?: boolean;
  /** Trace entries kept (bounded ring). */
  traceCapacity?: number;
}

/**
 * The notification policy: pure and clock-free. It is given events, the user's context and the
 * time, and returns decisions; `tick(now)` releases flood summaries and "while you were away"
 * digests that have come due. The caller (NotificationService) owns timers and the OS.
 */
export class NotifyPolicy {
  private prefs: NotifyPrefs;
  private readonly localMinutes: LocalMinutes;
  private readonly seen: SeenIds | null;
  readonly trace: DecisionTrace;
  /** When the notifications in the current budget window were shown, across all endpoints. */
  private sent: number[] = [];
  /** Per endpoint: what waits for the budget, released as one summary. */
  private readonly summaries = new Map<string, Summary>();
  /** Per endpoint, or `*` for all endpoints (a wake). */
  private readonly digests = new Map<string, Digest>();

  constructor(options: NotifyPolicyOptions = {}) {
    this.prefs = options.prefs ?? defaultNotifyPrefs();
    this.localMinutes = options.localMinutes ?? systemLocalMinutes;
    this.seen = options.dedupe === false ? null : new SeenIds(options.dedupeCapacity ?? 10_000);
    this.trace = new DecisionTrace(options.traceCapacity ?? 2_000);
  }

  setPrefs(prefs: NotifyPrefs): void {
    this.prefs = prefs;
  }

  getPrefs(): NotifyPrefs {
    return this.prefs;
  }

  /**
   * A connection came back (`endpoint`) or the machine woke (all endpoints): for the next
   * `digestWindowMs`, events collect into one digest instead of replaying one by one.
   */
  beginDigest(now: number, reason: 'reconnect' | 'wake', endpoint?: string): void {
    if (this.prefs.digestWindowMs <= 0) return;
    const key = endpoint ?? '*';
    const existing = this.digests.get(key);
    const endsAt = now + this.prefs.digestWindowMs;
    if (existing) {
      existing.endsAt = Math.max(existing.endsAt, endsAt);
      return;
    }
    this.digests.set(key, { startedAt: now, endsAt, reason, pending: null });
  }

  /** One decision per event, in the same order. */
  decide(events: readonly LiveEvent[], context: PolicyContext, now: number): PolicyDecision[] {
    return events.map((event) => {
      const decision = this.decideOne(event, context, now);
      this.record(event, decision, now);
      return decision;
    });
  }

  /** Release the summaries and digests that are due at `now`, re-checking pause/quiet/DND. */
  tick(now: number, context: Pick<PolicyContext, 'osDoNotDisturb'> = {}): PolicyDecision[] {
    const out: PolicyDecision[] = [];
    for (const [key, summary] of this.summaries) {
      if (summary.dueAt > now) continue;
      this.summaries.delete(key);
      out.push(this.release(summary, 'summary', context, now));
    }
    for (const [key, digest] of this.digests) {
      if (digest.endsAt > now) continue;
      this.digests.delete(key);
      if (digest.pending) out.push(this.release(digest.pending, 'digest', context, now));
    }
    return out;
  }

  /** The earliest time `tick` has something to release, or null when nothing waits. */
  nextDueAt(): number | null {
    let next: number | null = null;
    for (const s of this.summaries.values())
      next = next === null ? s.dueAt : Math.min(next, s.dueAt);
    for (const d of this.digests.values())
      next = next === null ? d.endsAt : Math.min(next, d.endsAt);
    return next;
  }

  /**
   * A notification the host raises itself (a connection incident or its end): not an event, so
   * no kind rule or budget applies, but the master switch, the endpoint's mute, the incidents
   * switch, a pause, quiet hours and the OS do-not-disturb do. Recorded in the trace like events.
   */
  decideNotice(
    notification: OsNotification,
    context: Pick<PolicyContext, 'osDoNotDisturb'>,
    now: number,
  ): PolicyDecision {
    const prefs = this.prefs;
    const endpointPrefs = prefs.endpoints[notification.endpoint];
    const decision: PolicyDecision = !prefs.enabled
      ? suppress('disabled', 'OS notifications are turned off.')
      : !prefs.incidents.enabled
        ? suppress('kind-off', 'Connection incidents are set not to notify.')
        : endpointPrefs?.muted ||
            (endpointPrefs?.mutedUntil != null && now < endpointPrefs.mutedUntil)
          ? suppress('endpoint-muted', `Notifications from ${notification.endpoint} are muted.`)
          : (this.quietGate(notification.severity, context, now) ?? {
              kind: 'notify',
              notification,
              reason: 'A connection incident: shown once, and once more when it ends.',
            });
    if (decision.kind === 'notify') this.noteSent(now);
    this.trace.record({
      eventId: notification.id,
      at: now,
      endpoint: notification.endpoint,
      kind: 'incident',
      step: decision.kind === 'notify' ? 'notify' : 'suppress',
      reason: decision.kind === 'suppress' ? decision.reason : 'notify',
      detail:
        decision.kind === 'suppress'
          ? decision.detail
          : decision.kind === 'notify'
            ? decision.reason
            : decision.detail,
    });
    return decision;
  }

  /** "Why did / didn't I get this notification?" */
  explain(eventId: string): TraceEntry[] {
    return this.trace.explain(eventId);
  }

  private decideOne(event: LiveEvent, context: PolicyContext, now: number): PolicyDecision {
    if (this.seen?.checkAndAdd(occurrenceKey(event))) {
      return suppress('duplicate', 'Already seen (a replay or a resent event after a reconnect).');
    }
    const gate = this.gate(event, context, now);
    if (gate) return gate;

    const groupKey = `${event.endpoint}|${event.kind}`;
    if (event.severity === 'critical') {
      this.noteSent(now);
      return {
        kind: 'notify',
        notification: single(event, groupKey),
        reason: 'Critical: shown at once, never held for the budget or coalesced.',
      };
    }

    const digest = this.digests.get(event.endpoint) ?? this.digests.get('*');
    if (digest && now < digest.endsAt) {
      const digestKey = `${this.digests.has(event.endpoint) ? event.endpoint : '*'}|digest`;
      digest.pending = addTo(digest.pending, event, digestKey);
      return {
        kind: 'coalesce',
        into: 'digest',
        groupKey: digestKey,
        pending: digest.pending.count,
        dueAt: digest.endsAt,
        detail: `Arrived just after a ${digest.reason}: goes into one "while you were away" digest.`,
      };
    }

    const summaryKey = `${event.endpoint}|summary`;
    const waiting = this.summaries.get(event.endpoint);
    if (waiting) {
      addTo(waiting, event, summaryKey); // mutates the waiting summary in place
      return coalesced(waiting);
    }
    const { max, windowMs } = this.prefs.budget;
    const recent = this.recentSent(now);
    if (recent.length < max) {
      recent.push(now);
      return {
        kind: 'notify',
        notification: single(event, groupKey),
        reason: `Within the budget (${recent.length} of ${max} in ${windowMs / 1000} s, all endpoints).`,
      };
    }
    const summary: Summary = {
      ...addTo(null, event, summaryKey),
      dueAt: (recent[0] ?? now) + windowMs,
    };
    this.summaries.set(event.endpoint, summary);
    return coalesced(summary);
  }

  /** The checks that stop an event outright, in the order the user would reason about them. */
  private gate(event: LiveEvent, context: PolicyContext, now: number): PolicyDecision | null {
    const prefs = this.prefs;
    if (!prefs.enabled) return suppress('disabled', 'OS notifications are turned off.');
    const endpointPrefs = prefs.endpoints[event.endpoint];
    if (endpointPrefs?.muted) {
      return suppress('endpoint-muted', `Notifications from ${event.endpoint} are muted.`);
    }
    if (endpointPrefs?.mutedUntil != null && now < endpointPrefs.mutedUntil) {
      return suppress(
        'endpoint-muted',
        `Notifications from ${event.endpoint} are muted ${untilPhrase(endpointPrefs.mutedUntil, now)}.`,
      );
    }
    const rule: KindRule = endpointPrefs?.kinds[event.kind] ?? prefs.kinds[event.kind];
    if (!rule.notify) {
      return suppress('kind-off', `${event.kind} events are set not to notify.`);
    }
    if (rule.watchedOnly && event.severity !== 'critical' && !context.isWatched?.(event)) {
      return suppress(
        'not-watched',
        `${event.kind} notifies only for tasks you watch; this one is in the bell.`,
      );
    }
    if (severityRank(event.severity) < severityRank(rule.minSeverity)) {
      return suppress(
        'below-min-severity',
        `${event.severity} is below the ${rule.minSeverity} threshold for ${event.kind}.`,
      );
    }
    if (context.focused && isViewing(context.viewing, event)) {
      return suppress('viewing', 'You were looking at it in a focused window; it is in the bell.');
    }
    return this.quietGate(event.severity, context, now);
  }

  /**
   * Pause, quiet hours and OS do-not-disturb; critical passes if the user allowed it. Also what
   * the host asks before a notification of its own (a connection incident).
   */
  quietGate(
    severity: Severity,
    context: Pick<PolicyContext, 'osDoNotDisturb'>,
    now: number,
  ): PolicyDecision | null {
    const prefs = this.prefs;
    if (severity === 'critical' && prefs.criticalBypassesQuiet) return null;
    if (prefs.pausedUntil !== null && now < prefs.pausedUntil) {
      return suppress(
        'paused',
        `Notifications are paused ${untilPhrase(prefs.pausedUntil, now)}; it is in the bell.`,
      );
    }
    if (inQuietHours(prefs.quietHours, now, this.localMinutes)) {
      return suppress(
        'quiet-hours',
        `Quiet hours (${prefs.quietHours.start}–${prefs.quietHours.end}); it is in the bell.`,
      );
    }
    if (context.osDoNotDisturb && prefs.respectOsDoNotDisturb) {
      return suppress('os-do-not-disturb', 'The system is in do-not-disturb mode.');
    }
    return null;
  }

  private recentSent(now: number): number[] {
    const cutoff = now - this.prefs.budget.windowMs;
    this.sent = this.sent.filter((t) => t > cutoff);
    return this.sent;
  }

  /** Counts a shown notification against the budget (critical ones too: they were seen). */
  private noteSent(now: number): void {
    this.recentSent(now).push(now);
  }

  private release(
    group: Pending,
    as: 'summary' | 'digest',
    context: Pick<PolicyContext, 'osDoNotDisturb'>,
    now: number,
  ): PolicyDecision {
    const quiet = this.quietGate(group.severity, context, now);
    const notification: OsNotification =
      group.count === 1
        ? single(group.first, group.groupKey)
        : as === 'summary'
          ? {
              id: `summary:${group.groupKey}:${group.eventIds[0]}`,
              title: digestPhrase(group.counts),
              body: latestTitles(group.titles, MAX_TITLES_PER_GROUP, group.count),
              severity: group.severity,
              ...(group.link ? { link: group.link } : {}),
              endpoint: group.endpoint,
              groupKey: group.groupKey,
              origin: 'summary',
              eventIds: group.eventIds,
            }
          : {
              id: `digest:${group.groupKey}:${group.eventIds[0]}`,
              title: 'While you were away',
              body: digestPhrase(group.counts),
              severity: group.severity,
              endpoint: group.endpoint,
              groupKey: group.groupKey,
              origin: 'digest',
              eventIds: group.eventIds,
            };
    const decision: PolicyDecision = quiet ?? {
      kind: 'notify',
      notification,
      reason:
        as === 'summary'
          ? `Budget reached: ${group.count} events from this endpoint shown as one summary.`
          : `${group.count} events after a reconnect or wake shown as one digest.`,
    };
    const step = decision.kind === 'notify' ? as : 'suppress';
    const reason = decision.kind === 'suppress' ? decision.reason : as;
    const detail =
      decision.kind === 'suppress'
        ? decision.detail
        : decision.kind === 'notify'
          ? decision.reason
          : decision.detail;
    for (const eventId of group.eventIds) {
      this.trace.record({
        eventId,
        at: now,
        endpoint: group.endpoint,
        kind: as,
        step,
        reason,
        detail,
      });
    }
    if (decision.kind === 'notify') this.noteSent(now);
    return decision;
  }

  private record(event: LiveEvent, decision: PolicyDecision, now: number): void {
    this.trace.record({
      eventId: occurrenceKey(event),
      at: now,
      endpoint: event.endpoint,
      kind: event.kind,
      step: decision.kind,
      reason:
        decision.kind === 'notify'
          ? 'notify'
          : decision.kind === 'suppress'
            ? decision.reason
            : decision.into === 'summary'
              ? 'budget'
              : 'digest',
      detail: decision.kind === 'notify' ? decision.reason : decision.detail,
    });
  }
}

function suppress(reason: SuppressReason, detail: string): PolicyDecision {
  return { kind: 'suppress', reason, detail };
}

function coalesced(summary: Summary): PolicyDecision {
  return {
    kind: 'coalesce',
    into: 'summary',
    groupKey: summary.groupKey,
    pending: summary.count,
    dueAt: summary.dueAt,
    detail: `The notification budget is used up: joins ${summary.endpoint}'s summary of ${summary.count}.`,
  };
}

function single(event: LiveEvent, groupKey: string): OsNotification {
  const key = occurrenceKey(event);
  return {
    id: key,
    title: event.title || countPhrase(event.kind, 1),
    body: event.body,
    severity: event.severity,
    ...(event.link ? { link: event.link } : {}),
    endpoint: event.endpoint,
    groupKey,
    origin: event.kind,
    eventIds: [key],
  };
}

function addTo(group: Pending | null, event: LiveEvent, groupKey: string): Pending {
  const g: Pending = group ?? {
    groupKey,
    endpoint: groupKey.slice(0, groupKey.lastIndexOf('|')),
    count: 0,
    counts: new Map(),
    eventIds: [],
    titles: [],
    severity: 'info',
    first: event,
  };
  g.count += 1;
  g.counts.set(event.kind, (g.counts.get(event.kind) ?? 0) + 1);
  if (g.eventIds.length < MAX_IDS_PER_GROUP) g.eventIds.push(occurrenceKey(event));
  g.titles.push(event.title);
  if (g.titles.length > MAX_TITLES_PER_GROUP) g.titles.shift();
  if (severityRank(event.severity) > severityRank(g.severity)) g.severity = event.severity;
  // A summary's click leads to the list the events belong to (`businesses/17` → `businesses`).
  const link = event.link;
  if (link) {
    const slash = link.indexOf('/');
    const area = slash < 0 ? link : link.slice(0, slash);
    // Events of several areas lead to the list that holds them all.
    if (area)
      g.link = g.count > 1 && g.link !== undefined && g.link !== area ? 'notifications' : area;
  }
  return g;
}

function isViewing(viewing: PolicyContext['viewing'], event: LiveEvent): boolean {
  if (!viewing || viewing.endpoint !== event.endpoint) return false;
  if (viewing.link !== undefined) {
    return event.link === viewing.link || (event.link?.startsWith(`${viewing.link}/`) ?? false);
  }
  if (viewing.kind !== undefined) return family(viewing.kind) === family(event.kind);
  return true;
}

/** `business.created` and `business.updated` are both "business": one view shows them. */
function family(kind: EventKind): string {
  return kind.split('.')[0] ?? kind;
}
