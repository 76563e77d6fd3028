import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WebSocket } from 'ws';
import { closeRedis, connectRedis, type RedisClient } from './redis-source';
import {
  type DoubleHandle,
  type KeepaliveOptions,
  PeerServer,
  naiveIso,
  readBody,
  sendJson,
  tryJson,
} from './peer-server';

/**
 * A faithful double of stats-stream, the ingestion metrics stream (PROTOCOLS.md §2): it never
 * reads the socket, sends `stats_update` at once and then every tick (0.6 s) from Redis keys,
 * forwards at most one `batch_persisted` per tick from the `batch_notifications` channel, sends
 * all zeros while its Redis is down (with `/health` answering 503) and recovers when it returns.
 */

export interface StatsStreamDoubleOptions {
  redisUrl: string;
  /** Prefix for Redis key and channel names, so parallel test files sharing one Redis stay apart. */
  redisPrefix?: string;
  tickMs?: number;
  keepalive?: KeepaliveOptions;
}

export type StatsStreamDouble = DoubleHandle;

const THRESHOLD = 50;

interface Figures {
  total_messages: number;
  queue_depth: number;
  messages_per_second: number;
  total_batches: number;
  avg_batch_size: number;
  batch_threshold: number;
  batch_progress: number;
  batch_progress_percent: number;
  batches_ready: number;
}

const ZEROS: Figures = {
  total_messages: 0,
  queue_depth: 0,
  messages_per_second: 0,
  total_batches: 0,
  avg_batch_size: 0,
  batch_threshold: THRESHOLD,
  batch_progress: 0,
  batch_progress_percent: 0,
  batches_ready: 0,
};

