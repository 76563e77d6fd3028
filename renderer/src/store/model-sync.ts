import {
  applyPatch,
  emptySnapshot,
  type AppPatch,
  type AppSnapshot,
} from '../../../shared/model/app-state';
import type { AppState } from './app-store';

/**
 * The main-owned model lives spread over the feature slices (so selectors of one feature do not
 * change when another does). These two functions join and split it around `applyPatch`, which
 * keeps unchanged arrays by reference: untouched slices keep their identity.
 */

/** The model part of the store as an `AppSnapshot`. */
export function snapshotOf(state: AppState): AppSnapshot {
  return {
    limits: state.limits,
    notifications: state.notifications,
    unread: state.unread,
    businesses: state.businesses,
    reservations: state.reservations,
    tasks: state.tasks,
    endpoints: state.live,
  };
}

/** Store fields of a snapshot. */
export function modelFields(
  snapshot: AppSnapshot,
): Pick<
  AppState,
  'limits' | 'notifications' | 'unread' | 'businesses' | 'reservations' | 'tasks' | 'live'
> {
  return {
    limits: snapshot.limits,
    notifications: snapshot.notifications,
    unread: snapshot.unread,
    businesses: snapshot.businesses,
    reservations: snapshot.reservations,
    tasks: snapshot.tasks,
    live: snapshot.endpoints,
  };
}

/**
 * Drop stats samples the snapshot already holds: patches queued while the initial state was in
 * flight may repeat its newest samples, and a chart with duplicates zig-zags.
 */
export function withoutKnownStats(snapshot: AppSnapshot, patch: AppPatch): AppPatch {
  if (!patch.statsAdded) return patch;
  const statsAdded: NonNullable<AppPatch['statsAdded']> = {};
  for (const [id, samples] of Object.entries(patch.statsAdded)) {
    const history = snapshot.endpoints[id]?.statsHistory;
    const last = history && history.length > 0 ? (history[history.length - 1]?.at ?? -1) : -1;
    const fresh = samples.filter((s) => s.at > last);
    if (fresh.length > 0) statsAdded[id] = fresh;
  }
  return { ...patch, statsAdded };
}

/** Apply one (merged) patch to the store's model fields. */
export function applyModelPatch(state: AppState, patch: AppPatch): ReturnType<typeof modelFields> {
  const before = snapshotOf(state);
  return modelFields(applyPatch(before, withoutKnownStats(before, patch)));
}

export const EMPTY_MODEL = modelFields(emptySnapshot());
