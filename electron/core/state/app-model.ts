/** The main-owned model (bell, businesses, stats, tasks): applies events, deduplicates, emits patches. */
import {
  applyUniquePatch,
  BELL_KINDS,
  emptySnapshot,
  isEmptyPatch,
  mergePatchList,
  type AppLimits,
  type AppPatch,
  type AppSnapshot,
  type BusinessItem,
  type NotificationItem,
  type ReservationItem,
  type SiteStatus,
  type TaskItem,
  UNFINISHED_TASK_STATUSES,
  withLimits,
} from '../../../shared/model/app-state';
import type { DropReason } from '../../../shared/model/connection';
import { eventKey, incarnationKey, occurrenceKey } from '../../../shared/model/event-identity';
import type { LiveEvent, StatsSample } from '../../../shared/model/live-event';
import { EventMemory } from './event-memory';
import { boundSnapshotItems, boundText, ITEM_LIMITS } from '../../../shared/model/item-bounds';
import {
  businessFields,
  reservationFields,
  siteStatusText,
  statsSample,
  taskFields,
  unreadCounts,
} from './event-extract';

export interface AppStoreOptions {
  /** A model loaded from disk; its limits are replaced by `limits` when given. */
  initial?: AppSnapshot;
  limits?: AppLimits;
  /**
   * Event keys remembered so replays after a reconnect change nothing (bounded): this many of
   * telemetry, and as many events that made a bell entry (at least the bell's size).
   */
  dedupeCapacity?: number;
}

/** An event `apply` did not take as new, and why (the session counts it and marks its frame). */
export interface DroppedEvent {
  event: LiveEvent;
  reason: DropReason;
}

/**
 * Occurrences remembered for coalescing copies sent on several channels (bounded). Those that made
 * a bell entry are remembered at least as long as the bell can hold them (its ids stay unique).
 */
const ORIGIN_CAPACITY = 2_000;

/**
 * Patches kept before they are folded into the snapshot. Applying a patch copies the bell
 * (5,000 entries) once, however few events it adds: per socket read under a flood that was the
 * largest cost of ingest and most of its garbage. Folding many at once costs the same single copy.
 */
const MAX_PENDING_PATCHES = 16;

/**
 * The model the main process owns: bell history, recent businesses and reservations, live stats
 * with a short history, and tasks, per endpoint. Every change is expressed as an `AppPatch` and
 * applied with the shared `applyPatch`, so what listeners (the renderer's batcher, the saver)
 * receive is exactly what changed here. Patches are folded into the snapshot lazily (merged with
 * `mergePatchList`, which applies as the patches would one by one): when the snapshot is read,
 * or once `MAX_PENDING_PATCHES` wait.
 */
export class AppModel {
  private state: AppSnapshot;
  private pending: AppPatch[] = [];
  /** Events applied (their `eventKey` identity): scoped by endpoint, channel and epoch. */
  private readonly seen: EventMemory;
  /** Occurrence key → its bell entry's id, oldest first. */
  private readonly origins = new Map<string, string>();
  /** Occurrences that made no bell entry (telemetry sent on several channels), oldest first. */
  private readonly silentOrigins = new Map<string, string>();
  private readonly originCapacity: number;
  private readonly listeners = new Set<(patch: AppPatch) => void>();
  /**
   * The tasks as the snapshot will hold them once pending patches are folded, least recently
   * changed first: a task event finds the task's last state without folding or scanning the list
   * (that made each task event cost more the more tasks were watched, issue 23).
   */
  private readonly tasks = new Map<string, TaskItem>();
  /** Shared one-channel lists of bell entries (`channelList`). */
  private readonly channelLists = new Map<string, string[]>();

