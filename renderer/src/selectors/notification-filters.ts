import type { NotificationItem } from '../../../shared/model/app-state';
import { labelText } from '../../../shared/util/display-text';
import type { HistoryFilter } from '../store/notifications-slice';

/** Does an item pass the filter? Search matches title, body, endpoint and kind, all words. */
export function matchesFilter(
  item: NotificationItem,
  filter: HistoryFilter,
  words: string[],
): boolean {
  if (filter.endpoint !== 'all' && item.endpoint !== filter.endpoint) return false;
  if (filter.kind !== 'all' && item.kind !== filter.kind) return false;
  if (filter.severity !== 'all' && item.severity !== filter.severity) return false;
  if (filter.unreadOnly && item.read) return false;
  if (words.length === 0) return true;
  const hay =
    `${item.title}\n${item.body}\n${item.endpoint}\n${item.kind}\n${item.channels?.join('\n') ?? ''}`.toLowerCase();
  return words.every((w) => hay.includes(w));
}

/** Search text → lower-case words. */
export function searchWords(search: string): string[] {
  return search.toLowerCase().split(/\s+/).filter(Boolean);
}

/** The history page's list. Order stays newest first. */
export function filterNotifications(
  items: readonly NotificationItem[],
  filter: HistoryFilter,
): NotificationItem[] {
  const words = searchWords(filter.search);
  return items.filter((item) => matchesFilter(item, filter, words));
}

/**
 * A memoised filter: re-filters only when the list or the filter object changes (patches that
 * touch other slices keep both references, so the 5,000-item history is not re-scanned).
 */
export function createFilteredSelector(): (
  items: readonly NotificationItem[],
  filter: HistoryFilter,
) => NotificationItem[] {
  let lastItems: readonly NotificationItem[] | null = null;
  let lastFilter: HistoryFilter | null = null;
  let last: NotificationItem[] = [];
  return (items, filter) => {
    if (items !== lastItems || filter !== lastFilter) {
      last = filterNotifications(items, filter);
      lastItems = items;
      lastFilter = filter;
    }
    return last;
  };
}

/** The bell dropdown's items: the latest `n`. */
export function latestForBell(items: readonly NotificationItem[], n = 8): NotificationItem[] {
  return items.slice(0, n);
}

/** Endpoints and kinds that occur in the history, for the filter drop-downs. */
export function filterOptions(items: readonly NotificationItem[]): {
  endpoints: string[];
  kinds: string[];
} {
  const endpoints = new Set<string>();
  const kinds = new Set<string>();
  for (const item of items) {
    endpoints.add(item.endpoint);
    kinds.add(item.kind);
  }
  return { endpoints: [...endpoints].sort(), kinds: [...kinds].sort() };
}

/** Human label of an event kind: `task.failed` → `Task failed`. */
export function kindLabel(kind: string): string {
  const text = kind.replace(/[._]/g, ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The channels an entry arrived on, for a tooltip (server-named: neutralised and cut). */
export function channelsTitle(item: Pick<NotificationItem, 'channels'>): string | undefined {
  return item.channels?.length ? labelText(item.channels.join(', '), 300) : undefined;
}

/** "2 channels" for an entry that arrived on several (one alert sent to several), else ''. */
export function channelsLabel(item: Pick<NotificationItem, 'channels'>): string {
  const n = item.channels?.length ?? 0;
  return n > 1 ? `${n} channels` : '';
}
