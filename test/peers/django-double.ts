import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SignJWT, jwtVerify } from 'jose';
import type { WebSocket } from 'ws';
import { closeRedis, connectRedis, type RedisClient } from './redis-source';
import {
  type DoubleHandle,
  type KeepaliveOptions,
  PeerServer,
  pythonUtcStr,
  readBody,
  sendJson,
  tryJson,
} from './peer-server';

/**
 * A faithful double of the django-channels super-admin backend (PROTOCOLS.md §5), as daphne
 * serves it: Origin check first (403), routing with trailing slash (500 otherwise), session-cookie
 * auth (anonymous → 500, not super admin → 403), the dashboard and notifications consumers, close
 * 1011 on unreadable frames, daphne keepalive, and the HTTP ingress: SimpleJWT login/refresh,
 * businesses create/update (→ dashboard events), the admin login form with CSRF, `/api/health/`,
 * and 404 for hosts with three or more dot labels. With `redisUrl` the channel layer runs on
 * Redis, and losing it closes open sockets with 1011.
 */

export interface DjangoUser {
  id: number;
  email: string;
  password: string;
  isSuperAdmin: boolean;
  isStaff: boolean;
}

export interface DjangoDoubleOptions {
  users?: DjangoUser[];
  keepalive?: KeepaliveOptions;
  /** The runbook's behaviour: accept `?token=<JWT>` on the upgrade. The real server ignores it. */
  acceptQueryJwt?: boolean;
  /** Run the channel layer on Redis (optional): a Redis outage then closes sockets with 1011. */
  redisUrl?: string;
  redisPrefix?: string;
  /** Access token lifetime (seconds); SimpleJWT's default here is 60 minutes. */
  accessLifetimeS?: number;
}

export interface DjangoDouble extends DoubleHandle {
  /** Notifications socket URL. */
  readonly notificationsUrl: string;
  /** HTTP base through `localhost` (plain HTTP to 127.0.0.1 is read as a tenant and answers 404). */
  readonly apiUrl: string;
  readonly users: DjangoUser[];
  /** Push a free-form notification to signed-in notifications sockets (nothing in the backend does yet). */
  notify(payload: Record<string, unknown>): void;
  /** Issue a session id for a user without the login form (test setup shortcut). */
  sessionFor(email: string): string;
}

export const DJANGO_ADMIN: DjangoUser = {
  id: 1,
  email: 'admin@example.test',
  password: 'admin-pass',
  isSuperAdmin: true,
  isStaff: true,
};
export const DJANGO_STAFF: DjangoUser = {
  id: 2,
  email: 'staff@example.test',
  password: 'staff-pass',
  isSuperAdmin: false,
  isStaff: true,
};

const ALLOWED_HOSTS = new Set(['localhost', '127.0.0.1']);
const DASHBOARD = '/ws/dashboard/';
const NOTIFICATIONS = '/ws/notifications/';

function cookies(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i).trim()] = part.slice(i + 1).trim();
  }
  return out;
}

function originAllowed(origin: string | undefined): boolean {
  if (!origin) return false;
  try {
    const u = new URL(origin);
    return (u.protocol === 'http:' || u.protocol === 'https:') && ALLOWED_HOSTS.has(u.hostname);
  } catch {
    return false;
  }
}

