import type { EventKind, Json, Severity, StatsSample } from './live-event';
import { PatchFold } from './patch-fold';

/**
 * The model the main process owns and the renderer mirrors: a snapshot for the first load, then
 * compact patches. `applyPatch` is the one way to apply a patch, used by main, renderer and tests,
 * so both sides bound and merge identically. Pure data and pure functions: no Node, no DOM.
 */

/** Kinds that appear in the bell. Telemetry (stats, counters, snapshots, progress ticks) does not. */
export const BELL_KINDS: ReadonlySet<EventKind> = new Set<EventKind>([
  'business.created',
  'business.updated',
  'reservation.created',
  'task.created',
  'task.updated',
  'task.completed',
  'task.failed',
  'task.deleted',
  'chat.message',
  'site.status',
  'alert',
  'notification',
]);

/** One bell entry: one occurrence (an alert sent on two channels is one entry). */
export interface NotificationItem {
  /** The occurrence's key (`occurrenceKey` of its first event): unique in the bell. */
  id: string;
  endpoint: string;
  kind: EventKind;
  severity: Severity;
  title: string;
  body: string;
  /** Receive time, epoch ms. */
  at: number;
  link?: string;
  read: boolean;
  /** The channels the occurrence arrived on, in arrival order (absent in entries saved before). */
  channels?: string[];
}

export interface BusinessItem {
  /** `endpoint:businessId`: businesses are only unique per backend. */
  key: string;
  endpoint: string;
  businessId: string;
  name: string;
  lastKind: 'business.created' | 'business.updated';
  updatedAt: number;
  /** The backend's business object as the dialect normalised it, bounded (`item-bounds.ts`). */
  data: Record<string, Json>;
  /** Set when `data` is only part of what the backend sent (it was too large to keep whole). */
  dataTruncated?: true;
}

export interface ReservationItem {
  id: string;
  endpoint: string;
  businessName: string;
  title: string;
  at: number;
  /** The reservation as the dialect normalised it, bounded (`item-bounds.ts`). */
  data: Record<string, Json>;
  /** Set when `data` is only part of what the backend sent. */
  dataTruncated?: true;
}

export const TASK_STATUSES = [
  'created',
  'pending',
  'processing',
  'updated',
  'completed',
  'failed',
  /** Unfinished when its server lost its history: its outcome will never be reported. */
  'unknown',
] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** Statuses of a task that is not finished (it may still report progress or an outcome). */
export const UNFINISHED_TASK_STATUSES: ReadonlySet<TaskStatus> = new Set<TaskStatus>([
  'created',
  'pending',
  'processing',
  'updated',
]);

export interface TaskItem {
  /** `endpoint:taskId`. */
  key: string;
  endpoint: string;
  taskId: string;
  title: string;
  /** The title is the task's own name (an event carried one); else it is the latest event's title. */
  named?: true;
  status: TaskStatus;
  /** 0–100 when the backend reports progress, else null. */
  progress: number | null;
  message: string;
  updatedAt: number;
}

export interface SiteStatus {
  status: string;
  severity: Severity;
  detail: string;
  at: number;
}

/** Live figures of one endpoint. */
export interface EndpointLive {
  stats: StatsSample | null;
  /** Oldest first, bounded by `limits.statsHistory` (600 × 0.5 s = 5 minutes). */
  statsHistory: StatsSample[];
  unreadCounts: Record<string, number> | null;
  siteStatus: SiteStatus | null;
}

export interface AppLimits {
  notifications: number;
  businesses: number;
  reservations: number;
  tasks: number;
  statsHistory: number;
}

export const DEFAULT_LIMITS: AppLimits = {
  notifications: 5_000,
  businesses: 200,
  reservations: 200,
  tasks: 500,
  statsHistory: 600,
};

export interface AppSnapshot {
  limits: AppLimits;
  /** Newest first. */
  notifications: NotificationItem[];
  unread: number;
  /** Most recently changed first. */
  businesses: BusinessItem[];
  /** Newest first. */
  reservations: ReservationItem[];
  /** Most recently changed first. */
  tasks: TaskItem[];
  endpoints: Record<string, EndpointLive>;
}

