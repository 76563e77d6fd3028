import type {
  AppLimits,
  AppPatch,
  BusinessItem,
  NotificationItem,
  ReservationItem,
  SiteStatus,
  TaskItem,
} from './app-state';
import type { StatsSample } from './live-event';

/** What a fold may trim to: the most of each list a snapshot keeps. */
export type FoldLimits = Pick<AppLimits, 'notifications' | 'reservations' | 'statsHistory'>;

/**
 * Patches folded into one as they come, so that applying the result equals applying them all in
 * order (`mergePatchList` is a fold of a whole list). Each patch is folded when added and can then
 * be collected: a batch that waits 100 ms for its flush keeps one version of each business and
 * task, not every version (issue 23: ten thousand patches held until the flush all outlived the
 * young generation).
 *
 * With `limits`, lists are trimmed as they grow to what a snapshot with those limits can keep
 * (the newest bell entries, reservations and stats samples): the rest would be cut by
 * `applyPatch` anyway. Exact for patches whose added ids are new to the receiver, as the model's
 * are (it deduplicates before it emits).
 */
export class PatchFold {
  private added: NotificationItem[] | undefined;
  private mergedRows: Array<{ id: string; channel: string }> | undefined;
  private gone: Set<string> | undefined;
  private read: Set<string> | 'all' | undefined;
  /** Last version of each business, in the order of last changes (a re-insert moves it last). */
  private businesses: Map<string, BusinessItem> | undefined;
  private reservations: ReservationItem[] | undefined;
  private tasks: Map<string, TaskItem> | undefined;
  private removed: Set<string> | undefined;
  private stats: Record<string, StatsSample[]> | undefined;
  private counts: Record<string, Record<string, number>> | undefined;
  private site: Record<string, SiteStatus> | undefined;
  private unread: number | undefined;
  private count = 0;

  constructor(private readonly limits?: FoldLimits) {}

  /** Nothing folded since the last `take`. */
  get empty(): boolean {
    return this.count === 0;
  }

  /** Fold one more patch in (it may be collected afterwards: nothing keeps it). */
  add(p: AppPatch): void {
    this.count += 1;
    if (p.endpointsRemoved?.length) {
      // Removals apply before additions: what this batch added for them so far goes too.
      const ids = new Set(p.endpointsRemoved);
      this.gone ??= new Set();
      for (const id of ids) this.gone.add(id);
      const other = <T extends { endpoint: string }>(x: T) => !ids.has(x.endpoint);
      if (this.businesses)
        for (const [key, b] of this.businesses)
          if (ids.has(b.endpoint)) this.businesses.delete(key);
      this.reservations = this.reservations?.filter(other);
      if (this.tasks)
        for (const [key, t] of this.tasks) if (ids.has(t.endpoint)) this.tasks.delete(key);
      for (const id of ids) {
        if (this.stats) delete this.stats[id];
        if (this.counts) delete this.counts[id];
        if (this.site) delete this.site[id];
      }
    }
    if (p.notificationsRead) {
      const ids = p.notificationsRead === 'all' ? null : new Set(p.notificationsRead);
      // Entries added earlier in this batch are not in the receiver's snapshot yet: mark them here.
      if (this.added)
        this.added = this.added.map((n) =>
          !n.read && (ids === null || ids.has(n.id)) ? { ...n, read: true } : n,
        );
      if (ids === null || this.read === 'all') this.read = 'all';
      else {
        this.read ??= new Set();
        for (const id of ids) this.read.add(id);
      }
    }
    if (p.notificationsAdded) {
      const added = (this.added ??= []);
      for (const n of p.notificationsAdded) added.push(n);
      this.added = this.trimmed(added, this.limits?.notifications);
    }
    if (p.notificationsMerged) (this.mergedRows ??= []).push(...p.notificationsMerged);
    if (p.businessesUpserted) {
      const businesses = (this.businesses ??= new Map());
      for (const b of p.businessesUpserted) {
        businesses.delete(b.key);
        businesses.set(b.key, b);
      }
    }
    if (p.reservationsAdded) {
      const reservations = (this.reservations ??= []);
      for (const r of p.reservationsAdded) reservations.push(r);
      this.reservations = this.trimmed(reservations, this.limits?.reservations);
    }
    if (p.tasksRemoved?.length) {
      this.removed ??= new Set();
      for (const key of p.tasksRemoved) {
        this.removed.add(key);
        this.tasks?.delete(key);
      }
    }
    if (p.tasksUpserted) {
      const tasks = (this.tasks ??= new Map());
      for (const t of p.tasksUpserted) {
        this.removed?.delete(t.key);
        tasks.delete(t.key);
        tasks.set(t.key, t);
      }
    }
    if (p.statsAdded) {
      const stats = (this.stats ??= {});
      for (const [id, samples] of Object.entries(p.statsAdded)) {
        const list = (stats[id] ??= []);
        for (const s of samples) list.push(s);
        stats[id] = this.trimmed(list, this.limits?.statsHistory);
      }
    }
    if (p.unreadCounts) this.counts = { ...this.counts, ...p.unreadCounts };
    if (p.siteStatus) this.site = { ...this.site, ...p.siteStatus };
    if (p.unread !== undefined) this.unread = p.unread;
  }

  /** The fold of everything added since the last `take`, as one patch; the fold starts empty again. */
  take(): AppPatch {
    const out: AppPatch = {};
    const limits = this.limits;
    if (this.gone) out.endpointsRemoved = [...this.gone];
    if (this.added)
      out.notificationsAdded = limits ? newest(this.added, limits.notifications) : this.added;
    if (this.mergedRows) out.notificationsMerged = this.mergedRows;
    if (this.read) out.notificationsRead = this.read === 'all' ? 'all' : [...this.read];
    if (this.businesses) out.businessesUpserted = [...this.businesses.values()];
    if (this.reservations)
      out.reservationsAdded = limits
        ? newest(this.reservations, limits.reservations)
        : this.reservations;
    if (this.tasks) out.tasksUpserted = [...this.tasks.values()];
    if (this.removed) out.tasksRemoved = [...this.removed];
    if (this.stats) {
      if (limits)
        for (const [id, list] of Object.entries(this.stats))
          this.stats[id] = newest(list, limits.statsHistory);
      out.statsAdded = this.stats;
    }
    if (this.counts) out.unreadCounts = this.counts;
    if (this.site) out.siteStatus = this.site;
    if (this.unread !== undefined) out.unread = this.unread;
    this.added = this.mergedRows = this.reservations = undefined;
    this.gone = this.read = this.removed = undefined;
    this.businesses = undefined;
    this.tasks = undefined;
    this.stats = this.counts = this.site = undefined;
    this.unread = undefined;
    this.count = 0;
    return out;
  }

  /** `list` cut to its newest `limit` once it holds twice that (amortised: one copy per `limit`). */
  private trimmed<T>(list: T[], limit: number | undefined): T[] {
    return limit !== undefined && list.length > 2 * limit + 16 ? newest(list, limit) : list;
  }
}

/** The last `n` items (none for 0: `slice(-0)` would be all of them). */
function newest<T>(list: T[], n: number): T[] {
  return n <= 0 ? [] : list.length > n ? list.slice(-n) : list;
}
