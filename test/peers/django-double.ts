import { randomBytes, randomUUID } from 'node:crypto';
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
 * 1011 on unreadable frames, daphne keepalive, and the HTTP ingress: SimpleJWT login/refresh
 * (a refused login answers 401 `{"error":"Invalid credentials"}`), `GET /api/auth/me/` (200 for a
 * live session, 403 for none), businesses with UUID ids (the create answer has no `id`; a PATCH
 * answer has it) that become dashboard events, reservations that are stored but answered 500
 * without an event, the admin login form with CSRF, `/api/health/`, and 404 for hosts with three
 * or more dot labels. Notifications go only to their user's group (`notifications_<uuid>`).
 *
 * With `redisUrl` the channel layer runs on Redis: while Redis is down a new signed-in upgrade is
 * refused with HTTP 500 and open sockets are closed 1011 the moment it goes; the layer recovers
 * by itself when Redis returns. Sessions can be expired (as a flush or their expiry would).
 */

export interface DjangoUser {
  /** A UUID string, as the backend's user model has. */
  id: string;
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
  /** Run the channel layer on Redis (optional): a Redis outage then refuses upgrades and closes sockets. */
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
  /** Whether the channel layer works (always with the in-memory layer; with Redis, while it is up). */
  readonly layerUp: boolean;
  /** Reservations stored so far (their POST answers 500 all the same). */
  readonly reservations: number;
  /** Successful sign-ins so far (admin form and JWT login), to count renewals. */
  readonly logins: number;
  /** Push a free-form notification to one user's notification sockets (their group only). */
  notify(email: string, payload: Record<string, unknown>): Promise<void>;
  /** Issue a session id for a user without the login form (test setup shortcut). */
  sessionFor(email: string): string;
  /** Delete every session server-side (a flush, or all of them expiring). */
  expireSessions(): void;
  /** Change a user's password (as an admin would elsewhere). */
  setPassword(email: string, password: string): void;
}

