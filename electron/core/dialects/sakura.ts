import { z } from 'zod';
import type { EndpointConfig } from '../../../shared/config/endpoint';
import type { Json, LiveEvent } from '../../../shared/model/live-event';
import { completeCodec } from './dialect';
import type { CodecParts, DecodeResult, Dialect, HandshakePlan, ProbeVerdict } from './dialect';
import type { Credentials } from '../kernel/ports';
import { stableEventId } from './event-id';
import { parseServerTime } from './timestamps';
import { clip, linkPart, parseObject, primitives, schemaReason, textOf, unknownType } from './wire';

/**
 * sakura: the chat dashboard microservice (PROTOCOLS.md §1). Client frames use `action`, not
 * `type`; Redis payloads are forwarded verbatim, so a data frame is recognised by its
 * subscription type or, when it has no usable `type`, by its shape. Snapshots update state
 * quietly (`chat.snapshot`, `unread.counts`); only single chat messages are notify-worthy.
 */

export const SAKURA_CHANNELS = ['chat_updates', 'unread_counts', 'website_status'] as const;
type SakuraChannel = (typeof SAKURA_CHANNELS)[number];

const chatMessageSchema = z.object({
  chat_id: z.union([z.string(), z.number()]),
  message_role: z.string().optional(),
  timestamp: z.string().optional(),
});

// Snapshots can hold 100 users with their chats: only the outer shape is checked here and the
// summary walks the array once, tolerating odd entries, instead of validating every field.
const chatSnapshotSchema = z.object({
  users: z.array(z.unknown()),
  timestamp: z.unknown().optional(),
});
const unreadSchema = z.object({
  counts: z.record(z.string(), z.unknown()),
  timestamp: z.unknown().optional(),
});
const subscriptionAckSchema = z.object({ subscription_type: z.string() });

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isSakuraChannel(v: unknown): v is SakuraChannel {
  return v === 'chat_updates' || v === 'unread_counts' || v === 'website_status';
}

/** Guess the subscription of a verbatim payload without a usable `type`, from its shape. */
function channelByShape(data: unknown): SakuraChannel | null {
  if (!isObject(data)) return null;
  if (Array.isArray(data.users) || data.type === 'chat_message_notification' || 'chat_id' in data) {
    return 'chat_updates';
  }
  if (isObject(data.counts)) return 'unread_counts';
  return null;
}

interface Ctx {
  endpoint: string;
  raw: string;
  receivedAt: number;
}

function chatEvents(ctx: Ctx, data: unknown): DecodeResult {
  if (isObject(data) && Array.isArray(data.users)) return snapshotEvent(ctx, data);
  const parsed = chatMessageSchema.safeParse(data);
  if (!parsed.success) return { rejected: schemaReason(parsed.error) };
  const msg = parsed.data;
  const chatId = String(msg.chat_id);
  const role = msg.message_role ?? 'user';
  const time = parseServerTime(msg.timestamp);
  const fromAssistant = role === 'assistant';
  const event: LiveEvent = {
    id: stableEventId('chat.message', [ctx.endpoint, chatId, role, msg.timestamp ?? ctx.raw]),
    endpoint: ctx.endpoint,
    channel: 'chat_updates',
    kind: 'chat.message',
    severity: 'info',
    title: fromAssistant ? 'Assistant replied in a chat' : 'New chat message',
    body: fromAssistant
      ? `The assistant answered in chat ${clip(chatId, 60)}.`
      : `A customer wrote in chat ${clip(chatId, 60)}.`,
    serverTime: time?.ms ?? null,
    receivedAt: ctx.receivedAt,
    data: {
      ...primitives(data as Record<string, unknown>),
      chatId,
      role,
      approximateTime: time?.approximate ?? false,
    },
    link: `chats/${linkPart(chatId)}`,
  };
  return { events: [event] };
}

