/**
 * The canonical event every dialect translates its wire frames into. The bell, the live views,
 * the notification policy and the state store all speak only this.
 */
export const EVENT_KINDS = [
  'business.created',
  'business.updated',
  'reservation.created',
  'task.created',
  'task.updated',
  'task.progress',
  'task.completed',
  'task.failed',
  'task.deleted',
  'stats.update',
  'stats.batch',
  'chat.message',
  'chat.snapshot',
  'unread.counts',
  'site.status',
  'alert',
  'notification',
] as const;

export type EventKind = (typeof EVENT_KINDS)[number];

export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** JSON-safe value: events travel over IPC and into persisted state. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface LiveEvent {
  /** Stable id: the same wire event yields the same id across reconnects and replays (dedupe key). */
  id: string;
  /** Id of the configured endpoint it came from. */
  endpoint: string;
  /** Channel or subscription on that endpoint (`dashboard`, `task:42`, `chat_updates`…). */
  channel: string;
  kind: EventKind;
  severity: Severity;
  title: string;
  body: string;
  /** Server's own time in epoch ms when it gave a parsable one, else null. */
  serverTime: number | null;
  /** When Lookout received it, epoch ms. */
  receivedAt: number;
  /** Channel sequence number, for protocols that have one (lookout). */
  seq?: number;
  /** Kind-specific payload, already normalised by the dialect. */
  data: Record<string, Json>;
  /** Where clicking the event should lead in the app, e.g. `businesses/17` or `tasks/abc`. */
  link?: string;
}

/** Live throughput and queue figures, as the stats view shows them. */
export interface StatsSample {
  endpoint: string;
  at: number;
  totalMessages: number;
  queueDepth: number;
  messagesPerSecond: number;
  totalBatches: number;
  avgBatchSize: number;
  batchThreshold: number;
  batchProgress: number;
  batchProgressPercent: number;
  batchesReady: number;
  /** True when the backend is known to be degraded and these figures are not real (e.g. all zeros while Redis is down). */
  degraded: boolean;
}
