import { z } from 'zod';
import type { EndpointConfig } from '../../../shared/config/endpoint';
import { completeCodec } from './dialect';
import type { CodecParts, DecodeResult, Dialect, HandshakePlan, ProbeVerdict } from './dialect';
import type { Credentials } from '../kernel/ports';
import { stableEventId } from './event-id';
import { parseServerTime } from './timestamps';
import { parseObject, schemaReason, unknownType } from './wire';

/**
 * stats-stream: the ingestion metrics stream (PROTOCOLS.md §2). The server never reads the
 * socket, sends `stats_update` about every 0.6 s and pushes `batch_persisted` at most once per
 * tick.
 *
 * Degraded detection is split on purpose: while its Redis is down the server keeps sending the
 * same shape with all zeros, which looks exactly like an idle system. This codec cannot see HTTP,
 * so it only marks such samples `suspect: true` (and `degraded: false`); the session/probe
 * layer combines that with the `/health` probe (503 = `degraded`) and reports "backend degraded"
 * instead of showing zeros as real figures.
 */

const num = z.number().finite();
const statsSchema = z.object({
  total_messages: num,
  queue_depth: num,
  messages_per_second: num,
  total_batches: num,
  avg_batch_size: num,
  batch_threshold: num,
  batch_progress: num,
  batch_progress_percent: num,
  batches_ready: num,
});

const batchSchema = z.object({
  batch_id: z.string(),
  batch_size: num,
  ids: z.array(z.unknown()).optional(),
  worker_timestamp: z.string().optional(),
});

/** Channel name the stats events are reported on (the server has no channels). */
export const STATS_CHANNEL = 'stats';

class StatsStreamCodec implements CodecParts {
  constructor(private readonly endpoint: EndpointConfig) {}

  handshake(_credentials: Credentials, baseUrl: string): HandshakePlan {
    return { url: baseUrl, headers: { ...this.endpoint.headers } };
  }

  // No onOpen, subscribe or appPing: the server never reads the socket.
  decode(text: string, receivedAt: number): DecodeResult {
    const frame = parseObject(text);
    if (typeof frame === 'string') return { rejected: frame };
    if (frame.type === 'stats_update') return this.stats(frame, receivedAt);
    if (frame.type === 'batch_persisted') return this.batch(frame, text, receivedAt);
    return { rejected: unknownType(frame.type) };
  }

  private stats(frame: Record<string, unknown>, receivedAt: number): DecodeResult {
    const parsed = statsSchema.safeParse(frame);
    if (!parsed.success) return { rejected: schemaReason(parsed.error) };
    const s = parsed.data;
    const suspectZero =
      s.total_messages === 0 &&
      s.queue_depth === 0 &&
      s.messages_per_second === 0 &&
      s.total_batches === 0 &&
      s.avg_batch_size === 0 &&
      s.batch_progress === 0 &&
      s.batches_ready === 0;
    return {
      events: [
        {
          // No server time or sequence: each sample is its own event.
          id: stableEventId('stats.update', [this.endpoint.id, receivedAt, figuresKey(s)]),
          endpoint: this.endpoint.id,
          channel: STATS_CHANNEL,
          kind: 'stats.update',
          severity: 'info',
          title: 'Live stats',
          body: suspectZero
            ? 'All figures are zero (idle, or its Redis is down: see the health probe).'
            : `${s.messages_per_second} msg/s, queue ${s.queue_depth}, batch ${s.batch_progress}/${s.batch_threshold} (${s.batch_progress_percent}%).`,
          serverTime: null,
          receivedAt,
          data: {
            totalMessages: s.total_messages,
            queueDepth: s.queue_depth,
            messagesPerSecond: s.messages_per_second,
            totalBatches: s.total_batches,
            avgBatchSize: s.avg_batch_size,
            batchThreshold: s.batch_threshold,
            batchProgress: s.batch_progress,
            batchProgressPercent: s.batch_progress_percent,
            batchesReady: s.batches_ready,
            degraded: false,
          },
          suspect: suspectZero,
        },
      ],
    };
  }

