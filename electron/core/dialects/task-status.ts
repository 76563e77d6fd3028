import { z } from 'zod';
import type { EndpointConfig } from '../../../shared/config/endpoint';
import type { EventKind, Severity } from '../../../shared/model/live-event';
import { completeCodec } from './dialect';
import type { CodecParts, DecodeResult, Dialect, HandshakePlan, ProbeVerdict } from './dialect';
import type { Credentials } from '../kernel/ports';
import { stableEventId } from './event-id';
import { clip, linkPart, parseObject, schemaReason, unknownType } from './wire';

/**
 * task-status: task progress by id (PROTOCOLS.md §4). No greeting (the client speaks first),
 * no app ping; the channels are task ids chosen by the user at run time. `status_update` drives
 * a progress bar; completed and failed are notify-worthy.
 */

const taskId = z.union([z.string(), z.number()]).transform(String);
const ackSchema = z.object({ task_id: taskId });
const statusSchema = z.object({
  task_id: taskId,
  data: z.object({
    status: z.string(),
    progress: z.number().finite().optional(),
    message: z.string().optional(),
  }),
});

function kindOf(status: string): { kind: EventKind; severity: Severity } {
  if (status === 'completed') return { kind: 'task.completed', severity: 'info' };
  if (status === 'failed') return { kind: 'task.failed', severity: 'warning' };
  return { kind: 'task.progress', severity: 'info' };
}

/** Statuses after which a task says nothing more: its silence is then normal. */
const FINAL_STATUSES = new Set(['completed', 'failed']);

class TaskStatusCodec implements CodecParts {
  /** Last status seen per task id (bounded by the subscriptions, at most 500). */
  private readonly lastStatus = new Map<string, string>();
  constructor(private readonly endpoint: EndpointConfig) {}

  /** Idle when no watched task can still be moving: none watched, or all of them finished. */
  idle(subscriptions: readonly string[]): boolean {
    return subscriptions.every((t) => FINAL_STATUSES.has(this.lastStatus.get(t) ?? ''));
  }

  handshake(_credentials: Credentials, baseUrl: string): HandshakePlan {
    return { url: baseUrl, headers: { ...this.endpoint.headers } };
  }
  subscribe(channel: string): string {
    return JSON.stringify({ type: 'subscribe', task_id: channel });
  }
  unsubscribe(channel: string): string {
    return JSON.stringify({ type: 'unsubscribe', task_id: channel });
  }

  // No appPing: `{"type":"ping"}` is an error here ("Required: type, task_id"); liveness uses WS PINGs.
  decode(text: string, receivedAt: number): DecodeResult {
    const frame = parseObject(text);
    if (typeof frame === 'string') return { rejected: frame };
    switch (frame.type) {
      case 'subscribed':
      case 'unsubscribed': {
        const ack = ackSchema.safeParse(frame);
        if (!ack.success) return { rejected: schemaReason(ack.error) };
        return { acks: [{ op: frame.type, channel: ack.data.task_id }] };
      }
      case 'error':
        return { serverError: typeof frame.error === 'string' ? frame.error : 'error' };
      case 'status_update':
        return this.status(frame, text, receivedAt);
      default:
        return { rejected: unknownType(frame.type) };
    }
  }

  private status(frame: Record<string, unknown>, text: string, receivedAt: number): DecodeResult {
    const parsed = statusSchema.safeParse(frame);
    if (!parsed.success) return { rejected: schemaReason(parsed.error) };
    const t = parsed.data.task_id;
    const { status, message = '' } = parsed.data.data;
    const progress = Math.max(0, Math.min(100, parsed.data.data.progress ?? 0));
    if (this.lastStatus.size < 500 || this.lastStatus.has(t)) this.lastStatus.set(t, status);
    const { kind, severity } = kindOf(status);
    const name = clip(t, 40);
    const title =
      kind === 'task.completed'
        ? `Task ${name} completed`
        : kind === 'task.failed'
          ? `Task ${name} failed`
          : `Task ${name} ${clip(status, 30)} (${progress}%)`;
    return {
      events: [
        {
          // No server time on the wire: the content identifies the update (a repeat is the same state).
          id: stableEventId(kind, [this.endpoint.id, t, text]),
          endpoint: this.endpoint.id,
          channel: t,
          kind,
          severity,
          title,
          body: message ? clip(message, 300) : `Status ${clip(status, 30)}, ${progress}% done.`,
          serverTime: null,
          receivedAt,
          data: { taskId: t, status, progress, message },
          link: `tasks/${linkPart(t)}`,
        },
      ],
    };
  }
}

function statsVerdict(status: number, body: unknown): ProbeVerdict {
  if (status !== 200 || typeof body !== 'object' || body === null) {
    return { ok: false, status: 'down', summary: `/ws/stats answered HTTP ${status}.` };
  }
  const b = body as { total_connections?: unknown; tasks_with_subscribers?: unknown };
  return {
    ok: true,
    status: 'healthy',
    summary: `${String(b.total_connections ?? '?')} connections, ${String(b.tasks_with_subscribers ?? '?')} tasks watched.`,
  };
}

function healthVerdict(status: number): ProbeVerdict {
  if (status === 200) return { ok: true, status: 'healthy', summary: 'Healthy.' };
  // Broken upstream: it always answers 500, so its answer proves nothing (PROTOCOLS.md §4).
  return {
    ok: true,
    status: 'unknown',
    summary: `/health answered HTTP ${status}; it is broken upstream and always fails, so this says nothing. Use /ws/stats.`,
  };
}

/** task-status progress feed (PROTOCOLS.md §4). */
export const taskStatusDialect: Dialect = {
  id: 'task-status',
  description: 'Task progress by id: subscribe to task ids and follow their progress (no auth).',
  liveness: {
    pingIntervalMs: 20_000,
    deadAfterMs: 45_000,
    appPing: false,
    // Frames come only while a watched task moves; reconnecting cures no deaf listener.
    staleAfterMs: 0,
    // A watched task that is still running and silent this long cannot be proven to be delivering.
    quietAfterMs: 5 * 60_000,
    silence:
      'task-status speaks only while a watched task moves: silence is normal when no watched task is running, and unproven when one is.',
    serverKeepalive:
      'uvicorn sends a PING every 20 s and closes 1011 "keepalive ping timeout" without a PONG; no app-level ping.',
  },
  closeOverrides: {
    1011: {
      name: 'Keepalive timeout',
      meaning:
        'task-status (uvicorn) sent a PING that got no PONG within 20 s and closed the connection.',
      action: 'back-off',
    },
  },
  handshakeOverrides: {
    403: {
      name: 'Wrong path',
      meaning:
        'task-status refuses WebSocket paths other than /ws with 403: check the endpoint URL.',
      action: 'stop',
    },
  },
  probes: [
    { name: 'stats', path: '/ws/stats', interpret: statsVerdict },
    { name: 'health', path: '/health', interpret: healthVerdict },
  ],
  // Its listener subscribes once at start and never again after a Redis outage.
  redisChannels: ['task_status_updates'],
  defaultSubscriptions: [],
  // Every subscription is a task id, verbatim (`{"type":"subscribe","task_id":T}`).
  tasks: { taskChannel: (taskId) => taskId, taskIdOf: (channel) => channel },
  create: (endpoint) => completeCodec(new TaskStatusCodec(endpoint)),
};
