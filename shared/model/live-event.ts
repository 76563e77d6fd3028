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
  /**
   * The server's id of the event, stable across reconnects and replays, unique within one
   * endpoint, channel and `epoch`. What decides "seen before" is `eventKey` (event-identity.ts),
   * which scopes it: two endpoints, or two incarnations of one server, never collide.
   */
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
  /**
   * The incarnation of the channel's history the event belongs to (lookout: the channel's epoch,
   * which changes when the server loses its history). Ids and seqs repeat across incarnations.
   */
  epoch?: string;
  /**
   * The real-world occurrence the event reports, when the server sent it on several channels
   * (lookout: `origin`): copies with one origin are one bell row and one OS notification.
   */
  origin?: string;
  /**
   * The dialect's doubt about the figures (stats-stream: an all-zero sample, which its server also
   * sends while its Redis is down): `true` = may not be real, `false` = proves the figures real
   * again; absent = the dialect has no opinion. The core marks suspect samples degraded while the
   * backend's health probe says so.
   */
  suspect?: boolean;
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
