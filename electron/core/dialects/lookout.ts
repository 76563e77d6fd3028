import type { EndpointConfig } from '../../../shared/config/endpoint';
import type { ChannelReset, DropReason } from '../../../shared/model/connection';
import type { LiveEvent } from '../../../shared/model/live-event';
import {
  EPOCHS_SINCE_VERSION,
  SERVER_FRAME_TYPES,
  serverFrameSchema,
} from '../../../shared/protocol/lookout-wire';
import { completeCodec } from './dialect';
import type { CodecParts, DecodeResult, Dialect, HandshakePlan, ProbeVerdict } from './dialect';
import type { Credentials } from '../kernel/ports';
import { isPlainEventFrame, type PlainEventFrame } from './lookout-fast-event';
import { parseObject, schemaReason, unknownType } from './wire';

/**
 * lookout: our own protocol (docs/protocol.md). The codec keeps, per channel, where it is: the
 * last seq delivered and the epoch (incarnation of the channel's history) it belongs to. Every
 * re-subscribe after a reconnect carries both, so the gateway replays exactly what was missed, or
 * says the history is gone (`reset`). The codec checks the stream as the protocol promises it:
 * an event at or below the cursor, or of an epoch the channel left, is a copy and is dropped; an
 * event after a gap means the stream broke, so it is dropped and the channel re-subscribed from
 * the cursor (it comes again, in order). Every drop is reported, never silent.
 */

/** The gateway's default heartbeat; the hello carries the real one. */
const HEARTBEAT_MS = 15_000;

interface Position {
  /** Last seq delivered (or the head at subscribe time, so a quiet channel resumes too). */
  seq: number | undefined;
  /** The server's epoch `seq` belongs to (protocol 2). */
  epoch: string | undefined;
  /**
   * Our own name for the incarnation when the gateway has no epochs (protocol 1) and said its
   * history was lost: keeps ids of the new history apart from the old ones in the dedupe.
   */
  local: string | undefined;
  /** A re-subscribe for a gap is on its way: do not send another until it is acknowledged. */
  resyncing: boolean;
}

class LookoutCodec implements CodecParts {
  private readonly positions = new Map<string, Position>();
  /** False once a hello said protocol 1: `subscribe.epoch` would be refused there. */
  private epochs = true;

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

  subscribe(channel: string): string {
    const at = this.positions.get(channel);
    const frame: Record<string, unknown> = { type: 'subscribe', channel };
    if (at?.seq !== undefined) {
      frame.since = at.seq;
      if (this.epochs && at.epoch !== undefined) frame.epoch = at.epoch;
    }
    return JSON.stringify(frame);
  }

  unsubscribe(channel: string): string {
    // Re-subscribing later starts fresh: history skipped on purpose is not replayed.
    this.positions.delete(channel);
    return JSON.stringify({ type: 'unsubscribe', channel });
  }

  appPing(now: number): string {
    return JSON.stringify({ type: 'ping', t: now });
  }

  /** The resume cursor of a channel (tests, diagnostics). */
  cursor(channel: string): number | undefined {
    return this.positions.get(channel)?.seq;
  }