/** Start a stats-stream double on a free loopback port. */
export async function startStatsStreamDouble(
  options: StatsStreamDoubleOptions,
): Promise<StatsStreamDouble> {
  const p = options.redisPrefix ?? '';
  const tickMs = options.tickMs ?? 600;
  let client: RedisClient | null = null;
  let subscriber: RedisClient | null = null;
  const pendingBatches = new Map<WebSocket, string[]>();

  const figures = async (): Promise<Figures> => {
    const c = client;
    if (!c?.isReady) return ZEROS;
    try {
      const [total, batches, rps, buffer, queued] = await Promise.all([
        c.get(`${p}total_messages`),
        c.get(`${p}total_batches`),
        c.get(`${p}current_rps`),
        c.get(`${p}worker_buffer_size`),
        c.lLen(`${p}pending_messages`),
      ]);
      const totalMessages = Number(total ?? 0) || 0;
      const totalBatches = Number(batches ?? 0) || 0;
      const queueDepth = queued + (Number(buffer ?? 0) || 0);
      const progress = queueDepth % THRESHOLD;
      return {
        total_messages: totalMessages,
        queue_depth: queueDepth,
        // `int(float(current_rps))`: truncated, so 45.67 gives 45.
        messages_per_second: Math.trunc(Number(rps ?? 0) || 0),
        total_batches: totalBatches,
        avg_batch_size: totalBatches ? Math.round((totalMessages / totalBatches) * 10) / 10 : 0,
        batch_threshold: THRESHOLD,
        batch_progress: progress,
        batch_progress_percent: Math.round((progress / THRESHOLD) * 1000) / 10,
        batches_ready: Math.floor(queueDepth / THRESHOLD),
      };
    } catch {
      return ZEROS;
    }
  };

  const server = new PeerServer({
    keepalive: 'uvicorn',
    keepaliveTimes: options.keepalive,
    checkUpgrade: (req) =>
      new URL(req.url ?? '/', 'http://x').pathname === '/ws/stats' ? null : 403,
    onConnection: (ws) => {
      // The server never reads the socket: incoming frames are not even looked at.
      pendingBatches.set(ws, []);
      let timer: ReturnType<typeof setTimeout> | null = null;
      const tick = async () => {
        const stats = await figures();
        if (ws.readyState !== ws.OPEN) return;
        ws.send(JSON.stringify({ type: 'stats_update', ...stats }));
        const batch = pendingBatches.get(ws)?.shift();
        if (batch) ws.send(batch);
        timer = setTimeout(() => void tick(), tickMs);
      };
      ws.on('close', () => {
        if (timer) clearTimeout(timer);
        pendingBatches.delete(ws);
      });
      void tick();
    },
    onHttp: (req, res) => void http(req, res),
  });

  const http = async (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (req.method === 'GET' && path === '/health') {
      try {
        if (!client?.isReady) throw new Error('Redis connection lost');
        const queue = await client.lLen(`${p}pending_messages`);
        sendJson(res, 200, { status: 'healthy', redis: 'connected', queue_length: queue });
      } catch (e) {
        sendJson(res, 503, { detail: `Service unhealthy: ${(e as Error).message}` });
      }
      return;
    }
    if (req.method === 'POST' && (path === '/messages' || path === '/simulate')) {
      const body = tryJson(await readBody(req)) as Record<string, unknown> | undefined;
      if (path === '/messages') {
        const positive = (v: unknown) => Number.isInteger(v) && (v as number) > 0;
        const ok =
          body &&
          positive(body.user_id) &&
          positive(body.channel_id) &&
          typeof body.content === 'string' &&
          body.content.length >= 1 &&
          body.content.length <= 2000;
        if (!ok)
          return sendJson(res, 422, { detail: [{ msg: 'Invalid message', type: 'value_error' }] });
        try {
          await client?.lPush(
            `${p}pending_messages`,
            JSON.stringify({ ...body, timestamp: naiveIso() }),
          );
        } catch {
          return sendJson(res, 503, { detail: 'Redis unavailable' });
        }
        return sendJson(res, 201, { status: 'queued' });
      }
      const count = body?.count;
      if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > 10_000) {
        return sendJson(res, 422, {
          detail: [{ msg: 'count must be 1..10000', type: 'value_error' }],
        });
      }
      try {
        const items = Array.from({ length: count }, (_, i) =>
          JSON.stringify({
            user_id: i + 1,
            channel_id: 1,
            content: `Simulated ${i}`,
            timestamp: naiveIso(),
          }),
        );
        await client?.lPush(`${p}pending_messages`, items);
      } catch {
        return sendJson(res, 503, { detail: 'Redis unavailable' });
      }
      return sendJson(res, 202, { status: 'accepted', queued: count });
    }
    sendJson(res, 404, { detail: 'Not Found' });
  };

  const startAll = async () => {
    await server.start();
    client = await connectRedis(options.redisUrl);
    subscriber = await connectRedis(options.redisUrl);
    await subscriber.subscribe(`${p}batch_notifications`, (message) => {
      const n = tryJson(message) as Record<string, unknown> | undefined;
      if (!n || n.type !== 'persisted') return;
      const out = JSON.stringify({
        type: 'batch_persisted',
        ids: Array.isArray(n.ids) ? n.ids : [],
        batch_id: typeof n.batch_id === 'string' ? n.batch_id : randomBytes(4).toString('hex'),
        batch_size: typeof n.batch_size === 'number' ? n.batch_size : 0,
        worker_timestamp: typeof n.timestamp === 'string' ? n.timestamp : naiveIso(),
      });
      for (const queue of pendingBatches.values()) queue.push(out);
    });
  };

  const stopAll = async () => {
    await server.stop();
    await closeRedis(subscriber);
    await closeRedis(client);
    subscriber = null;
    client = null;
    pendingBatches.clear();
  };

  await startAll();
  return {
    get port() {
      return server.port;
    },
    get url() {
      return server.wsUrl('/ws/stats');
    },
    get httpUrl() {
      return server.httpUrl;
    },
    stop: stopAll,
    restart: async () => {
      await stopAll();
      await startAll();
    },
  };
}
