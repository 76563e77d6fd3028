/** The words of flood summaries and digests ("3 new businesses"). */
import type { EventKind } from '../../../shared/model/live-event';

/** How to say "N of this kind" in a notification title: [singular, plural] noun phrases. */
const PHRASES: Record<EventKind, [string, string]> = {
  'business.created': ['new business', 'new businesses'],
  'business.updated': ['business updated', 'businesses updated'],
  'reservation.created': ['new reservation', 'new reservations'],
  'task.created': ['new task', 'new tasks'],
  'task.updated': ['task updated', 'tasks updated'],
  'task.progress': ['task progress update', 'task progress updates'],
  'task.completed': ['task completed', 'tasks completed'],
  'task.failed': ['task failed', 'tasks failed'],
  'task.deleted': ['task deleted', 'tasks deleted'],
  'stats.update': ['stats update', 'stats updates'],
  'stats.batch': ['batch persisted', 'batches persisted'],
  'chat.message': ['new chat message', 'new chat messages'],
  'chat.snapshot': ['chat snapshot', 'chat snapshots'],
  'unread.counts': ['unread count change', 'unread count changes'],
  'site.status': ['site status change', 'site status changes'],
  alert: ['alert', 'alerts'],
  notification: ['new notification', 'new notifications'],
};

/** "1 new business", "37 new businesses", "12 tasks updated". */
export function countPhrase(kind: EventKind, count: number): string {
  const [one, many] = PHRASES[kind];
  return `${count} ${count === 1 ? one : many}`;
}

/** "37 new businesses, 12 tasks updated and 1 alert", largest first. */
export function digestPhrase(counts: ReadonlyMap<EventKind, number>): string {
  const parts = [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([kind, n]) => countPhrase(kind, n));
  if (parts.length <= 1) return parts[0] ?? 'nothing new';
  return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

/**
 * A short body listing the latest titles: `“Acme”, “Globex” and 35 more`. `total` is how many
 * events the summary stands for (the caller keeps only the last few titles).
 */
export function latestTitles(titles: readonly string[], show = 3, total = titles.length): string {
  const latest = titles.slice(-show).reverse();
  const quoted = latest.map((t) => `“${t.length > 60 ? `${t.slice(0, 57)}…` : t}”`);
  const more = total - latest.length;
  return more > 0 ? `${quoted.join(', ')} and ${more} more` : quoted.join(', ');
}
