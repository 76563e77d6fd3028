import { applyPatch, type NotificationItem } from '../../../shared/model/app-state';
import type { EventKind, Severity } from '../../../shared/model/live-event';
import type { NotificationTraceEntry } from '../../../shared/model/diagnostics';
import { snapshotOf } from './model-sync';
import type { SliceCreator } from './slice-types';

/** Filters of the full notification history page. `all` means no filter on that field. */
export interface HistoryFilter {
  endpoint: string | 'all';
  kind: EventKind | 'all';
  severity: Severity | 'all';
  /** Free text matched against title, body, endpoint and kind (case-insensitive). */
  search: string;
  unreadOnly: boolean;
}

export const EMPTY_FILTER: HistoryFilter = {
  endpoint: 'all',
  kind: 'all',
  severity: 'all',
  search: '',
  unreadOnly: false,
};

export interface NotificationsSlice {
  /** Newest first (mirrors main's bell history). */
  notifications: NotificationItem[];
  unread: number;
  bellOpen: boolean;
  historyFilter: HistoryFilter;
  setBellOpen(open: boolean): void;
  setHistoryFilter(change: Partial<HistoryFilter>): void;
  /** Mark read locally at once and tell main (which persists it and updates the tray). */
  markRead(ids: string[] | 'all'): void;
  /** "Why did / didn't I get this notification?": main's decision trace for one event. */
  why: {
    eventId: string;
    status: 'loading' | 'done' | 'error';
    entries: NotificationTraceEntry[];
    error?: string;
  } | null;
  explain(eventId: string | null): Promise<void>;
}

export const createNotificationsSlice: SliceCreator<NotificationsSlice> = (set, get) => ({
  notifications: [],
  unread: 0,
  bellOpen: false,
  historyFilter: EMPTY_FILTER,
  setBellOpen: (open) => set({ bellOpen: open }),
  setHistoryFilter: (change) => set((s) => ({ historyFilter: { ...s.historyFilter, ...change } })),
  markRead: (ids) => {
    if (ids !== 'all' && ids.length === 0) return;
    const next = applyPatch(snapshotOf(get()), { notificationsRead: ids });
    set({ notifications: next.notifications, unread: next.unread });
    get().bridge?.send('notifications:mark-read', { ids });
  },
  why: null,
  explain: async (eventId) => {
    if (eventId === null) {
      set({ why: null });
      return;
    }
    const bridge = get().bridge;
    set({ why: { eventId, status: 'loading', entries: [] } });
    try {
      if (!bridge) throw new Error('Not connected to Lookout.');
      const { entries } = await bridge.invoke('notifications:trace', { eventId });
      if (get().why?.eventId === eventId) set({ why: { eventId, status: 'done', entries } });
    } catch (error) {
      if (get().why?.eventId === eventId) {
        set({
          why: {
            eventId,
            status: 'error',
            entries: [],
            error: error instanceof Error ? error.message : String(error),
          },
        });
      }
    }
  },
});