/** Start a django-channels double on a free loopback port. */
export async function startDjangoDouble(options: DjangoDoubleOptions = {}): Promise<DjangoDouble> {
  const users = options.users ?? [DJANGO_ADMIN, DJANGO_STAFF];
  const secret = new TextEncoder().encode(randomBytes(32).toString('hex'));
  const sessions = new Map<string, DjangoUser>();
  const csrfTokens = new Set<string>();
  const dashboards = new Set<WebSocket>();
  const notificationSockets = new Map<WebSocket, DjangoUser | null>();
  const businesses = new Map<number, Record<string, unknown>>();
  let nextBusinessId = 1;
  let redis: RedisClient | null = null;
  let subscriber: RedisClient | null = null;
  const layerChannel = `${options.redisPrefix ?? ''}django_dashboard_group`;

  const fanOut = (text: string) => {
    for (const ws of dashboards) if (ws.readyState === ws.OPEN) ws.send(text);
  };
  const broadcast = async (type: string, payload: unknown) => {
    const text = JSON.stringify({ type, payload, timestamp: pythonUtcStr() });
    if (redis) await redis.publish(layerChannel, text);
    else fanOut(text);
  };

  const issue = async (user: DjangoUser, kind: 'access' | 'refresh') =>
    new SignJWT({ user_id: user.id, token_type: kind, jti: randomBytes(8).toString('hex') })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuedAt()
      .setExpirationTime(
        Math.floor(Date.now() / 1000) +
          (kind === 'access' ? (options.accessLifetimeS ?? 3600) : 86_400),
      )
      .sign(secret);

  const verify = async (token: string, kind: 'access' | 'refresh'): Promise<DjangoUser | null> => {
    try {
      const { payload } = await jwtVerify(token, secret, { algorithms: ['HS256'] });
      if (payload.token_type !== kind) return null;
      return users.find((u) => u.id === payload.user_id) ?? null;
    } catch {
      return null;
    }
  };

  const bearerUser = async (req: IncomingMessage) => {
    const auth = req.headers.authorization ?? '';
    return auth.startsWith('Bearer ') ? verify(auth.slice(7), 'access') : null;
  };

  const sessionUser = (req: IncomingMessage): DjangoUser | null => {
    const id = cookies(req).sessionid;
    return id ? (sessions.get(id) ?? null) : null;
  };

  const newSession = (user: DjangoUser) => {
    const id = randomBytes(16).toString('hex');
    sessions.set(id, user);
    return id;
  };

  const loginPage = (res: ServerResponse, error = '') => {
    const token = randomBytes(16).toString('hex');
    csrfTokens.add(token);
    const html = `<!DOCTYPE html><html><body>${error ? `<p class="errornote">${error}</p>` : ''}<form action="/admin/login/" method="post" id="login-form"><input type="hidden" name="csrfmiddlewaretoken" value="${token}"><input type="text" name="username"><input type="password" name="password"><input type="hidden" name="next" value="/admin/"><input type="submit" value="Log in"></form></body></html>`;
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'set-cookie': `csrftoken=${token}; Path=/; SameSite=Lax`,
    });
    res.end(html);
  };

  const http = async (req: IncomingMessage, res: ServerResponse) => {
    // django-tenants: a host with 3+ dot labels is a tenant subdomain; none exist here.
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    if (host.split('.').length >= 3) {
      res.writeHead(404, { 'content-type': 'text/html' });
      res.end('<h1>Not Found</h1>');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    if (method === 'GET' && path === '/api/health/')
      return sendJson(res, 200, { status: 'healthy' });

    if (method === 'POST' && path === '/api/auth/login/') {
      const body = tryJson(await readBody(req)) as Record<string, unknown> | undefined;
      const user = users.find((u) => u.email === body?.email && u.password === body?.password);
      if (!user)
        return sendJson(res, 401, { detail: 'No active account found with the given credentials' });
      return sendJson(res, 200, {
        refresh: await issue(user, 'refresh'),
        access: await issue(user, 'access'),
      });
    }
    if (method === 'POST' && path === '/api/auth/refresh/') {
      const body = tryJson(await readBody(req)) as Record<string, unknown> | undefined;
      const user = typeof body?.refresh === 'string' ? await verify(body.refresh, 'refresh') : null;
      if (!user)
        return sendJson(res, 401, {
          detail: 'Token is invalid or expired',
          code: 'token_not_valid',
        });
      return sendJson(res, 200, { access: await issue(user, 'access') });
    }

    if (path === '/admin/login/') {
      if (method === 'GET') return loginPage(res);
      if (method === 'POST') {
        const form = new URLSearchParams(await readBody(req));
        const cookieToken = cookies(req).csrftoken;
        const formToken = form.get('csrfmiddlewaretoken');
        if (
          !cookieToken ||
          !formToken ||
          cookieToken !== formToken ||
          !csrfTokens.has(cookieToken)
        ) {
          res.writeHead(403, { 'content-type': 'text/html' });
          res.end('<h1>Forbidden (403)</h1><p>CSRF verification failed. Request aborted.</p>');
          return;
        }
        const user = users.find(
          (u) => u.email === form.get('username') && u.password === form.get('password'),
        );
        if (!user || !user.isStaff) {
          return loginPage(
            res,
            'Please enter the correct email and password for a staff account. Note that both fields may be case-sensitive.',
          );
        }
        res.writeHead(302, {
          location: '/admin/',
          'set-cookie': `sessionid=${newSession(user)}; expires=${new Date(Date.now() + 14 * 86_400_000).toUTCString()}; HttpOnly; Max-Age=1209600; Path=/; SameSite=Lax`,
        });
        res.end();
        return;
      }
    }

    const businessMatch = /^\/api\/businesses\/(?:(\d+)\/)?$/.exec(path);
    if (businessMatch && (method === 'POST' || method === 'PATCH')) {
      const user = (await bearerUser(req)) ?? sessionUser(req);
      if (!user)
        return sendJson(res, 401, { detail: 'Authentication credentials were not provided.' });
      if (!user.isSuperAdmin) {
        return sendJson(res, 403, { detail: 'You do not have permission to perform this action.' });
      }
      const body = (tryJson(await readBody(req)) ?? {}) as Record<string, unknown>;
      if (method === 'POST' && !businessMatch[1]) {
        const missing = ['name', 'subdomain', 'email', 'email_from_name'].filter(
          (k) => typeof body[k] !== 'string' || !body[k],
        );
        if (missing.length) {
          return sendJson(
            res,
            400,
            Object.fromEntries(missing.map((k) => [k, ['This field is required.']])),
          );
        }
        const now = new Date().toISOString();
        const business = {
          id: nextBusinessId++,
          name: body.name,
          subdomain: body.subdomain,
          email: body.email,
          phone: typeof body.phone === 'string' ? body.phone : '',
          is_active: true,
          subscription_status: 'trial',
          created_at: now,
          updated_at: now,
          user_count: 1,
          reservation_count: 0,
          email_from_name: body.email_from_name,
        };
        businesses.set(business.id, business);
        await broadcast('business_created', {
          business,
          message: `New business "${String(business.name)}" created`,
        });
        return sendJson(res, 201, business);
      }
      if (method === 'PATCH' && businessMatch[1]) {
        const existing = businesses.get(Number(businessMatch[1]));
        if (!existing)
          return sendJson(res, 404, { detail: 'No Business matches the given query.' });
        const { id: _ignored, ...changes } = body;
        const business: Record<string, unknown> = {
          ...existing,
          ...changes,
          updated_at: new Date().toISOString(),
        };
        businesses.set(Number(businessMatch[1]), business);
        await broadcast('business_updated', {
          business,
          message: `Business "${String(business.name)}" updated`,
        });
        return sendJson(res, 200, business);
      }
    }
    sendJson(res, 404, { detail: 'Not found.' });
  };

  /** The user an upgrade authenticates as (session cookie; the query JWT only when configured). */
  const upgradeUser = async (req: IncomingMessage): Promise<DjangoUser | null> => {
    const bySession = sessionUser(req);
    if (bySession) return bySession;
    if (!options.acceptQueryJwt) return null;
    const token = new URL(req.url ?? '/', 'http://x').searchParams.get('token');
    return token ? verify(token, 'access') : null;
  };

  // The user found by the upgrade check, handed on to the connection handler.
  const resolved = new WeakMap<IncomingMessage, DjangoUser | null>();

  const server = new PeerServer({
    keepalive: 'daphne',
    keepaliveTimes: options.keepalive,
    shutdownCode: 1001,
    checkUpgrade: async (req) => {
      if (!originAllowed(req.headers.origin)) return 403;
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (path !== DASHBOARD && path !== NOTIFICATIONS) return 500;
      const user = await upgradeUser(req);
      resolved.set(req, user);
      if (path === DASHBOARD) {
        if (!user) return 500; // AnonymousUser has no is_super_admin: the consumer crashes.
        if (!user.isSuperAdmin) return 403;
      }
      return null;
    },
    onConnection: (ws, req) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (path === NOTIFICATIONS) {
        notificationSockets.set(ws, resolved.get(req) ?? null);
        ws.on('close', () => notificationSockets.delete(ws));
        return; // No greeting; client messages ignored.
      }
      if (options.redisUrl && !subscriber?.isReady) {
        ws.close(1011); // group_add fails without the channel layer.
        return;
      }
      dashboards.add(ws);
      ws.on('close', () => dashboards.delete(ws));
      ws.on('message', (data, isBinary) => {
        const msg = isBinary ? undefined : tryJson(data.toString());
        if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) {
          ws.close(1011);
          return;
        }
        if ((msg as { type?: unknown }).type === 'ping') ws.send('{"type":"pong"}');
      });
      ws.send(
        JSON.stringify({
          type: 'connection_established',
          message: 'Connected to dashboard updates',
        }),
      );
    },
    onHttp: (req, res) => void http(req, res),
  });

  const startAll = async () => {
    await server.start();
    if (options.redisUrl) {
      redis = await connectRedis(options.redisUrl);
      const sub = await connectRedis(options.redisUrl, () => {
        for (const ws of dashboards) ws.close(1011);
      });
      subscriber = sub;
      await sub.subscribe(layerChannel, (message) => fanOut(message));
    }
  };

  const stopAll = async () => {
    await server.stop();
    await closeRedis(subscriber);
    await closeRedis(redis);
    subscriber = null;
    redis = null;
    dashboards.clear();
    notificationSockets.clear();
  };

  await startAll();
  return {
    get port() {
      return server.port;
    },
    get url() {
      return server.wsUrl(DASHBOARD);
    },
    get notificationsUrl() {
      return server.wsUrl(NOTIFICATIONS);
    },
    get httpUrl() {
      return server.httpUrl;
    },
    get apiUrl() {
      return `http://localhost:${server.port}`;
    },
    users,
    notify: (payload) => {
      const text = JSON.stringify(payload);
      for (const [ws, user] of notificationSockets)
        if (user && ws.readyState === ws.OPEN) ws.send(text);
    },
    sessionFor: (email) => {
      const user = users.find((u) => u.email === email);
      if (!user) throw new Error(`no user ${email}`);
      return newSession(user);
    },
    stop: stopAll,
    restart: async () => {
      await stopAll();
      await startAll();
    },
  };
}