  constructor(options: AppStoreOptions = {}) {
    // A model saved by an older Lookout may hold items of any size: bounded as new ones are.
    const base = options.initial
      ? boundSnapshotItems(options.initial)
      : emptySnapshot(options.limits);
    this.state = options.limits ? withLimits(base, options.limits) : base;
    const bell = this.state.limits.notifications;
    this.seen = new EventMemory(options.dedupeCapacity ?? 10_000, bell);
    this.originCapacity = Math.max(ORIGIN_CAPACITY, bell);
    this.indexTasks({ tasksUpserted: [...this.state.tasks].reverse() });
    // A saved entry's id is its occurrence key, the event key of its first event when it had no
    // origin. Entries saved before ids were scoped hold bare server ids: they match nothing new,
    // which is right (an id alone does not say which endpoint or incarnation it came from).
    for (const n of [...this.state.notifications].reverse()) {
      this.seen.rememberKey(n.id);
      if (n.id.startsWith(`${n.endpoint}|*|`)) this.rememberOrigin(this.origins, n.id, n.id);
    }
  }

  /** The whole model, for the renderer's first load (and for saving). */
  snapshot(): AppSnapshot {
    return this.current();
  }

  /** What the model keeps at most of each list (fixed when it is made). */
  get limits(): AppLimits {
    return this.state.limits;
  }

  /** Unread bell entries (folds pending patches first). */
  unread(): number {
    return this.current().unread;
  }

  private current(): AppSnapshot {
    if (this.pending.length > 0) {
      const patches = this.pending;
      this.pending = [];
      // The bell's ids are unique by construction here (see EventMemory and `origins`), so the
      // fold skips the id index a patch from elsewhere is checked against.
      this.state = applyUniquePatch(this.state, mergePatchList(patches));
    }
    return this.state;
  }

