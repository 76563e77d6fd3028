import type { Json, LiveEvent, StatsSample } from '../../../shared/model/live-event';
import { TASK_STATUSES, type TaskStatus } from '../../../shared/model/app-state';
import { boundData, boundText, ITEM_LIMITS } from '../../../shared/model/item-bounds';

/**
 * Reading the kind-specific `data` of canonical events. Dialects normalise payloads, but older
 * or foreign shapes (snake_case straight from the wire) are accepted too: a field that cannot
 * be read falls back to something sensible instead of dropping the event.
 */

function obj(v: Json | undefined): Record<string, Json> | null {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? v : null;
}

/** The first of up to three values that reads as text (fixed arity: this runs for every event). */
function str(a: Json | undefined, b?: Json, c?: Json): string | null {
  return text(a) ?? text(b) ?? text(c);
}

function text(v: Json | undefined): string | null {
  if (typeof v === 'string' && v.length > 0) return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return null;
}

function num(...values: (Json | undefined)[]): number | null {
  for (const v of values) {
    if (typeof v === 'number' && Number.isFinite(v)) return v;
    if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  }
  return null;
}

/** The id after `area/` in an in-app link (`businesses/17` → `17`). */
function fromLink(link: string | undefined, area: string): string | null {
  if (!link?.startsWith(`${area}/`)) return null;
  return link.slice(area.length + 1) || null;
}

export interface BusinessFields {
  businessId: string;
  name: string;
  /** The business object, bounded: what the model may keep of it. */
  data: Record<string, Json>;
  /** True when `data` is only part of what was sent. */
  truncated: boolean;
}

export function businessFields(e: LiveEvent): BusinessFields {
  const business = obj(e.data.business) ?? e.data;
  const { data, truncated } = boundData(business);
  return {
    businessId: boundText(
      str(business.id, e.data.businessId, e.data.business_id) ??
        fromLink(e.link, 'businesses') ??
        e.id,
      ITEM_LIMITS.name,
    ),
    name: boundText(str(business.name, e.data.name) ?? e.title, ITEM_LIMITS.name),
    data,
    truncated,
  };
}

export interface ReservationFields {
  businessName: string;
  /** The event's data, bounded. */
  data: Record<string, Json>;
  truncated: boolean;
}

export function reservationFields(e: LiveEvent): ReservationFields {
  const reservation = obj(e.data.reservation);
  const { data, truncated } = boundData(e.data);
  return {
    businessName: boundText(
      str(e.data.businessName, e.data.business_name, reservation?.business_name) ?? '',
      ITEM_LIMITS.name,
    ),
    data,
    truncated,
  };
}

export interface TaskFields {
  taskId: string;
  /** The task's own title when the event carries one (progress ticks usually do not). */
  title: string | null;
  status: TaskStatus;
  progress: number | null;
  message: string;
}

const STATUS_BY_KIND: Partial<Record<LiveEvent['kind'], TaskStatus>> = {
  'task.created': 'created',
  'task.updated': 'updated',
  'task.progress': 'processing',
  'task.completed': 'completed',
  'task.failed': 'failed',
};
const KNOWN_STATUSES: ReadonlySet<string> = new Set(TASK_STATUSES);

export function taskFields(e: LiveEvent): TaskFields {
  const reported = str(e.data.status);
  const progress = num(e.data.progress);
  return {
    taskId: boundText(
      str(e.data.taskId, e.data.task_id) ?? fromLink(e.link, 'tasks') ?? e.channel,
      ITEM_LIMITS.name,
    ),
    title: str(e.data.title),
    status:
      reported && KNOWN_STATUSES.has(reported)
        ? (reported as TaskStatus)
        : (STATUS_BY_KIND[e.kind] ?? 'updated'),
    progress: progress === null ? null : Math.min(100, Math.max(0, progress)),
    message: str(e.data.message) ?? e.body,
  };
}

/** A stats sample from a `stats.update` event, or null when it carries no figures at all. */
export function statsSample(e: LiveEvent): StatsSample | null {
  const d = obj(e.data.sample) ?? e.data;
  const pick = (camel: string, snake: string) => num(d[camel], d[snake]);
  const totalMessages = pick('totalMessages', 'total_messages');
  const queueDepth = pick('queueDepth', 'queue_depth');
  const mps = pick('messagesPerSecond', 'messages_per_second');
  if (totalMessages === null && queueDepth === null && mps === null) return null;
  const batchThreshold = pick('batchThreshold', 'batch_threshold') ?? 0;
  return {
    endpoint: e.endpoint,
    at: num(d.at) ?? e.serverTime ?? e.receivedAt,
    totalMessages: totalMessages ?? 0,
    queueDepth: queueDepth ?? 0,
    messagesPerSecond: mps ?? 0,
    totalBatches: pick('totalBatches', 'total_batches') ?? 0,
    avgBatchSize: pick('avgBatchSize', 'avg_batch_size') ?? 0,
    batchThreshold,
    batchProgress: pick('batchProgress', 'batch_progress') ?? 0,
    batchProgressPercent: pick('batchProgressPercent', 'batch_progress_percent') ?? 0,
    batchesReady: pick('batchesReady', 'batches_ready') ?? 0,
    degraded: d.degraded === true,
  };
}

/** `{"unified-inbox": 3, …}` from an `unread.counts` event. */
export function unreadCounts(e: LiveEvent): Record<string, number> | null {
  const counts = obj(e.data.counts) ?? e.data;
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(counts)) {
    const n = num(value);
    if (n !== null) out[key] = n;
  }
  return Object.keys(out).length > 0 ? out : null;
}

export function siteStatusText(e: LiveEvent): string {
  return str(e.data.status, e.data.state) ?? e.title;
}