  resumePoint(channel: string): { seq: number; epoch: string | null } | null {
    const at = this.positions.get(channel);
    return at?.seq === undefined ? null : { seq: at.seq, epoch: at.epoch ?? null };
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
    // The common frame, checked field by field and read in place (no zod result, no copy).
    if (raw.type === 'event' && isPlainEventFrame(raw)) return this.event(raw, receivedAt);
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
        return this.hello(frame.protocol, frame.serverTime, frame.connectionId);
      case 'subscribed':
        return this.subscribed(frame.channel, frame.head, frame.epoch, receivedAt);
      case 'unsubscribed':
        return { acks: [{ op: 'unsubscribed', channel: frame.channel }] };
      case 'event':
        return this.event(frame, receivedAt);
      case 'reset':
        return this.reset(frame.channel, frame.head, frame.epoch, frame.reason, receivedAt);
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

  private position(channel: string): Position {
    let at = this.positions.get(channel);
    if (!at) {
      at = { seq: undefined, epoch: undefined, local: undefined, resyncing: false };
      this.positions.set(channel, at);
    }
    return at;
  }

  /**
   * A protocol-1 gateway refuses `subscribe.epoch` (its subscribe frames are strict): forget the
   * epochs and subscribe again without them, where the frames already sent carried one.
   */
  private hello(protocol: number, serverTime: number, connectionId: string): DecodeResult {
    const greeting = { serverTime, connectionId };
    this.epochs = protocol >= EPOCHS_SINCE_VERSION;
    if (this.epochs) return { greeting };
    const resubscribe: string[] = [];
    for (const [channel, at] of this.positions) {
      if (at.epoch === undefined) continue;
      if (at.seq !== undefined) resubscribe.push(channel);
      at.epoch = undefined;
    }
    return resubscribe.length ? { greeting, resubscribe } : { greeting };
  }

  private subscribed(
    channel: string,
    head: number,
    epoch: string | undefined,
    receivedAt: number,
  ): DecodeResult {
    const at = this.position(channel);
    const acks = [{ op: 'subscribed' as const, channel }];
    at.resyncing = false;
    if (at.seq === undefined) {
      at.seq = head;
      at.epoch = epoch;
      return { acks };
    }
    if (epoch !== undefined && at.epoch !== undefined && epoch !== at.epoch) {
      // Another history without a `reset` first (a gateway not keeping the protocol): the same
      // conclusion a reset would give, so nothing of the old epoch is taken for the new one.
      const result = this.reset(channel, head, epoch, 'new-epoch', receivedAt);
      return { ...result, acks };
    }
    at.epoch ??= epoch;
    return { acks };
  }

  private reset(
    channel: string,
    head: number,
    epoch: string | undefined,
    reason: string | undefined,
    receivedAt: number,
  ): DecodeResult {
    const at = this.position(channel);
    const cause = reason === 'too-old' ? 'too-old' : 'history-lost';
    const left = at.epoch ?? at.local;
    at.seq = head;
    at.epoch = epoch;
    // Without server epochs, the new history still needs ids apart from the old one's.
    at.local = epoch === undefined && cause === 'history-lost' ? `local-${receivedAt}` : undefined;
    at.resyncing = false;
    const notice: ChannelReset = { channel, cause };
    if (left !== undefined) notice.leftEpoch = left;
    return { reset: [notice] };
  }

  private event(frame: PlainEventFrame, receivedAt: number): DecodeResult {
    const at = this.position(frame.channel);
    if (frame.epoch !== undefined && at.epoch !== undefined && frame.epoch !== at.epoch) {
      // Not the epoch this channel is in: never taken for an event of it. Re-subscribing makes
      // the gateway say where the channel stands (a reset when its history started over).
      return this.drop(frame.channel, 'old-epoch', at);
    }
    if (at.seq !== undefined && frame.seq <= at.seq)
      return { dropped: [{ channel: frame.channel, reason: 'already-delivered' }] };
    if (at.seq !== undefined && frame.seq > at.seq + 1) {
      // The gateway never leaves a gap on a connection: this stream broke. Taking the event
      // would move the cursor past the missing ones for good.
      return this.drop(frame.channel, 'gap', at);
    }
    at.seq = frame.seq;
    at.epoch ??= frame.epoch;
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
    const epoch = frame.epoch ?? at.epoch ?? at.local;
    if (epoch !== undefined) event.epoch = epoch;
    if (frame.origin !== undefined) event.origin = frame.origin;
    if (frame.link !== undefined) event.link = frame.link;
    return { events: [event] };
  }

  /** Drop an event that does not continue the channel and re-subscribe from the cursor (once). */
  private drop(channel: string, reason: DropReason, at: Position): DecodeResult {
    const dropped = [{ channel, reason }];
    if (at.resyncing) return { dropped };
    at.resyncing = true;
    return { dropped, resubscribe: [channel] };
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
  // One task's own channel; `tasks:<user>` (a user's whole list) is not a watched task.
  tasks: {
    taskChannel: (taskId) => `task:${taskId}`,
    taskIdOf: (channel) => (channel.startsWith('task:') ? channel.slice('task:'.length) : null),
  },
  create: (endpoint) => completeCodec(new LookoutCodec(endpoint)),
};
