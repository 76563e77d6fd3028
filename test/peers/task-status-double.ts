import type { WebSocket } from 'ws';
import { closeRedis, connectRedis, type RedisClient } from './redis-source';
import {
  type DoubleHandle,
  type KeepaliveOptions,
  PeerServer,
  sendJson,
  tryJson,
} from './peer-server';

/**
 * A faithful double of task-status, task progress by id (PROTOCOLS.md §4): no greeting, `type`
 * + `task_id` subscribe/unsubscribe with their exact replies and error envelopes, non-JSON
 * answered with an error while the socket stays open, updates fed from the Redis channel
 * `task_status_updates`, uvicorn keepalive, `/ws/stats`, and a `/health` that always answers 500.
 * Like the real service, its pub/sub listener dies with a Redis outage and never comes back.
 */

export interface TaskStatusDoubleOptions {
  redisUrl: string;
  /** Prefix for the Redis channel name, so parallel test files sharing one Redis stay apart. */
  redisPrefix?: string;
  keepalive?: KeepaliveOptions;
}

export type TaskStatusDouble = DoubleHandle & { readonly streamAlive: boolean };

/** Python's type name for a JSON value, for the `'list' object has no attribute 'get'` envelope. */
function pythonType(v: unknown): string {
  if (Array.isArray(v)) return 'list';
  if (v === null) return 'NoneType';
  if (typeof v === 'string') return 'str';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  return 'dict';
}

/** Start a task-status double on a free loopback port. */
export async function startTaskStatusDouble(
  options: TaskStatusDoubleOptions,
): Promise<TaskStatusDouble> {
  const channel = `${options.redisPrefix ?? ''}task_status_updates`;
  const subsByTask = new Map<string, Set<WebSocket>>();
  let subscriber: RedisClient | null = null;
  let streamAlive = false;

  const unsubscribeAll = (ws: WebSocket) => {
    for (const [task, set] of subsByTask) {
      set.delete(ws);
      if (set.size === 0) subsByTask.delete(task);
    }
  };

  const onMessage = (ws: WebSocket, text: string) => {
    const reply = (body: unknown) => ws.send(JSON.stringify(body));
    const msg = tryJson(text);
    if (msg === undefined) return reply({ type: 'error', error: 'Invalid JSON format' });
    if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) {
      return reply({
        type: 'error',
        error: `Internal error: '${pythonType(msg)}' object has no attribute 'get'`,
      });
    }
    const m = msg as Record<string, unknown>;
    const type = m.type;
    const taskId = m.task_id;
    if (!type || !taskId)
      return reply({ type: 'error', error: 'Invalid message format. Required: type, task_id' });
    const t = String(taskId);
    if (type === 'subscribe') {
      const set = subsByTask.get(t) ?? new Set<WebSocket>();
      set.add(ws);
      subsByTask.set(t, set);
      return reply({
        type: 'subscribed',
        task_id: taskId,
        message: `Successfully subscribed to task ${t}`,
      });
    }
    if (type === 'unsubscribe') {
      const set = subsByTask.get(t);
      set?.delete(ws);
      if (set && set.size === 0) subsByTask.delete(t);
      return reply({
        type: 'unsubscribed',
        task_id: taskId,
        message: `Successfully unsubscribed from task ${t}`,
      });
    }
    return reply({ type: 'error', error: `Unknown message type: ${String(type)}` });
  };

  const server = new PeerServer({
    keepalive: 'uvicorn',
    keepaliveTimes: options.keepalive,
    checkUpgrade: (req) => (new URL(req.url ?? '/', 'http://x').pathname === '/ws' ? null : 403),
    onConnection: (ws) => {
      ws.on('message', (data, isBinary) => onMessage(ws, isBinary ? '\u0000' : data.toString()));
      ws.on('close', () => unsubscribeAll(ws));
    },
    onHttp: (req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (req.method === 'GET' && path === '/ws/stats') {
        const perTask: Record<string, number> = {};
        let subscriptions = 0;
        for (const [task, set] of subsByTask) {
          perTask[task] = set.size;
          subscriptions += set.size;
        }
        return sendJson(res, 200, {
          total_connections: server.clients.length,
          total_subscriptions: subscriptions,
          tasks_with_subscribers: subsByTask.size,
          connections_per_task: perTask,
        });
      }
      if (req.method === 'GET' && path === '/health') {
        // Broken upstream: always 500.
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('Internal Server Error');
        return;
      }
      sendJson(res, 404, { detail: 'Not Found' });
    },
  });

  const startAll = async () => {
    await server.start();
    const sub = await connectRedis(options.redisUrl, () => {
      if (subscriber === sub) {
        streamAlive = false;
        subscriber = null;
        sub.destroy();
      }
    });
    subscriber = sub;
    await sub.subscribe(channel, (message) => {
      const u = tryJson(message) as Record<string, unknown> | undefined;
      if (!u || typeof u !== 'object' || !u.task_id) return;
      const t = String(u.task_id);
      const text = JSON.stringify({
        type: 'status_update',
        task_id: u.task_id,
        data: { status: u.status ?? null, progress: u.progress ?? 0, message: u.message ?? '' },
      });
      for (const ws of subsByTask.get(t) ?? []) if (ws.readyState === ws.OPEN) ws.send(text);
    });
    streamAlive = true;
  };

  const stopAll = async () => {
    const sub = subscriber;
    subscriber = null;
    streamAlive = false;
    await closeRedis(sub);
    await server.stop();
    subsByTask.clear();
  };

  await startAll();
  return {
    get port() {
      return server.port;
    },
    get url() {
      return server.wsUrl('/ws');
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
  };
}