/**
 * Changes since the previous patch. Every field is optional; an empty object is a no-op.
 * Order of application inside one patch: reads, removals, then additions and upserts.
 */
export interface AppPatch {
  /** Oldest first (as they arrived). */
  notificationsAdded?: NotificationItem[];
  /** Another copy of an entry's occurrence arrived on `channel`: the entry lists that channel too. */
  notificationsMerged?: Array<{ id: string; channel: string }>;
  /**
   * Endpoints no longer configured: their live figures, businesses, reservations and tasks go
   * (their bell entries stay, as history). Applied before this patch's additions.
   */
  endpointsRemoved?: string[];
  /** Ids marked read, or `all`. Applies to notifications already in the snapshot. */
  notificationsRead?: string[] | 'all';
  /** Latest version of each changed business, oldest change first. */
  businessesUpserted?: BusinessItem[];
  reservationsAdded?: ReservationItem[];
  tasksUpserted?: TaskItem[];
  tasksRemoved?: string[];
  /** New samples per endpoint, oldest first. */
  statsAdded?: Record<string, StatsSample[]>;
  unreadCounts?: Record<string, Record<string, number>>;
  siteStatus?: Record<string, SiteStatus>;
  /** Unread bell entries after this patch (informational; `applyPatch` recounts). */
  unread?: number;
}

/** An empty model. */
export function emptySnapshot(limits: AppLimits = DEFAULT_LIMITS): AppSnapshot {
  return {
    limits,
    notifications: [],
    unread: 0,
    businesses: [],
    reservations: [],
    tasks: [],
    endpoints: {},
  };
}

/** The same model bounded by other limits (e.g. a saved model loaded with smaller limits). */
export function withLimits(snapshot: AppSnapshot, limits: AppLimits): AppSnapshot {
  const notifications = snapshot.notifications.slice(0, limits.notifications);
  const endpoints: Record<string, EndpointLive> = {};
  for (const [id, live] of Object.entries(snapshot.endpoints)) {
    endpoints[id] = { ...live, statsHistory: live.statsHistory.slice(-limits.statsHistory) };
  }
  return {
    ...snapshot,
    limits,
    notifications,
    unread: countUnread(notifications),
    businesses: snapshot.businesses.slice(0, limits.businesses),
    reservations: snapshot.reservations.slice(0, limits.reservations),
    tasks: snapshot.tasks.slice(0, limits.tasks),
    endpoints,
  };
}

/** True when the patch changes nothing. */
export function isEmptyPatch(patch: AppPatch): boolean {
  for (const key in patch) {
    if (key === 'unread') continue;
    const v: unknown = patch[key as keyof AppPatch];
    if (v === undefined) continue;
    if (Array.isArray(v) ? v.length > 0 : typeof v !== 'object' || !isEmptyObject(v)) return false;
  }
  return true;
}

function isEmptyObject(value: object | null): boolean {
  if (value === null) return false;
  for (const _key in value) return false;
  return true;
}

/** Apply a patch to a snapshot, returning a new snapshot (the input is not modified). */
export function applyPatch(snapshot: AppSnapshot, patch: AppPatch): AppSnapshot {
  return applyPatchTo(snapshot, patch, false);
}

/**
 * `applyPatch` for a patch whose new bell entries and reservations have ids the snapshot does not
 * hold and are unique among themselves, as the main process's model guarantees (its dedupe memory
 * outlives the bell): the id index that enforces it for any other patch is skipped.
 */
export function applyUniquePatch(snapshot: AppSnapshot, patch: AppPatch): AppSnapshot {
  return applyPatchTo(snapshot, patch, true);
}

