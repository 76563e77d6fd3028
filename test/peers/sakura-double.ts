import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WebSocket } from 'ws';
import { closeRedis, connectRedis, type RedisClient } from './redis-source';
import {
  type DoubleHandle,
  type KeepaliveOptions,
  PeerServer,
  naiveIso,
  sendJson,
} from './peer-server';

/**
 * A faithful double of sakura, the chat dashboard microservice (PROTOCOLS.md §1): `action`-keyed
 * client messages, verbatim forwarding of Redis pub/sub payloads to subscribers, chat and unread
 * snapshots on timers while its database is up, close 1000 on unreadable frames, uvicorn
 * keepalive, and a `/health` whose `redis` field is a flag set once at start and never cleared:
 * it says `connected` before, during and after a Redis outage. Non-JSON payloads on its Redis
 * channels are dropped. After a Redis outage its listener is gone for good (deaf): `PUBSUB NUMSUB`
 * on its channels answers 0 until the service is restarted.
 */

export const SAKURA_REDIS_CHANNELS = ['chat_updates', 'unread_counts', 'website_status'] as const;

export interface SakuraUser {
  _id: string;
  name: string;
  email: string;
  category: string;
  status: string;
  dashboard_user_id: string;
  chats: Array<{
    chat_id: string;
    status: string;
    created_at: string;
    last_activity: string;
    messages: unknown[];
  }>;
}

export interface SakuraDoubleOptions {
  redisUrl: string;
  /** Prefix for Redis channel names, so parallel test files sharing one Redis stay apart. */
  redisPrefix?: string;
  chatSnapshotMs?: number;
  unreadSnapshotMs?: number;
  keepalive?: KeepaliveOptions;
  users?: SakuraUser[];
  unreadCounts?: Record<string, number>;
}

export interface SakuraDouble extends DoubleHandle {
  /** Take the (Mongo) database down or up: snapshots stop while it is down. */
  setDatabaseUp(up: boolean): void;
  setUsers(users: SakuraUser[]): void;
  setUnreadCounts(counts: Record<string, number>): void;
  /** Sockets currently subscribed to a subscription type. */
  subscribers(type: string): number;
  /** Whether the pub/sub listener is still alive (it never recovers from a Redis outage). */
  readonly streamAlive: boolean;
}

/** Local naive time, as sakura's snapshots carry (server local time, no zone). */
function localNaiveIso(d = new Date()): string {
  return naiveIso(new Date(d.getTime() - d.getTimezoneOffset() * 60_000));
}

/** A user with chats, for snapshots. */
export function sampleSakuraUser(i: number, chats = 2): SakuraUser {
  return {
    _id: `u${i}`,
    name: `User ${i}`,
    email: `user${i}@example.test`,
    category: 'customer',
    status: 'online',
    dashboard_user_id: 'dash-1',
    chats: Array.from({ length: chats }, (_, c) => ({
      chat_id: `chat-${i}-${c}`,
      status: c === 0 ? 'active' : 'closed',
      created_at: naiveIso(),
      last_activity: naiveIso(),
      messages: [{ role: 'user', content: 'hello' }],
    })),
  };
}

