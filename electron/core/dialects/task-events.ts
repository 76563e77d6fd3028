import { z } from 'zod';
import type { EndpointConfig } from '../../../shared/config/endpoint';
import type { EventKind } from '../../../shared/model/live-event';
import { completeCodec } from './dialect';
import type { CodecParts, DecodeResult, Dialect, HandshakePlan, ProbeVerdict } from './dialect';
import type { Credentials } from '../kernel/ports';
import { stableEventId } from './event-id';
import { parseServerTime } from './timestamps';
import { clip, linkPart, parseObject, schemaReason, unknownType } from './wire';

/**
 * task-events: per-user task events (PROTOCOLS.md §3). The user is chosen by the `user_id`
 * query parameter (`endpoint.params.userId`); the token travels in the query and is read but not
 * verified. The server pushes only when a task changes, so silence is normal (no staleness
 * alarm); it has no PING of its own but answers `{"type":"ping"}`.
 */

const EVENT_KINDS: Readonly<Record<string, EventKind>> = {
  'task.created': 'task.created',
  'task.updated': 'task.updated',
  'task.completed': 'task.completed',
  'task.deleted': 'task.deleted',
};

const VERBS: Readonly<Record<string, string>> = {
  'task.created': 'created',
  'task.updated': 'updated',
  'task.completed': 'completed',
  'task.deleted': 'deleted',
};

const id = z.union([z.string(), z.number()]).transform(String);
const taskUpdateSchema = z.object({
  event: z.object({
    event_type: z.string(),
    user_id: id.optional(),
    task_id: id,
    title: z.string().optional(),
    timestamp: z.string().optional(),
  }),
  timestamp: z.string().optional(),
});

class TaskEventsCodec implements CodecParts {
  private readonly userId: string | undefined;
  constructor(private readonly endpoint: EndpointConfig) {
    this.userId = endpoint.params.userId || undefined;
  }

  handshake(credentials: Credentials, baseUrl: string): HandshakePlan {
    const url = new URL(baseUrl);
    // Without user_id the server accepts and closes 1000 at once; the close override explains it.
    if (this.userId) url.searchParams.set('user_id', this.userId);
    if (credentials.token) url.searchParams.set('token', credentials.token);
    return { url: url.toString(), headers: { ...this.endpoint.headers } };
  }
  appPing(): string {
    return '{"type":"ping"}';
  }

  // No subscribe: subscription is by URL (the user), not by message.
  decode(text: string, receivedAt: number): DecodeResult {
    const frame = parseObject(text);
    if (typeof frame === 'string') return { rejected: frame };
    switch (frame.type) {
      case 'connected': {
        const time = parseServerTime(frame.timestamp);
        return { greeting: time ? { serverTime: time.ms } : {} };
      }
      case 'pong':
        return { pong: {} };
      case 'task_update':
        return this.taskUpdate(frame, receivedAt);
      default:
        return { rejected: unknownType(frame.type) };
    }
  }

  private taskUpdate(frame: Record<string, unknown>, receivedAt: number): DecodeResult {
    const parsed = taskUpdateSchema.safeParse(frame);
    if (!parsed.success) return { rejected: schemaReason(parsed.error) };
    const e = parsed.data.event;
    const kind = EVENT_KINDS[e.event_type];
    if (!kind) return { rejected: `unknown-type: ${clip(e.event_type, 60)}` };
    const stamp = e.timestamp ?? parsed.data.timestamp;
    const time = parseServerTime(stamp);
    const name = e.title ? `“${clip(e.title, 80)}”` : `#${clip(e.task_id, 40)}`;
    const verb = VERBS[e.event_type] ?? 'changed';
    const userId = e.user_id ?? this.userId ?? '';
    return {
      events: [
        {
          id: stableEventId(kind, [this.endpoint.id, e.task_id, stamp ?? JSON.stringify(e)]),
          endpoint: this.endpoint.id,
          channel: `user:${userId}`,
          kind,
          severity: 'info',
          title: `Task ${name} ${verb}`,
          body: `Task ${name} was ${verb}${userId ? ` for user ${clip(userId, 40)}` : ''}.`,
          serverTime: time?.ms ?? null,
          receivedAt,
          data: {
            taskId: e.task_id,
            title: e.title ?? null,
            userId,
            eventType: e.event_type,
          },
          link: `tasks/${linkPart(e.task_id)}`,
        },
      ],
    };
  }
}

function healthVerdict(status: number, body: unknown): ProbeVerdict {
  if (status !== 200)
    return { ok: false, status: 'down', summary: `Health check answered HTTP ${status}.` };
  const users =
    typeof body === 'object' && body !== null && 'connections' in body
      ? Number((body as { connections: unknown }).connections)
      : NaN;
  return {
    ok: true,
    status: 'healthy',
    // `connections` counts distinct users, not sockets (PROTOCOLS.md §3).
    summary: Number.isFinite(users) ? `Healthy, ${users} users connected.` : 'Healthy.',
  };
}

function statsVerdict(status: number, body: unknown): ProbeVerdict {
  if (status !== 200 || typeof body !== 'object' || body === null) {
    return { ok: false, status: 'down', summary: `Stats answered HTTP ${status}.` };
  }
  const b = body as { total_users?: unknown; total_connections?: unknown };
  return {
    ok: true,
    status: 'healthy',
    summary: `${String(b.total_connections ?? '?')} sockets for ${String(b.total_users ?? '?')} users.`,
  };
}

/** task-events per-user task feed (PROTOCOLS.md §3). */
export const taskEventsDialect: Dialect = {
  id: 'task-events',
  description: 'Per-user task events (created, updated, completed, deleted); needs params.userId.',
  liveness: {
    pingIntervalMs: 25_000,
    deadAfterMs: 60_000,
    appPing: true,
    // It may say nothing for hours: silence is not a fault here.
    staleAfterMs: 0,
    quietAfterMs: 0,
    silence:
      'task-events speaks only when one of your tasks changes: silence is normal, for hours.',
    serverKeepalive:
      'The server sends no PING and has no idle timeout; {"type":"ping"} gets {"type":"pong"}.',
  },
  closeOverrides: {
    1000: {
      name: 'Closed: missing user_id',
      meaning:
        'task-events closes at once with 1000 and no reason when the URL has no user_id (or after a frame that is not a JSON object): set params.userId on this endpoint.',
      action: 'stop',
    },
  },
  probes: [
    { name: 'health', path: '/health', interpret: healthVerdict },
    { name: 'stats', path: '/stats', interpret: statsVerdict },
  ],
  // Fed by Dapr over HTTP, not by a Redis listener: nothing to probe there.
  redisChannels: [],
  defaultSubscriptions: [],
  create: (endpoint) => completeCodec(new TaskEventsCodec(endpoint)),
};
