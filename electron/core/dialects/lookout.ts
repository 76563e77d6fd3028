import type { EndpointConfig } from '../../../shared/config/endpoint';
import type { LiveEvent } from '../../../shared/model/live-event';
import {
  SERVER_FRAME_TYPES,
  serverFrameSchema,
  type WireEvent,
} from '../../../shared/protocol/lookout-wire';
import type {
  Credentials,
  DecodeResult,
  Dialect,
  DialectCodec,
  HandshakePlan,
  ProbeVerdict,
} from './dialect';
import { fastWireEvent } from './lookout-fast-event';
import { parseObject, schemaReason, unknownType } from './wire';

/**
 * lookout: our own protocol (docs/protocol.md). The codec keeps a cursor per channel (the last
 * seq delivered) so every re-subscribe after a reconnect carries `since` and the gateway replays
 * exactly what was missed; anything at or below the cursor is a duplicate and is dropped.
 */

/** The gateway's default heartbeat; the hello carries the real one. */
const HEARTBEAT_MS = 15_000;

class LookoutCodec implements DialectCodec {
  /** channel → last seq delivered (or the head at subscribe time, so a quiet channel resumes too). */
  private readonly cursors = new Map<string, number>();

  constructor(private readonly endpoint: EndpointConfig) {}

  handshake(credentials: Credentials, baseUrl: string): HandshakePlan {
    const headers: Record<string, string> = { ...this.endpoint.headers };
    const auth = this.endpoint.auth;
    const viaQuery =
      (auth.method === 'token' || auth.method === 'password-jwt') && auth.send === 'query';
    if (!credentials.token) return { url: baseUrl, headers };
    if (viaQuery) {
      // Documented fallback for clients that cannot set headers: `?token=` (or the configured name).
      const url = new URL(baseUrl);
      url.searchParams.set(auth.queryParam, credentials.token);
      return { url: url.toString(), headers };
    }
    headers.Authorization = `Bearer ${credentials.token}`;
    return { url: baseUrl, headers };
  }

  onOpen(): string[] {
    return [];
  }

  subscribe(channel: string): string {
    const since = this.cursors.get(channel);
    return JSON.stringify(
      since === undefined ? { type: 'subscribe', channel } : { type: 'subscribe', channel, since },
    );
  }

  unsubscribe(channel: string): string {
    // Re-subscribing later starts fresh: history skipped on purpose is not replayed.
    this.cursors.delete(channel);
    return JSON.stringify({ type: 'unsubscribe', channel });
  }

  appPing(now: number): string {
    return JSON.stringify({ type: 'ping', t: now });
  }

  /** The resume cursor of a channel (tests, diagnostics). */
  cursor(channel: string): number | undefined {
    return this.cursors.get(channel);
  }

  decode(text: string, receivedAt: number): DecodeResult {
    const raw = parseObject(text);
    if (typeof raw === 'string') return { rejected: raw };
    if (
      typeof raw.type !== 'string' ||
      !(SERVER_FRAME_TYPES as readonly string[]).includes(raw.type)
    ) {
      return { rejected: unknownType(raw.type) };
    }
    if (raw.type === 'event') {
      const fast = fastWireEvent(raw);
      if (fast) return this.event(fast, receivedAt);
    }
    let parsed: ReturnType<typeof serverFrameSchema.safeParse>;
    try {
      parsed = serverFrameSchema.safeParse(raw);
    } catch {
      // `data` is validated recursively: JSON nested deeper than the stack allows ends here.
      return { rejected: 'too-deep: nested deeper than can be validated' };
    }
    if (!parsed.success) return { rejected: schemaReason(parsed.error) };
    const frame = parsed.data;
    switch (frame.type) {
      case 'hello':
        return { greeting: { serverTime: frame.serverTime, connectionId: frame.connectionId } };
      case 'subscribed':
        if (!this.cursors.has(frame.channel)) this.cursors.set(frame.channel, frame.head);
        return { acks: [{ op: 'subscribed', channel: frame.channel }] };
      case 'unsubscribed':
        return { acks: [{ op: 'unsubscribed', channel: frame.channel }] };
      case 'event':
        return this.event(frame, receivedAt);
      case 'reset':
        this.cursors.set(frame.channel, frame.head);
        return { reset: [frame.channel] };
      case 'pong':
        return { pong: { echo: frame.t } };
      case 'heartbeat':
        // Proof of life only; the session counts every accepted frame against staleness.
        return {};
      case 'error': {
        const serverError = `${frame.code}: ${frame.message}${frame.channel ? ` (${frame.channel})` : ''}`;
        // An error naming a channel refuses that channel's subscription (docs/protocol.md §4).
        return frame.channel
          ? {
              serverError,
              refused: [{ channel: frame.channel, reason: `${frame.code}: ${frame.message}` }],
            }
          : { serverError };
      }
    }
  }