  /** Called with every non-empty patch, in order. Returns its own unsubscribe. */
  subscribe(listener: (patch: AppPatch) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Fold a batch of events into the model; returns the patch (null when nothing changed).
   * Events not seen before (the rest are replays) are also pushed to `accepted` when given, so
   * the notification policy downstream need not keep a dedupe memory of its own.
   */
  apply(
    events: readonly LiveEvent[],
    accepted?: LiveEvent[],
    dropped?: DroppedEvent[],
  ): AppPatch | null {
    const patch = this.patchFor(events, accepted, dropped);
    return this.commit(patch);
  }

  /**
   * The server lost one incarnation of a channel's history: nothing of it can come again, so its
   * keys leave the dedupe memory (the new incarnation's events have other keys anyway).
   */
  forgetIncarnation(endpoint: string, channel: string, epoch: string): void {
    this.seen.forget(incarnationKey(endpoint, channel, epoch));
  }

  /**
   * The endpoint's server lost its history: a task it had not finished will never report its
   * outcome (that event, if it was sent, is gone), so it stops claiming to be in progress. A task
   * that is in fact still running reports again, and its next event sets its status.
   */
  markTasksUnknown(endpoint: string, before: number, message: string): AppPatch | null {
    const stale = this.current().tasks.filter(
      (t) =>
        t.endpoint === endpoint && t.updatedAt <= before && UNFINISHED_TASK_STATUSES.has(t.status),
    );
    if (stale.length === 0) return null;
    return this.commit({
      tasksUpserted: stale.map((t) => ({
        ...t,
        status: 'unknown' as const,
        message,
        updatedAt: before,
      })),
    });
  }

  /**
   * An endpoint left the configuration: its live figures, businesses, reservations and tasks go;
   * its bell entries stay (history, named by the endpoint's id).
   */
  removeEndpoint(id: string): AppPatch | null {
    const s = this.current();
    const has =
      id in s.endpoints ||
      s.tasks.some((t) => t.endpoint === id) ||
      s.businesses.some((b) => b.endpoint === id) ||
      s.reservations.some((r) => r.endpoint === id);
    return has ? this.commit({ endpointsRemoved: [id] }) : null;
  }

  markRead(id: string): AppPatch | null {
    const item = this.current().notifications.find((n) => n.id === id);
    if (!item || item.read) return null;
    return this.commit({ notificationsRead: [id] });
  }

  markAllRead(): AppPatch | null {
    if (this.current().unread === 0) return null;
    return this.commit({ notificationsRead: 'all' });
  }

  private commit(patch: AppPatch): AppPatch | null {
    if (isEmptyPatch(patch)) return null;
    this.indexTasks(patch);
    this.pending.push(patch);
    if (this.pending.length >= MAX_PENDING_PATCHES) this.current();
    for (const listener of this.listeners) listener(patch);
    return patch;
  }

  /**
   * Keep the task index what the snapshot's task list will be once `patch` is folded in: removals
   * first, then each upsert moved to the newest end, then the least recently changed beyond the
   * limit gone (as `applyPatch` trims the list).
   */
  private indexTasks(patch: AppPatch): void {
    if (patch.endpointsRemoved?.length) {
      const gone = new Set(patch.endpointsRemoved);
      for (const [key, task] of this.tasks) if (gone.has(task.endpoint)) this.tasks.delete(key);
    }
    for (const key of patch.tasksRemoved ?? []) this.tasks.delete(key);
    for (const task of patch.tasksUpserted ?? []) {
      this.tasks.delete(task.key);
      this.tasks.set(task.key, task);
    }
    for (const key of this.tasks.keys()) {
      if (this.tasks.size <= this.state.limits.tasks) break;
      this.tasks.delete(key);
    }
  }

  /**
   * `[channel]`, the same (frozen) array for every entry that came on that channel alone: one
   * object less kept per bell entry. Nothing changes a list in place (a merged entry gets a new
   * one, `applyPatch`).
   */
  private channelList(channel: string): string[] {
    let list = this.channelLists.get(channel);
    if (!list) {
      // Bounded: servers may invent channel names.
      if (this.channelLists.size >= 1_000) this.channelLists.clear();
      list = Object.freeze([channel]) as string[];
      this.channelLists.set(channel, list);
    }
    return list;
  }

  private rememberOrigin(map: Map<string, string>, key: string, entry: string): void {
    map.set(key, entry);
    if (map.size > (map === this.origins ? this.originCapacity : ORIGIN_CAPACITY)) {
      const oldest = map.keys().next().value;
      if (oldest !== undefined) map.delete(oldest);
    }
  }

  private patchFor(
    events: readonly LiveEvent[],
    accepted?: LiveEvent[],
    dropped?: DroppedEvent[],
  ): AppPatch {
    const notificationsAdded: NotificationItem[] = [];
    const merged: Array<{ id: string; channel: string }> = [];
    // Every version, in order: `applyPatch` (and the merge) keep the last of each key.
    const businesses: BusinessItem[] = [];
    const tasks = new Map<string, TaskItem>();
    const tasksRemoved = new Set<string>();
    const stats: Record<string, StatsSample[]> = {};
    const counts: Record<string, Record<string, number>> = {};
    const site: Record<string, SiteStatus> = {};
    const patch: AppPatch = {};

    for (const e of events) {
      const inBell = BELL_KINDS.has(e.kind);
      // Another copy of one occurrence (sent on several channels) makes no entry of its own.
      const occurrence = e.origin === undefined ? null : occurrenceKey(e);
      const entry =
        occurrence === null
          ? undefined
          : (this.origins.get(occurrence) ?? this.silentOrigins.get(occurrence));
      if (this.seen.checkAndAdd(e, inBell && entry === undefined)) {
        dropped?.push({ event: e, reason: 'duplicate' });
        continue;
      }
      if (occurrence !== null) {
        if (entry !== undefined) {
          // Its effects are applied already; the entry lists this channel too, and no second
          // notification goes out.
          if (entry) merged.push({ id: entry, channel: e.channel });
          dropped?.push({ event: e, reason: 'same-origin' });
          continue;
        }
        if (inBell) this.rememberOrigin(this.origins, occurrence, occurrence);
        else this.rememberOrigin(this.silentOrigins, occurrence, '');
      }
      accepted?.push(e);
      // The event key is built only where it is kept (a bell entry's or a reservation's id).
      const key = inBell ? eventKey(e) : '';
      if (inBell) {
        notificationsAdded.push(bellItem(e, occurrence ?? key, this.channelList(e.channel)));
      }
      switch (e.kind) {
        case 'business.created':
        case 'business.updated': {
          const f = businessFields(e);
          const key = `${e.endpoint}:${f.businessId}`;
          const business: BusinessItem = {
            key,
            endpoint: e.endpoint,
            businessId: f.businessId,
            name: f.name,
            lastKind: e.kind,
            updatedAt: e.receivedAt,
            data: f.data,
          };
          if (f.truncated) business.dataTruncated = true;
          businesses.push(business);
          break;
        }
        case 'reservation.created': {
          const f = reservationFields(e);
          const reservation: ReservationItem = {
            id: key,
            endpoint: e.endpoint,
            businessName: f.businessName,
            title: boundText(e.title, ITEM_LIMITS.title),
            at: e.receivedAt,
            data: f.data,
          };
          if (f.truncated) reservation.dataTruncated = true;
          (patch.reservationsAdded ??= []).push(reservation);
          break;
        }
        case 'task.created':
        case 'task.updated':
        case 'task.progress':
        case 'task.completed':
        case 'task.failed': {
          const f = taskFields(e);
          const key = `${e.endpoint}:${f.taskId}`;
          const before = tasks.get(key) ?? this.tasks.get(key);
          tasksRemoved.delete(key);
          tasks.delete(key);
          tasks.set(key, {
            key,
            endpoint: e.endpoint,
            taskId: f.taskId,
            // The task's own name once any event carried one; else this event's title, so the
            // heading follows the latest state ("… completed"), never the first progress text.
            title: boundText(
              f.title ?? (before?.named ? before.title : e.title),
              ITEM_LIMITS.title,
            ),
            ...(f.title !== null || before?.named ? { named: true as const } : {}),
            status: f.status,
            progress: f.progress ?? (f.status === 'completed' ? 100 : (before?.progress ?? null)),
            message: boundText(f.message, ITEM_LIMITS.text),
            updatedAt: e.receivedAt,
          });
          break;
        }
        case 'task.deleted': {
          const key = `${e.endpoint}:${taskFields(e).taskId}`;
          tasks.delete(key);
          tasksRemoved.add(key);
          break;
        }
        case 'stats.update': {
          const sample = statsSample(e);
          if (sample) (stats[e.endpoint] ??= []).push(sample);
          break;
        }
        case 'unread.counts': {
          const c = unreadCounts(e);
          if (c) counts[e.endpoint] = c;
          break;
        }
        case 'site.status':
          site[e.endpoint] = {
            status: boundText(siteStatusText(e), ITEM_LIMITS.name),
            severity: e.severity,
            detail: boundText(e.body, ITEM_LIMITS.text),
            at: e.receivedAt,
          };
          break;
        case 'stats.batch':
        case 'chat.message':
        case 'chat.snapshot':
        case 'alert':
        case 'notification':
          // Bell only (handled above), or telemetry the model does not keep.
          break;
        default: {
          // Compile-time exhaustiveness; at run time an unknown kind is only kept in the bell.
          const _unhandled: never = e.kind;
          break;
        }
      }
    }

    if (notificationsAdded.length) patch.notificationsAdded = notificationsAdded;
    if (merged.length) patch.notificationsMerged = merged;
    if (businesses.length) patch.businessesUpserted = businesses;
    if (tasks.size) patch.tasksUpserted = [...tasks.values()];
    const removed = tasksRemoved.size ? [...tasksRemoved].filter((k) => this.tasks.has(k)) : [];
    if (removed.length) patch.tasksRemoved = removed;
    if (Object.keys(stats).length) patch.statsAdded = stats;
    if (Object.keys(counts).length) patch.unreadCounts = counts;
    if (Object.keys(site).length) patch.siteStatus = site;
    return patch;
  }
}

/**
 * A new bell entry. Built whole in one of two literal shapes (with and without a link) rather than
 * given its link afterwards: adding a property to a built object changes its hidden class and
 * grows its property store, once per event (the ingest profile, issue 23).
 */
function bellItem(e: LiveEvent, id: string, channels: string[]): NotificationItem {
  const title = boundText(e.title, ITEM_LIMITS.title);
  const body = boundText(e.body, ITEM_LIMITS.text);
  return e.link
    ? {
        id,
        endpoint: e.endpoint,
        kind: e.kind,
        severity: e.severity,
        title,
        body,
        at: e.receivedAt,
        read: false,
        channels,
        link: e.link,
      }
    : {
        id,
        endpoint: e.endpoint,
        kind: e.kind,
        severity: e.severity,
        title,
        body,
        at: e.receivedAt,
        read: false,
        channels,
      };
}