  private batch(frame: Record<string, unknown>, text: string, receivedAt: number): DecodeResult {
    const parsed = batchSchema.safeParse(frame);
    if (!parsed.success) return { rejected: schemaReason(parsed.error) };
    const b = parsed.data;
    const time = parseServerTime(b.worker_timestamp);
    return {
      events: [
        {
          id: stableEventId('stats.batch', [
            this.endpoint.id,
            b.batch_id,
            b.worker_timestamp ?? text,
          ]),
          endpoint: this.endpoint.id,
          channel: STATS_CHANNEL,
          kind: 'stats.batch',
          severity: 'info',
          title: `Batch ${b.batch_id.slice(0, 16)} persisted`,
          body: `${b.batch_size} messages were written to the database.`,
          serverTime: time?.ms ?? null,
          receivedAt,
          data: {
            batchId: b.batch_id,
            batchSize: b.batch_size,
            ids: b.ids?.length ?? 0,
            approximateTime: time?.approximate ?? false,
          },
        },
      ],
    };
  }
}

// Samples repeat every 0.6 s; the figures plus receive time keep ids distinct without hashing the whole frame.
function figuresKey(s: z.infer<typeof statsSchema>): string {
  return `${s.total_messages}/${s.total_batches}/${s.queue_depth}/${s.batch_progress}`;
}

function healthVerdict(status: number, body: unknown): ProbeVerdict {
  const detail =
    typeof body === 'object' && body !== null && 'detail' in body
      ? String((body as { detail: unknown }).detail).slice(0, 120)
      : '';
  if (status === 503) {
    return {
      ok: false,
      status: 'degraded',
      summary: `Backend degraded: its Redis is unreachable${detail ? ` (${detail})` : ''}; live stats show zeros that are not real.`,
    };
  }
  if (status === 200) {
    const queue =
      typeof body === 'object' && body !== null && 'queue_length' in body
        ? ` queue ${String((body as { queue_length: unknown }).queue_length)}`
        : '';
    return {
      ok: true,
      status: 'healthy',
      summary: `Healthy, Redis connected,${queue || ' queue unknown'}.`,
    };
  }
  return { ok: false, status: 'down', summary: `Health check answered HTTP ${status}.` };
}

/** stats-stream ingestion metrics (PROTOCOLS.md §2). */
export const statsStreamDialect: Dialect = {
  id: 'stats-stream',
  description:
    'Ingestion metrics stream: throughput, queue depth and batches every 0.6 s (no auth).',
  liveness: {
    // Our WS PINGs (uvicorn answers them); the server has no app ping and never reads frames.
    pingIntervalMs: 15_000,
    deadAfterMs: 20_000,
    appPing: false,
    // A stats frame every ~0.6 s: a few seconds without one means the stream stalled.
    staleAfterMs: 3_000,
    quietAfterMs: 3_000,
    silence: 'stats-stream sends stats every 0.6 s: a silence of seconds means the stream stalled.',
    serverKeepalive:
      'uvicorn sends a PING every 20 s and closes 1011 "keepalive ping timeout" without a PONG; stats arrive every 0.6 s.',
  },
  closeOverrides: {
    1011: {
      name: 'Keepalive timeout',
      meaning:
        'stats-stream (uvicorn) sent a PING that got no PONG within 20 s and closed the connection.',
      action: 'back-off',
    },
  },
  handshakeOverrides: {
    403: {
      name: 'Wrong path',
      meaning:
        'stats-stream refuses WebSocket paths other than /ws/stats with 403: check the endpoint URL.',
      action: 'stop',
    },
  },
  probes: [{ name: 'health', path: '/health', interpret: healthVerdict }],
  // It re-subscribes by itself when Redis returns and shows an outage as zeros with /health 503,
  // so it never goes deaf: nothing for the Redis probe to count.
  redisChannels: [],
  defaultSubscriptions: [],
  create: (endpoint) => completeCodec(new StatsStreamCodec(endpoint)),
};
