import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WebSocket } from 'ws';
import { type DoubleHandle, PeerServer, readBody, sendJson, tryJson } from './peer-server';

/**
 * A faithful double of task-events, the per-user task feed (PROTOCOLS.md §3): `user_id` and an
 * unverified token in the query, accept-then-close 1000 without `user_id`, close 1000 on
 * unreadable frames, no server PING, CloudEvent ingress at `POST /task-updates` whose `data`
 * must be a JSON string (an object is answered `{"status":"DROP"}` and delivered nowhere), and
 * the Dapr subscription list at `GET /dapr/subscribe`.
 */

export type TaskEventsDouble = DoubleHandle & {
  /** Tokens seen in the query, in order (read but never verified). */
  readonly tokensSeen: string[];
};

function isoZ(): string {
  return new Date().toISOString();
}

/** Start a task-events double on a free loopback port. */
export async function startTaskEventsDouble(): Promise<TaskEventsDouble> {
  const byUser = new Map<string, Set<WebSocket>>();
  const tokensSeen: string[] = [];

  const deliver = (userId: string, event: Record<string, unknown>) => {
    const text = JSON.stringify({ type: 'task_update', event, timestamp: isoZ() });
    for (const ws of byUser.get(userId) ?? []) if (ws.readyState === ws.OPEN) ws.send(text);
  };

  const http = async (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (req.method === 'GET' && path === '/health') {
      return sendJson(res, 200, {
        status: 'healthy',
        service: 'websocket-service',
        connections: byUser.size,
      });
    }
    if (req.method === 'GET' && path === '/dapr/subscribe') {
      // What Dapr asks at start: the topic this service consumes and the route it posts to.
      return sendJson(res, 200, [
        { pubsubname: 'kafka-pubsub', topic: 'task-updates', route: '/task-updates' },
      ]);
    }
    if (req.method === 'GET' && path === '/stats') {
      const users: Record<string, number> = {};
      let total = 0;
      for (const [id, set] of byUser) {
        users[id] = set.size;
        total += set.size;
      }
      return sendJson(res, 200, { total_users: byUser.size, total_connections: total, users });
    }
    if (req.method === 'POST' && path === '/task-updates') {
      const cloudEvent = tryJson(await readBody(req)) as Record<string, unknown> | undefined;
      const data = cloudEvent?.data;
      // Dapr hands over `data` as a string of JSON; anything else is dropped (answered 200).
      const event =
        typeof data === 'string'
          ? (tryJson(data) as Record<string, unknown> | undefined)
          : undefined;
      if (
        !event ||
        typeof event !== 'object' ||
        Array.isArray(event) ||
        typeof event.user_id !== 'string'
      ) {
        return sendJson(res, 200, { status: 'DROP' });
      }
      deliver(event.user_id, event);
      return sendJson(res, 200, { status: 'SUCCESS' });
    }
    sendJson(res, 404, { detail: 'Not Found' });
  };

  const server = new PeerServer({
    keepalive: 'none',
    checkUpgrade: (req) => (new URL(req.url ?? '/', 'http://x').pathname === '/ws' ? null : 403),
    onConnection: (ws, req) => {
      const query = new URL(req.url ?? '/', 'http://x').searchParams;
      const userId = query.get('user_id');
      const token = query.get('token');
      if (token) tokensSeen.push(token);
      if (!userId) {
        ws.close(1000);
        return;
      }
      const set = byUser.get(userId) ?? new Set<WebSocket>();
      set.add(ws);
      byUser.set(userId, set);
      ws.on('close', () => {
        set.delete(ws);
        if (set.size === 0 && byUser.get(userId) === set) byUser.delete(userId);
      });
      ws.on('message', (data, isBinary) => {
        const msg = isBinary ? undefined : tryJson(data.toString());
        if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) {
          ws.close(1000);
          return;
        }
        if ((msg as { type?: unknown }).type === 'ping') ws.send('{"type":"pong"}');
      });
      ws.send(
        JSON.stringify({
          type: 'connected',
          message: 'WebSocket connected successfully',
          user_id: userId,
          timestamp: isoZ(),
        }),
      );
    },
    onHttp: (req, res) => void http(req, res),
  });

  await server.start();
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
    tokensSeen,
    stop: async () => {
      await server.stop();
      byUser.clear();
    },
    restart: async () => {
      await server.stop();
      byUser.clear();
      await server.start();
    },
  };
}

/** A structured CloudEvent as Dapr posts it: `data` is a JSON string of the task event. */
export function taskCloudEvent(event: Record<string, unknown>, dataAsObject = false): string {
  return JSON.stringify({
    specversion: '1.0',
    type: 'com.dapr.event.sent',
    source: 'backend',
    id: `ce-${Math.random().toString(36).slice(2)}`,
    datacontenttype: 'application/json',
    topic: 'task-updates',
    pubsubname: 'kafka-pubsub',
    data: dataAsObject ? event : JSON.stringify(event),
  });
}