function snapshotEvent(ctx: Ctx, data: Record<string, unknown>): DecodeResult {
  const parsed = chatSnapshotSchema.safeParse(data);
  if (!parsed.success) return { rejected: schemaReason(parsed.error) };
  let chats = 0;
  let activeChats = 0;
  let messages = 0;
  const users = parsed.data.users;
  for (const user of users) {
    if (!isObject(user) || !Array.isArray(user.chats)) continue;
    chats += user.chats.length;
    for (const chat of user.chats) {
      if (!isObject(chat)) continue;
      if (chat.status === 'active') activeChats++;
      if (Array.isArray(chat.messages)) messages += chat.messages.length;
    }
  }
  // Snapshot times are the server's local time (PROTOCOLS.md): always approximate.
  const time = parseServerTime(parsed.data.timestamp);
  return {
    events: [
      {
        id: stableEventId('chat.snapshot', [
          ctx.endpoint,
          parsed.data.timestamp === undefined
            ? String(ctx.receivedAt)
            : textOf(parsed.data.timestamp),
        ]),
        endpoint: ctx.endpoint,
        channel: 'chat_updates',
        kind: 'chat.snapshot',
        severity: 'info',
        title: 'Chat overview updated',
        body: `${users.length} users, ${chats} chats (${activeChats} active).`,
        serverTime: time?.ms ?? null,
        receivedAt: ctx.receivedAt,
        data: { users: users.length, chats, activeChats, messages, approximateTime: true },
      },
    ],
  };
}

function unreadEvent(ctx: Ctx, data: unknown): DecodeResult {
  const parsed = unreadSchema.safeParse(data);
  if (!parsed.success) return { rejected: schemaReason(parsed.error) };
  const counts: Record<string, Json> = {};
  let total = 0;
  const parts: string[] = [];
  for (const [inbox, n] of Object.entries(parsed.data.counts)) {
    if (typeof n !== 'number' || !Number.isFinite(n)) continue;
    counts[inbox] = n;
    total += n;
    if (parts.length < 4) parts.push(`${inbox} ${n}`);
  }
  const time = parseServerTime(parsed.data.timestamp);
  return {
    events: [
      {
        id: stableEventId('unread.counts', [
          ctx.endpoint,
          parsed.data.timestamp === undefined ? ctx.raw : textOf(parsed.data.timestamp),
        ]),
        endpoint: ctx.endpoint,
        channel: 'unread_counts',
        kind: 'unread.counts',
        severity: 'info',
        title: `${total} unread`,
        body: parts.length ? `Unread: ${parts.join(', ')}.` : 'No unread messages.',
        serverTime: time?.ms ?? null,
        receivedAt: ctx.receivedAt,
        data: { counts, total, approximateTime: true },
      },
    ],
  };
}

function siteStatusEvent(ctx: Ctx, data: unknown): DecodeResult {
  // The publisher's shape is undocumented: keep its flat fields and name what we can.
  const fields = isObject(data) ? primitives(data) : {};
  const status = typeof fields.status === 'string' ? fields.status : undefined;
  const site =
    (typeof fields.website === 'string' && fields.website) ||
    (typeof fields.url === 'string' && fields.url) ||
    (typeof fields.website_id === 'string' && fields.website_id) ||
    'The website';
  const time = parseServerTime(fields.timestamp);
  return {
    events: [
      {
        id: stableEventId('site.status', [ctx.endpoint, ctx.raw]),
        endpoint: ctx.endpoint,
        channel: 'website_status',
        kind: 'site.status',
        severity: status && /down|error|offline|fail/i.test(status) ? 'warning' : 'info',
        title: 'Website status',
        body: status
          ? `${clip(site, 80)} is ${clip(status, 40)}.`
          : `${clip(site, 80)} reported a status change.`,
        serverTime: time?.ms ?? null,
        receivedAt: ctx.receivedAt,
        data: fields,
      },
    ],
  };
}

function dataEvents(ctx: Ctx, channel: SakuraChannel, data: unknown): DecodeResult {
  switch (channel) {
    case 'chat_updates':
      return chatEvents(ctx, data);
    case 'unread_counts':
      return unreadEvent(ctx, data);
    case 'website_status':
      return siteStatusEvent(ctx, data);
  }
}

class SakuraCodec implements CodecParts {
  private readonly active = new Set<string>();
  constructor(private readonly endpoint: EndpointConfig) {}

  handshake(_credentials: Credentials, baseUrl: string): HandshakePlan {
    // No auth, no Origin check, no query used (PROTOCOLS.md §1).
    return { url: baseUrl, headers: { ...this.endpoint.headers } };
  }
  onOpen(): string[] {
    this.active.clear();
    return [];
  }
  subscribe(channel: string): string {
    this.active.add(channel);
    return JSON.stringify({ action: 'subscribe', subscription_type: channel });
  }
  unsubscribe(channel: string): string {
    this.active.delete(channel);
    return JSON.stringify({ action: 'unsubscribe', subscription_type: channel });
  }
  appPing(): string {
    return '{"action":"ping"}';
  }