function applyPatchTo(snapshot: AppSnapshot, patch: AppPatch, uniqueIds: boolean): AppSnapshot {
  const { limits } = snapshot;
  const gone = patch.endpointsRemoved?.length ? new Set(patch.endpointsRemoved) : null;
  if (gone) snapshot = withoutEndpoints(snapshot, gone);
  let notifications = snapshot.notifications;
  const read = patch.notificationsRead;
  if (read === 'all') {
    notifications = notifications.map((n) => (n.read ? n : { ...n, read: true }));
  } else if (read && read.length > 0) {
    const ids = new Set(read);
    notifications = notifications.map((n) => (!n.read && ids.has(n.id) ? { ...n, read: true } : n));
  }
  let unread =
    notifications === snapshot.notifications ? snapshot.unread : countUnread(notifications);
  if (patch.notificationsAdded?.length && uniqueIds) {
    const added = patch.notificationsAdded;
    // Only the newest `limit` can be kept: older ones in the patch are not even copied.
    const from = Math.max(0, added.length - limits.notifications);
    const fresh: NotificationItem[] = [];
    for (let i = added.length - 1; i >= from; i--) {
      const n = added[i] as NotificationItem;
      fresh.push(n);
      if (!n.read) unread += 1;
    }
    const keep = Math.max(0, limits.notifications - fresh.length);
    for (let i = keep; i < notifications.length; i++)
      if (!(notifications[i] as NotificationItem).read) unread -= 1;
    notifications = fresh.concat(
      keep < notifications.length ? notifications.slice(0, keep) : notifications,
    );
  } else if (patch.notificationsAdded?.length) {
    // Incremental on the hot path: a per-array id index moves with the array (O(added + dropped)),
    // instead of rebuilding a 5,000-entry set and recounting unread for every patch.
    const known = idIndex(notifications);
    const fresh: NotificationItem[] = [];
    for (const n of patch.notificationsAdded) {
      if (known.has(n.id)) continue;
      known.add(n.id);
      fresh.push(n);
      if (!n.read) unread += 1;
    }
    if (fresh.length > 0) {
      const merged = fresh.reverse().concat(notifications);
      const dropped =
        merged.length > limits.notifications ? merged.splice(limits.notifications) : [];
      for (const n of dropped) {
        known.delete(n.id);
        if (!n.read) unread -= 1;
      }
      ID_INDEX.delete(notifications);
      ID_INDEX.set(merged, known);
      notifications = merged;
    }
  }
  if (patch.notificationsMerged?.length)
    notifications = withChannels(notifications, patch.notificationsMerged);

  const businesses = upsertNewestFirst(
    snapshot.businesses,
    patch.businessesUpserted,
    [],
    limits.businesses,
  );
  const tasks = upsertNewestFirst(
    snapshot.tasks,
    patch.tasksUpserted,
    patch.tasksRemoved ?? [],
    limits.tasks,
  );
  const added = patch.reservationsAdded;
  let reservations = snapshot.reservations;
  if (added?.length && uniqueIds) {
    const newest = added.slice(-limits.reservations).reverse();
    const keep = Math.max(0, limits.reservations - newest.length);
    reservations = newest.concat(snapshot.reservations.slice(0, keep));
  } else if (added?.length) {
    const ids = new Set(added.map((r) => r.id));
    reservations = [
      ...[...added].reverse(),
      ...snapshot.reservations.filter((r) => !ids.has(r.id)),
    ].slice(0, limits.reservations);
  }

  let endpoints = snapshot.endpoints;
  const touched = new Set([
    ...Object.keys(patch.statsAdded ?? {}),
    ...Object.keys(patch.unreadCounts ?? {}),
    ...Object.keys(patch.siteStatus ?? {}),
  ]);
  if (touched.size > 0) {
    endpoints = { ...endpoints };
    for (const id of touched) {
      const before = endpoints[id] ?? {
        stats: null,
        statsHistory: [],
        unreadCounts: null,
        siteStatus: null,
      };
      const samples = patch.statsAdded?.[id] ?? [];
      endpoints[id] = {
        stats: samples.length > 0 ? (samples[samples.length - 1] ?? null) : before.stats,
        statsHistory:
          samples.length > 0
            ? [...before.statsHistory, ...samples].slice(-limits.statsHistory)
            : before.statsHistory,
        unreadCounts: patch.unreadCounts?.[id] ?? before.unreadCounts,
        siteStatus: patch.siteStatus?.[id] ?? before.siteStatus,
      };
    }
  }

  return {
    limits,
    notifications,
    unread,
    businesses,
    reservations,
    tasks,
    endpoints,
  };
}