export const DJANGO_ADMIN: DjangoUser = {
  id: '5c0f3d6e-8a41-4c1b-9f2e-7d6a4b3c2e10',
  email: 'admin@example.test',
  password: 'admin-pass',
  isSuperAdmin: true,
  isStaff: true,
};
export const DJANGO_STAFF: DjangoUser = {
  id: 'a8e2b7c4-1f3d-4e5a-b6c9-0d2f4e6a8b1c',
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
  // Copies: a test that changes a password must not change it for the next double.
  const users = (options.users ?? [DJANGO_ADMIN, DJANGO_STAFF]).map((u) => ({ ...u }));
  const secret = new TextEncoder().encode(randomBytes(32).toString('hex'));
  const sessions = new Map<string, DjangoUser>();
  const csrfTokens = new Set<string>();
  /** Channel-layer groups: `dashboard` and `notifications_<user uuid>`, each a set of sockets. */
  const groups = new Map<string, Set<WebSocket>>();
  /** Every open socket of either consumer (anonymous notification sockets join no group). */
  const open = new Set<WebSocket>();
  const businesses = new Map<string, Record<string, unknown>>();
  let reservations = 0;
  let logins = 0;
  let publisher: RedisClient | null = null;
  let subscriber: RedisClient | null = null;
  const prefix = options.redisPrefix ?? '';

  const layerUp = () => !options.redisUrl || (!!publisher?.isReady && !!subscriber?.isReady);

  const fanOut = (group: string, text: string) => {
    for (const ws of groups.get(group) ?? []) if (ws.readyState === ws.OPEN) ws.send(text);
  };
  const groupAdd = (group: string, ws: WebSocket) => {
    const set = groups.get(group) ?? new Set<WebSocket>();
    set.add(ws);
    groups.set(group, set);
    ws.once('close', () => {
      set.delete(ws);
      if (set.size === 0 && groups.get(group) === set) groups.delete(group);
    });
  };
  /** `channel_layer.group_send`: through Redis when configured (and failing while it is down). */
  const groupSend = async (group: string, text: string) => {
    if (!options.redisUrl) return fanOut(group, text);
    if (!publisher?.isReady) throw new Error('channel layer unavailable');
    await publisher.publish(`${prefix}group:${group}`, text);
  };
  /** The server lost its Redis: every consumer's next layer call fails and daphne closes 1011. */
  const layerLost = () => {
    for (const ws of open) if (ws.readyState === ws.OPEN) ws.close(1011);
  };

  const broadcast = (type: string, payload: unknown) =>
    groupSend('dashboard', JSON.stringify({ type, payload, timestamp: pythonUtcStr() }));
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
      if (!user) return sendJson(res, 401, { error: 'Invalid credentials' });
      logins++;
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

    if (method === 'GET' && path === '/api/auth/me/') {
      const user = sessionUser(req) ?? (await bearerUser(req));
      if (!user)
        return sendJson(res, 403, { detail: 'Authentication credentials were not provided.' });
      return sendJson(res, 200, {
        id: user.id,
        email: user.email,
        is_staff: user.isStaff,
        is_super_admin: user.isSuperAdmin,
      });
    }

    if (method === 'POST' && path === '/api/reservations/') {
      const body = tryJson(await readBody(req)) as Record<string, unknown> | undefined;
      if (!body || typeof body.business !== 'string' || !businesses.has(body.business))
        return sendJson(res, 400, { business: ['Invalid pk - object does not exist.'] });
      // The row is saved; then the signal's group_send cannot serialise the UUID and the
      // request fails with 500: no event goes out (PROTOCOLS.md §5).
      reservations++;
      res.writeHead(500, { 'content-type': 'text/html' });
      res.end('<h1>Server Error (500)</h1>');
      return;
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
        logins++;
        res.writeHead(302, {
          location: '/admin/',
          'set-cookie': `sessionid=${newSession(user)}; expires=${new Date(Date.now() + 14 * 86_400_000).toUTCString()}; HttpOnly; Max-Age=1209600; Path=/; SameSite=Lax`,
        });
        res.end();
        return;
      }
    }

    const businessMatch = /^\/api\/businesses\/(?:([0-9a-f-]{36})\/)?$/.exec(path);
    if (businessMatch && (method === 'GET' || method === 'POST' || method === 'PATCH')) {
      const user = (await bearerUser(req)) ?? sessionUser(req);
      if (!user)
        return sendJson(res, 401, { detail: 'Authentication credentials were not provided.' });
      if (!user.isSuperAdmin) {
        return sendJson(res, 403, { detail: 'You do not have permission to perform this action.' });
      }
      if (method === 'GET' && !businessMatch[1])
        return sendJson(res, 200, [...businesses.values()]);
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
          id: randomUUID(),
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
        // The create serializer's answer has no `id` (PROTOCOLS.md §5).
        const { id: _id, ...answer } = business;
        return sendJson(res, 201, answer);
      }
      if (method === 'PATCH' && businessMatch[1]) {
        const existing = businesses.get(businessMatch[1]);
        if (!existing)
          return sendJson(res, 404, { detail: 'No Business matches the given query.' });
        const { id: _ignored, ...changes } = body;
        const business: Record<string, unknown> = {
          ...existing,
          ...changes,
          updated_at: new Date().toISOString(),
        };
        businesses.set(businessMatch[1], business);
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
      // group_add in connect() raises while the channel layer's Redis is down.
      if (user && !layerUp()) return 500;
      return null;
    },
    onConnection: (ws, req) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const user = resolved.get(req) ?? null;
      open.add(ws);
      ws.once('close', () => open.delete(ws));
      if (path === NOTIFICATIONS) {
        // Anonymous sockets are accepted and join no group: they never receive anything.
        if (user) groupAdd(`notifications_${user.id}`, ws);
        return; // No greeting; client messages ignored.
      }
      groupAdd('dashboard', ws);
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
      publisher = await connectRedis(options.redisUrl);
      const sub = await connectRedis(options.redisUrl, layerLost);
      subscriber = sub;
      // node-redis subscribes again by itself after a reconnect: the layer recovers with Redis.
      await sub.pSubscribe(`${prefix}group:*`, (message, channel) =>
        fanOut(channel.slice(`${prefix}group:`.length), message),
      );
    }
  };

  const stopAll = async () => {
    await server.stop();
    await closeRedis(subscriber);
    await closeRedis(publisher);
    subscriber = null;
    publisher = null;
    groups.clear();
    open.clear();
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
    get layerUp() {
      return layerUp();
    },
    get reservations() {
      return reservations;
    },
    get logins() {
      return logins;
    },
    notify: async (email, payload) => {
      const user = users.find((u) => u.email === email);
      if (!user) throw new Error(`no user ${email}`);
      await groupSend(`notifications_${user.id}`, JSON.stringify(payload));
    },
    sessionFor: (email) => {
      const user = users.find((u) => u.email === email);
      if (!user) throw new Error(`no user ${email}`);
      return newSession(user);
    },
    expireSessions: () => sessions.clear(),
    setPassword: (email, password) => {
      const user = users.find((u) => u.email === email);
      if (!user) throw new Error(`no user ${email}`);
      user.password = password;
    },
    stop: stopAll,
    restart: async () => {
      await stopAll();
      await startAll();
    },
  };
}

/**
 * Create a business through the REST API as a super admin and find its id the way a client of the
 * real backend must (the create answer has none): from the list, by its unique subdomain.
 */
export async function createBusiness(
  apiUrl: string,
  accessToken: string,
  fields: { name: string; subdomain: string; email?: string },
): Promise<string> {
  const auth = { authorization: `Bearer ${accessToken}` };
  const res = await fetch(`${apiUrl}/api/businesses/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...auth },
    body: JSON.stringify({
      email: `${fields.subdomain}@example.test`,
      email_from_name: fields.name,
      ...fields,
    }),
  });
  if (res.status !== 201) throw new Error(`create answered ${res.status}`);
  const list = (await (
    await fetch(`${apiUrl}/api/businesses/`, { headers: auth })
  ).json()) as Array<{
    id: string;
    subdomain: string;
  }>;
  const found = list.find((b) => b.subdomain === fields.subdomain);
  if (!found) throw new Error(`business ${fields.subdomain} not listed`);
  return found.id;
}
