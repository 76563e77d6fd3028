/** The zod schema a saved model must pass on load. */
import { z } from 'zod';
import {
  TASK_STATUSES,
  type AppSnapshot,
  type EndpointLive,
  type NotificationItem,
} from '../../../shared/model/app-state';
import {
  EVENT_KINDS,
  SEVERITIES,
  type Json,
  type StatsSample,
} from '../../../shared/model/live-event';

/** Validation of a saved model on load: a file edited by hand or by another program is caught here. */

const json: z.ZodType<Json> = z.lazy(() =>
  z.union([
    z.null(),
    z.boolean(),
    z.number(),
    z.string(),
    z.array(json),
    z.record(z.string(), json),
  ]),
);
const data = z.record(z.string(), json);
const kind = z.enum(EVENT_KINDS);
const severity = z.enum(SEVERITIES);

const notification: z.ZodType<NotificationItem> = z.object({
  id: z.string(),
  endpoint: z.string(),
  kind,
  severity,
  title: z.string(),
  body: z.string(),
  at: z.number(),
  link: z.string().optional(),
  read: z.boolean(),
  channels: z.array(z.string()).optional(),
});

const stats: z.ZodType<StatsSample> = z.object({
  endpoint: z.string(),
  at: z.number(),
  totalMessages: z.number(),
  queueDepth: z.number(),
  messagesPerSecond: z.number(),
  totalBatches: z.number(),
  avgBatchSize: z.number(),
  batchThreshold: z.number(),
  batchProgress: z.number(),
  batchProgressPercent: z.number(),
  batchesReady: z.number(),
  degraded: z.boolean(),
});

const endpointLive: z.ZodType<EndpointLive> = z.object({
  stats: stats.nullable(),
  statsHistory: z.array(stats),
  unreadCounts: z.record(z.string(), z.number()).nullable(),
  siteStatus: z
    .object({ status: z.string(), severity, detail: z.string(), at: z.number() })
    .nullable(),
});

const count = z.number().int().min(1).max(1_000_000);

export const appSnapshotSchema: z.ZodType<AppSnapshot> = z.object({
  limits: z.object({
    notifications: count,
    businesses: count,
    reservations: count,
    tasks: count,
    statsHistory: count,
  }),
  notifications: z.array(notification),
  unread: z.number().int().min(0),
  businesses: z.array(
    z.object({
      key: z.string(),
      endpoint: z.string(),
      businessId: z.string(),
      name: z.string(),
      lastKind: z.enum(['business.created', 'business.updated']),
      updatedAt: z.number(),
      data,
      dataTruncated: z.literal(true).optional(),
    }),
  ),
  reservations: z.array(
    z.object({
      id: z.string(),
      endpoint: z.string(),
      businessName: z.string(),
      title: z.string(),
      at: z.number(),
      data,
      dataTruncated: z.literal(true).optional(),
    }),
  ),
  tasks: z.array(
    z.object({
      key: z.string(),
      endpoint: z.string(),
      taskId: z.string(),
      title: z.string(),
      named: z.literal(true).optional(),
      status: z.enum(TASK_STATUSES),
      progress: z.number().nullable(),
      message: z.string(),
      updatedAt: z.number(),
    }),
  ),
  endpoints: z.record(z.string(), endpointLive),
});