/** The snapshot without the per-endpoint data of `gone` (bell entries stay). */
function withoutEndpoints(snapshot: AppSnapshot, gone: ReadonlySet<string>): AppSnapshot {
  const keep = <T extends { endpoint: string }>(items: T[]): T[] =>
    items.some((x) => gone.has(x.endpoint)) ? items.filter((x) => !gone.has(x.endpoint)) : items;
  let endpoints = snapshot.endpoints;
  if (Object.keys(endpoints).some((id) => gone.has(id))) {
    endpoints = Object.fromEntries(Object.entries(endpoints).filter(([id]) => !gone.has(id)));
  }
  return {
    ...snapshot,
    businesses: keep(snapshot.businesses),
    reservations: keep(snapshot.reservations),
    tasks: keep(snapshot.tasks),
    endpoints,
  };
}

/** Add each merged channel to its entry (once); entries no longer in the bell are skipped. */
function withChannels(
  notifications: NotificationItem[],
  merged: ReadonlyArray<{ id: string; channel: string }>,
): NotificationItem[] {
  const byId = new Map<string, string[]>();
  for (const m of merged) {
    const list = byId.get(m.id) ?? [];
    list.push(m.channel);
    byId.set(m.id, list);
  }
  let changed = false;
  const out = notifications.map((n) => {
    const extra = byId.get(n.id);
    if (!extra) return n;
    const channels = [...(n.channels ?? [])];
    for (const c of extra) if (!channels.includes(c)) channels.push(c);
    if (channels.length === (n.channels?.length ?? 0)) return n;
    changed = true;
    return { ...n, channels };
  });
  if (!changed) return notifications;
  const index = ID_INDEX.get(notifications);
  if (index) ID_INDEX.set(out, index);
  return out;
}

/**
 * Fold `next` into `prev` so that applying the result equals applying both in order: the batcher
 * sends one patch per interval however many events arrived.
 */
export function mergePatches(prev: AppPatch, next: AppPatch): AppPatch {
  return mergePatchList([prev, next]);
}

/**
 * Fold many patches into one in a single linear pass (merging pairwise would copy the growing
 * arrays again for every patch: quadratic under a flood).
 */
export function mergePatchList(patches: readonly AppPatch[]): AppPatch {
  if (patches.length === 1) return patches[0] ?? {};
  const fold = new PatchFold();
  for (const p of patches) fold.add(p);
  return fold.take();
}

/** Id sets of notification arrays, so `applyPatch` need not rebuild one per patch. */
const ID_INDEX = new WeakMap<readonly NotificationItem[], Set<string>>();

function idIndex(notifications: readonly NotificationItem[]): Set<string> {
  let index = ID_INDEX.get(notifications);
  if (!index) {
    index = new Set(notifications.map((n) => n.id));
    ID_INDEX.set(notifications, index);
  }
  return index;
}

function countUnread(notifications: readonly NotificationItem[]): number {
  let n = 0;
  for (const item of notifications) if (!item.read) n += 1;
  return n;
}

function upsertNewestFirst<T extends { key: string }>(
  current: T[],
  upserted: readonly T[] | undefined,
  removed: readonly string[],
  limit: number,
): T[] {
  if (!upserted?.length && removed.length === 0) return current;
  // One pass from the newest change: the first time a key is met is its last version. One set
  // serves both the upserts and the removals (a flood upserts thousands per fold).
  // Removals apply before upserts: a key removed and upserted in one patch is kept, upserted.
  const taken = new Set<string>();
  const out: T[] = [];
  if (upserted) {
    for (let i = upserted.length - 1; i >= 0; i--) {
      const item = upserted[i] as T;
      if (taken.has(item.key)) continue;
      taken.add(item.key);
      if (out.length < limit) out.push(item);
    }
  }
  for (const key of removed) taken.add(key);
  for (let i = 0; i < current.length && out.length < limit; i++) {
    const item = current[i] as T;
    if (!taken.has(item.key)) out.push(item);
  }
  return out;
}