/** Start a sakura double on a free loopback port. */
export async function startSakuraDouble(options: SakuraDoubleOptions): Promise<SakuraDouble> {
  const prefix = options.redisPrefix ?? '';
  const subs = new Map<WebSocket, Set<string>>();
  let users = options.users ?? [sampleSakuraUser(1), sampleSakuraUser(2)];
  let unread = options.unreadCounts ?? { 'unified-inbox': 3, 'agent-inbox-active': 1 };
  let dbUp = true;
  let streamAlive = false;
  let subscriber: RedisClient | null = null;
  /** Set once the first Redis connection succeeds; nothing ever clears it (as built). */
  let redisFlag: 'connected' | 'disconnected' = 'disconnected';
  let timers: Array<ReturnType<typeof setInterval>> = [];

  const send = (type: string, text: string) => {
    for (const [ws, types] of subs) if (types.has(type) && ws.readyState === ws.OPEN) ws.send(text);
  };

  const onMessage = (ws: WebSocket, text: string) => {
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch {
      msg = undefined;
    }
    // Non-JSON or JSON that is not an object: the handler raises and the server ends the socket.
    if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) {
      ws.close(1000);
      return;
    }
    const m = msg as Record<string, unknown>;
    const action = m.action;
    const subType = typeof m.subscription_type === 'string' ? m.subscription_type : '';
    const reply = (body: unknown) => ws.send(JSON.stringify(body));
    if ((action === 'subscribe' || action === 'unsubscribe') && subType) {
      const set = subs.get(ws);
      if (action === 'subscribe') set?.add(subType);
      else set?.delete(subType);
      reply({
        type: action === 'subscribe' ? 'subscribed' : 'unsubscribed',
        subscription_type: subType,
      });
      return;
    }
    if (action === 'ping') {
      reply({ type: 'pong', timestamp: naiveIso() });
      return;
    }
    reply({
      type: 'error',
      message: `Unknown action: ${action === undefined || action === null ? 'None' : String(action)}`,
    });
  };

  const server = new PeerServer({
    keepalive: 'uvicorn',
    keepaliveTimes: options.keepalive,
    checkUpgrade: (req) =>
      new URL(req.url ?? '/', 'http://x').pathname === '/ws/dashboard' ? null : 403,
    onConnection: (ws) => {
      subs.set(ws, new Set());
      ws.on('close', () => subs.delete(ws));
      ws.on('message', (data, isBinary) => onMessage(ws, isBinary ? '\u0000' : data.toString()));
      ws.send(
        JSON.stringify({
          type: 'connected',
          connection_id: randomUUID(),
          message: 'WebSocket connection established',
        }),
      );
    },
    onHttp: (req: IncomingMessage, res: ServerResponse) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (req.method === 'GET' && path === '/health') {
        sendJson(res, 200, {
          status: 'ok',
          mongo: dbUp ? 'healthy' : 'unhealthy',
          redis: redisFlag,
        });
        return;
      }
      sendJson(res, 404, { detail: 'Not Found' });
    },
  });

  const startAll = async () => {
    await server.start();
    const sub = await connectRedis(options.redisUrl, () => {
      // The real listener task dies on a Redis error and is never restarted: the socket stays
      // open and silent ("open but silent" in PROTOCOLS.md).
      if (subscriber === sub) {
        streamAlive = false;
        subscriber = null;
        sub.destroy();
      }
    });
    subscriber = sub;
    for (const channel of SAKURA_REDIS_CHANNELS) {
      await sub.subscribe(prefix + channel, (message) => {
        // The listener json-decodes each payload; a non-JSON one is logged and dropped.
        try {
          JSON.parse(message);
        } catch {
          return;
        }
        send(channel, message);
      });
    }
    streamAlive = true;
    redisFlag = 'connected';
    timers = [
      setInterval(() => {
        if (!dbUp) return;
        send(
          'chat_updates',
          JSON.stringify({ type: 'chat_updates', data: { users, timestamp: localNaiveIso() } }),
        );
      }, options.chatSnapshotMs ?? 2_000),
      setInterval(() => {
        if (!dbUp) return;
        send(
          'unread_counts',
          JSON.stringify({
            type: 'unread_counts',
            data: { counts: unread, timestamp: localNaiveIso() },
          }),
        );
      }, options.unreadSnapshotMs ?? 5_000),
    ];
  };

  const stopAll = async () => {
    for (const t of timers) clearInterval(t);
    timers = [];
    const sub = subscriber;
    subscriber = null;
    streamAlive = false;
    await closeRedis(sub);
    redisFlag = 'disconnected';
    await server.stop();
    subs.clear();
  };

  await startAll();
  return {
    get port() {
      return server.port;
    },
    get url() {
      return server.wsUrl('/ws/dashboard');
    },
    get httpUrl() {
      return server.httpUrl;
    },
    get streamAlive() {
      return streamAlive;
    },
    stop: stopAll,
    restart: async () => {
      await stopAll();
      await startAll();
    },
    setDatabaseUp: (up) => {
      dbUp = up;
    },
    setUsers: (u) => {
      users = u;
    },
    setUnreadCounts: (c) => {
      unread = c;
    },
    subscribers: (type) => [...subs.values()].filter((s) => s.has(type)).length,
  };
}