  decode(text: string, receivedAt: number): DecodeResult {
    const frame = parseObject(text);
    if (typeof frame === 'string') return { rejected: frame };
    const type = frame.type;
    switch (type) {
      case 'connected':
        return {
          greeting:
            typeof frame.connection_id === 'string' ? { connectionId: frame.connection_id } : {},
        };
      case 'subscribed':
      case 'unsubscribed': {
        const ack = subscriptionAckSchema.safeParse(frame);
        if (!ack.success) return { rejected: schemaReason(ack.error) };
        return { acks: [{ op: type, channel: ack.data.subscription_type }] };
      }
      case 'pong':
        // Its timestamp is naive UTC server time; it echoes nothing of ours.
        return { pong: {} };
      case 'error':
        return { serverError: typeof frame.message === 'string' ? frame.message : 'error' };
    }
    const ctx: Ctx = { endpoint: this.endpoint.id, raw: text, receivedAt };
    if (isSakuraChannel(type)) return dataEvents(ctx, type, frame.data);
    // A verbatim payload without our `type`: recognise it by shape, or by the only data
    // subscription it can belong to.
    const byShape = channelByShape(frame.data ?? frame);
    if (byShape) return dataEvents(ctx, byShape, frame.data ?? frame);
    const dataSubs = [...this.active].filter(isSakuraChannel);
    if (dataSubs.length === 1 && dataSubs[0])
      return dataEvents(ctx, dataSubs[0], frame.data ?? frame);
    return { rejected: unknownType(type) };
  }
}

function verdictFromHealth(status: number, body: unknown): ProbeVerdict {
  if (status !== 200 || !isObject(body)) {
    return { ok: false, status: 'down', summary: `Health check answered HTTP ${status}.` };
  }
  const mongo = body.mongo;
  const redis = body.redis;
  if (mongo !== 'healthy') {
    return {
      ok: false,
      status: 'degraded',
      summary: 'Its database is unhealthy: no chat or unread snapshots will arrive.',
    };
  }
  if (redis !== 'connected') {
    return {
      ok: false,
      status: 'degraded',
      summary: 'Its Redis is disconnected: chat messages will not be forwarded.',
    };
  }
  return {
    ok: true,
    status: 'healthy',
    // Its redis field is a flag set once and never cleared (PROTOCOLS.md §1): it proves nothing.
    summary:
      'Database healthy. Its "redis: connected" is a flag that is never cleared, so it says nothing about a Redis outage or a dead listener: only data or the Redis probe can.',
  };
}

/** sakura chat dashboard (PROTOCOLS.md §1). */
export const sakuraDialect: Dialect = {
  id: 'sakura',
  description: 'Sakura chat dashboard: chat messages, unread counts and website status (no auth).',
  liveness: {
    pingIntervalMs: 20_000,
    deadAfterMs: 45_000,
    appPing: true,
    // Reconnecting cures neither a database outage nor a dead Redis listener: no stale reconnects.
    staleAfterMs: 0,
    // chat_updates snapshots arrive every 2 s while its database is up.
    quietAfterMs: 30_000,
    silence:
      'sakura sends a chat snapshot every 2 s while its database is up; a longer silence means its database is down or its Redis listener died (its pong is no proof of data).',
    serverKeepalive:
      'uvicorn sends a PING every 20 s and closes 1011 "keepalive ping timeout" without a PONG; {"action":"ping"} gets a pong.',
  },
  closeOverrides: {
    1000: {
      name: 'Closed by sakura',
      meaning:
        'sakura ends the connection with 1000 and no reason when it receives a frame it cannot read (not JSON, or JSON that is not an object), or when it shuts down.',
      action: 'back-off',
    },
    1011: {
      name: 'Keepalive timeout',
      meaning:
        'sakura (uvicorn) sent a PING that got no PONG within 20 s and closed the connection.',
      action: 'back-off',
    },
  },
  handshakeOverrides: {
    403: {
      name: 'Wrong path',
      meaning: 'sakura refuses every path except /ws/dashboard with 403: check the endpoint URL.',
      action: 'stop',
    },
  },
  probes: [{ name: 'health', path: '/health', interpret: verdictFromHealth }],
  // Its listener subscribes to all three at start and never again after a Redis outage.
  redisChannels: SAKURA_CHANNELS,
  defaultSubscriptions: SAKURA_CHANNELS,
  create: (endpoint) => completeCodec(new SakuraCodec(endpoint)),
};