  private event(frame: WireEvent, receivedAt: number): DecodeResult {
    const cursor = this.cursors.get(frame.channel);
    if (cursor !== undefined && frame.seq <= cursor) return {};
    this.cursors.set(frame.channel, frame.seq);
    const event: LiveEvent = {
      id: frame.id,
      endpoint: this.endpoint.id,
      channel: frame.channel,
      kind: frame.kind,
      severity: frame.severity,
      title: frame.title,
      body: frame.body,
      serverTime: frame.time,
      receivedAt,
      seq: frame.seq,
      data: frame.data,
    };
    if (frame.link !== undefined) event.link = frame.link;
    return { events: [event] };
  }
}

function healthVerdict(status: number, body: unknown): ProbeVerdict {
  const b = (typeof body === 'object' && body !== null ? body : {}) as {
    status?: unknown;
    reason?: unknown;
  };
  if (status === 200 && b.status === 'ok')
    return {
      ok: true,
      status: 'healthy',
      summary: 'Gateway healthy: storage reachable, event loop responsive.',
    };
  if (status === 503) {
    return {
      ok: false,
      status: 'down',
      summary: `Gateway unhealthy: ${typeof b.reason === 'string' ? b.reason : 'see /health'}.`,
    };
  }
  return { ok: false, status: 'unknown', summary: `Health answered HTTP ${status}.` };
}

function statsVerdict(status: number, body: unknown): ProbeVerdict {
  if (status !== 200 || typeof body !== 'object' || body === null) {
    return { ok: false, status: 'down', summary: `Stats answered HTTP ${status}.` };
  }
  const b = body as {
    connections?: unknown;
    subscriptions?: unknown;
    storage?: { ok?: unknown; kind?: unknown };
  };
  const storageOk = b.storage?.ok !== false;
  return {
    ok: storageOk,
    status: storageOk ? 'healthy' : 'degraded',
    summary: `${String(b.connections ?? '?')} connections, ${String(b.subscriptions ?? '?')} subscriptions, storage ${String(b.storage?.kind ?? '?')}${storageOk ? '' : ' unavailable'}.`,
  };
}

/** Our own gateway (docs/protocol.md): auth on the upgrade, rights per channel, lossless resume. */
export const lookoutDialect: Dialect = {
  id: 'lookout',
  description:
    'Lookout gateway: JWT on the upgrade, per-channel rights, sequence numbers with lossless resume.',
  liveness: {
    pingIntervalMs: 20_000,
    deadAfterMs: 3 * HEARTBEAT_MS,
    appPing: true,
    // Heartbeats and pongs prove the link (the dead-peer rule); they are not data, so they keep no
    // staleness window open. Events come when they come, and a resume replays what was missed.
    staleAfterMs: 0,
    quietAfterMs: 0,
    silence:
      'The gateway sends events when they happen; its heartbeats and our pings prove the link, and a resume replays anything missed.',
    serverKeepalive:
      'The gateway sends a WebSocket PING and a {"type":"heartbeat"} frame every 15 s and drops peers that miss a PONG; {"type":"ping","t"} is echoed in a pong for RTT.',
  },
  probes: [
    { name: 'health', path: '/health', interpret: healthVerdict },
    { name: 'stats', path: '/stats', interpret: statsVerdict },
  ],
  // The gateway reads Redis Streams, not pub/sub: no listener to probe.
  redisChannels: [],
  defaultSubscriptions: ['dashboard', 'stats'],
  create: (endpoint) => new LookoutCodec(endpoint),
};
