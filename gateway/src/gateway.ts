import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { WebSocketServer } from 'ws';
import type { JSONWebKeySet } from 'jose';
import { LOOKOUT_CLOSE } from '../../shared/close-codes';
import {
  loginRequestSchema,
  publishBodySchema,
  publishInputSchema,
  refreshRequestSchema,
  type PublishInput,
  type WireEvent,
  type WireLimits,
} from '../../shared/protocol/lookout-wire';
import {
  DEMO_API_KEY,
  UserDirectory,
  demoUsers,
  loadUsersFile,
  type UserRecord,
} from './auth/users';
import { TokenError, TokenService, type IssuedTokens, type Principal } from './auth/tokens';
import { RedisBridge, type BridgeOptions } from './bridges/redis-bridge';
import { DemoSource } from './demo/demo-source';
import {
  BodyError,
  bearerToken,
  clientAddress,
  readJson,
  sendError,
  sendJson,
} from './http/http-util';
import { consoleLogger, type GatewayLogger } from './logger';
import { GatewayMetrics, TokenBucket } from './metrics';
import { StorageUnavailableError, type EventLog } from './storage/event-log';
import { MemoryEventLog } from './storage/memory-log';
import { RedisEventLog } from './storage/redis-log';
import { ClientConnection, type ConnectionContext } from './ws/client-connection';
import { FanOut, type FanOutBatch } from './ws/fan-out';

/** Everything a gateway can be configured with; only `secret` is required outside demo mode. */
export interface GatewayOptions {
  host?: string;
  /** 0 picks a free port. Default 8080. */
  port?: number;
  /** HS256 secret (≥ 32 bytes) for the tokens the gateway issues and accepts. Random in demo mode when absent. */
  secret?: string;
  /** Also accept RS256 access tokens from another issuer. */
  jwks?: JSONWebKeySet;
  jwksUrl?: string;
  issuer?: string;
  audience?: string;
  accessTtlSec?: number;
  refreshTtlSec?: number;
  users?: UserRecord[];
  usersFile?: string;
  /** API keys allowed to `POST /publish`. */
  apiKeys?: string[];
  /** Demo users, demo API key and (unless `demoTraffic: false`) generated traffic. */
  demo?: boolean;
  demoTraffic?: boolean;
  /** Redis Streams storage; the in-process log when absent. */
  redisUrl?: string;
  /** A log to use instead (shared in-process log across restarts, tests). Not stopped by `stop()`. */
  eventLog?: EventLog;
  /** Events kept per channel for replay. */
  retention?: number;
  limits?: Partial<WireLimits> & { maxConnections?: number };
  /** Browser Origins allowed to connect; empty/absent = any. Requests without Origin (native clients) pass. */
  allowedOrigins?: string[];
  heartbeatMs?: number;
  /** Event-loop lag (p99, ms) above which `/health` reports degraded. */
  maxEventLoopLagMs?: number;
  bridges?: BridgeOptions;
  /**
   * Called after each batch of new events has been written to the sockets of this instance's
   * subscribers (instrumentation: the fan-out benchmark times publish-to-write with it).
   */
  onFanOut?: (batch: FanOutBatch) => void;
  instanceId?: string;
  logger?: GatewayLogger;
}

export interface GatewayAddress {
  port: number;
  /** HTTP base, e.g. `http://127.0.0.1:8080`. */
  url: string;
  /** WebSocket URL, e.g. `ws://127.0.0.1:8080/ws`. */
  wsUrl: string;
}

export interface Gateway {
  start(): Promise<GatewayAddress>;
  /** Close every client with 4012 (restarting) and stop listening. */
  stop(): Promise<void>;
  publish(channel: string, input: Omit<PublishInput, 'channel' | 'channels'>): Promise<WireEvent>;
  /** One occurrence on several channels: one event per channel, all with the same `origin`. */
  publishToChannels(
    channels: string[],
    input: Omit<PublishInput, 'channel' | 'channels'>,
  ): Promise<WireEvent[]>;
  /** Tokens for a user, as `/auth/login` would issue them (embedding hosts, tests). */
  issueTokens(user: Pick<Principal, 'sub' | 'role'>): Promise<IssuedTokens>;
  /** Close every connection of a user with 4004 (token revoked). */
  revoke(sub: string): number;
  readonly demo: DemoSource | null;
  readonly metrics: GatewayMetrics;
  readonly instanceId: string;
}

const DEFAULT_LIMITS: WireLimits & { maxConnections: number } = {
  maxPayloadBytes: 64 * 1024,
  maxSubscriptions: 100,
  ratePerSecond: 20,
  rateBurst: 40,
  maxConnections: 10_000,
};

/** Build a gateway; nothing listens until `start()`. */
export function createGateway(options: GatewayOptions = {}): Gateway {
  const logger = options.logger ?? consoleLogger;
  const instanceId = options.instanceId ?? `gw-${randomUUID().slice(0, 8)}`;
  const metrics = new GatewayMetrics();
  const { maxConnections, ...limits } = { ...DEFAULT_LIMITS, ...options.limits };
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const retention = options.retention ?? 1_000;
  const secret = options.secret ?? (options.demo ? randomBytes(32).toString('hex') : undefined);
  if (!secret)
    throw new Error('a gateway secret is required (LOOKOUT_GATEWAY_SECRET), or run with --demo');
  const tokens = new TokenService({
    hs256Secret: secret,
    jwks: options.jwks,
    jwksUrl: options.jwksUrl,
    issuer: options.issuer,
    audience: options.audience,
    accessTtlSec: options.accessTtlSec ?? 15 * 60,
    refreshTtlSec: options.refreshTtlSec ?? 7 * 24 * 3600,
  });
  const apiKeys = [...(options.apiKeys ?? []), ...(options.demo ? [DEMO_API_KEY] : [])].map((k) =>
    Buffer.from(k),
  );
  const ownsLog = !options.eventLog;
  const log: EventLog =
    options.eventLog ??
    (options.redisUrl
      ? new RedisEventLog({ url: options.redisUrl, retention, logger })
      : new MemoryEventLog(retention));
  const allowedOrigins = new Set(options.allowedOrigins ?? []);
  const maxLagMs = options.maxEventLoopLagMs ?? 1_000;

  let users = new UserDirectory(options.users ?? []);
  const fanOut = new FanOut({
    onBatch(batch) {
      metrics.count('fanout.batches');
      metrics.count('fanout.events', batch.events.length);
      metrics.count('fanout.socketWrites', batch.subscribers);
      options.onFanOut?.(batch);
    },
  });
  const connections = new Set<ClientConnection>();
  const loginLimits = new Map<string, TokenBucket>();
  const lag = monitorEventLoopDelay({ resolution: 20 });
  let lagTimer: ReturnType<typeof setInterval> | null = null;
  let lastLagMs = 0;
  let server: Server | null = null;
  let wss: WebSocketServer | null = null;
  let offEvents: (() => void) | null = null;
  let bridge: RedisBridge | null = null;
  /** Set while stopping: an upgrade still being authenticated must not become a connection. */
  let stopping = false;
  const startedAt = Date.now();

  /**
   * Store one publish: on its channel, or on each of its channels. Copies of one occurrence share
   * an origin (the publisher's `id` when it gave one, else one drawn here), so a client shows them
   * as one notification listing every channel.
   */
  const publish = async (input: unknown): Promise<WireEvent[]> => {
    const { channel, channels, ...fields } = publishInputSchema.parse(input);
    const targets = channels ? [...new Set(channels)] : channel ? [channel] : [];
    const origin = fields.id ?? (targets.length > 1 ? `o-${randomUUID()}` : undefined);
    const stored: WireEvent[] = [];
    for (const target of targets) {
      stored.push(await log.append({ ...fields, channel: target, ...(origin ? { origin } : {}) }));
      metrics.mark('eventsIn');
    }
    return stored;
  };

  const demo = options.demo ? new DemoSource((e) => publish(e), logger) : null;

  const ctx: ConnectionContext = {
    log,
    metrics,
    logger,
    limits,
    heartbeatMs,
    instanceId,
    maxReplay: retention,
    attach(channel, connection) {
      fanOut.attach(channel, connection);
    },
    detach(channel, connection) {
      if (fanOut.detach(channel, connection)) log.unwatch(channel);
    },
    closed(connection) {
      connections.delete(connection);
    },
  };

  // ------------------------------------------------------------------ HTTP

  async function handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://gateway');
    const route = `${req.method ?? 'GET'} ${url.pathname}`;
    metrics.count(`http.${route}`);
    try {
      switch (route) {
        case 'GET /health':
          return await health(res);
        case 'GET /stats':
          return sendJson(res, 200, stats());
        case 'POST /auth/login':
          return await login(req, res);
        case 'POST /auth/refresh':
          return await refresh(req, res);
        case 'POST /publish':
          return await publishHttp(req, res);
        default:
          return sendError(res, 404, 'not-found', `no route ${route.slice(0, 100)}`);
      }
    } catch (error) {
      if (error instanceof BodyError)
        return sendError(res, error.status, error.code, error.message);
      logger.error('http handler failed', { route, error: String(error) });
      if (!res.headersSent) sendError(res, 500, 'internal', 'internal error');
    }
  }

  async function health(res: ServerResponse): Promise<void> {
    const storage = await log.check();
    const eventLoop = { ok: lastLagMs <= maxLagMs, lagMs: lastLagMs };
    const ok = storage.ok && eventLoop.ok;
    sendJson(res, ok ? 200 : 503, {
      status: ok ? 'ok' : 'down',
      instanceId,
      uptimeSec: Math.round((Date.now() - startedAt) / 1000),
      checks: { storage, eventLoop },
      reason: ok
        ? undefined
        : [storage.reason, eventLoop.ok ? undefined : `event loop lag ${lastLagMs} ms`]
            .filter(Boolean)
            .join('; '),
    });
  }

  function stats() {
    let subscriptions = 0;
    for (const c of connections) subscriptions += c.subscriptionCount;
    return {
      instanceId,
      uptimeSec: Math.round((Date.now() - startedAt) / 1000),
      connections: connections.size,
      subscriptions,
      channels: fanOut.channelCount,
      storage: log.health(),
      rates: metrics.ratesPerSecond(),
      counters: metrics.snapshot(),
      limits: { ...limits, maxConnections },
    };
  }

  function loginAllowed(req: IncomingMessage): boolean {
    const ip = clientAddress(req);
    let bucket = loginLimits.get(ip);
    if (!bucket) {
      if (loginLimits.size > 10_000) loginLimits.clear();
      loginLimits.set(ip, (bucket = new TokenBucket(10 / 60, 10)));
    }
    return bucket.take();
  }

  async function login(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!loginAllowed(req)) {
      metrics.count('auth.loginRateLimited');
      return sendError(res, 429, 'rate-limited', 'too many sign-in attempts; wait a minute', {
        'retry-after': '60',
      });
    }
    const body = loginRequestSchema.safeParse(await readJson(req, 16 * 1024));
    if (!body.success)
      return sendError(res, 400, 'bad-request', 'expected {"username","password"}');
    const user = await users.authenticate(body.data.username, body.data.password);
    if (!user) {
      metrics.count('auth.loginFailures');
      return sendError(res, 401, 'bad-credentials', 'unknown user or wrong password');
    }
    metrics.count('auth.logins');
    const issued = await tokens.issue(user);
    sendJson(res, 200, { ...issued, user: { sub: user.sub, role: user.role } });
  }

  async function refresh(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!loginAllowed(req)) {
      metrics.count('auth.loginRateLimited');
      return sendError(res, 429, 'rate-limited', 'too many attempts; wait a minute', {
        'retry-after': '60',
      });
    }
    const body = refreshRequestSchema.safeParse(await readJson(req, 16 * 1024));
    if (!body.success) return sendError(res, 400, 'bad-request', 'expected {"refresh"}');
    let principal: Principal;
    try {
      principal = await tokens.verifyRefresh(body.data.refresh);
    } catch (error) {
      metrics.count('auth.refreshFailures');
      const reason = error instanceof TokenError ? error.reason : 'invalid';
      return sendError(
        res,
        401,
        reason === 'expired' ? 'refresh-expired' : 'bad-token',
        'refresh token not accepted; sign in again',
      );
    }
    // The role comes from the current users list when the user still exists (a demotion takes effect).
    const current = users.bySub(principal.sub);
    const user = { sub: principal.sub, role: current?.role ?? principal.role };
    const issued = await tokens.issue(user);
    sendJson(res, 200, { ...issued, user });
  }

  function apiKeyValid(req: IncomingMessage): boolean {
    const key = bearerToken(req.headers.authorization) ?? headerValue(req.headers['x-api-key']);
    if (!key) return false;
    const given = Buffer.from(key);
    return apiKeys.some((k) => k.length === given.length && timingSafeEqual(k, given));
  }

  async function publishHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!apiKeyValid(req)) {
      metrics.count('publish.unauthorized');
      return sendError(
        res,
        401,
        'bad-api-key',
        'POST /publish needs a valid API key (Authorization: Bearer <key>)',
      );
    }
    const json = await readJson(req, 1024 * 1024);
    let body: ReturnType<typeof publishBodySchema.safeParse>;
    try {
      body = publishBodySchema.safeParse(json);
    } catch {
      // Event data is validated recursively: JSON nested deeper than the stack allows is a bad request.
      metrics.count('publish.badRequests');
      return sendError(res, 400, 'bad-request', 'body: nested too deeply');
    }
    if (!body.success) {
      metrics.count('publish.badRequests');
      const issue = body.error.issues[0];
      return sendError(
        res,
        400,
        'bad-request',
        `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`,
      );
    }
    const inputs = 'events' in body.data ? body.data.events : [body.data];
    try {
      const stored: WireEvent[][] = [];
      for (const input of inputs) stored.push(await publish(input));
      const summary = (e: WireEvent) => ({
        channel: e.channel,
        seq: e.seq,
        id: e.id,
        epoch: e.epoch,
        ...(e.origin ? { origin: e.origin } : {}),
      });
      const single = stored[0] ?? [];
      sendJson(
        res,
        202,
        'events' in body.data
          ? { events: stored.flat().map(summary) }
          : body.data.channels
            ? { origin: single[0]?.origin, events: single.map(summary) }
            : summary(single[0] as WireEvent),
      );
    } catch (error) {
      if (error instanceof StorageUnavailableError) {
        metrics.count('publish.storageUnavailable');
        return sendError(
          res,
          503,
          'storage-unavailable',
          'event storage is unavailable; retry later',
          { 'retry-after': '1' },
        );
      }
      throw error;
    }
  }

  // ------------------------------------------------------------------ WebSocket upgrade

  function reject(
    socket: Duplex,
    status: number,
    error: string,
    message: string,
    counter: string,
  ): void {
    metrics.count(`handshake.${counter}`);
    const body = JSON.stringify({ error, message });
    const reason =
      {
        400: 'Bad Request',
        401: 'Unauthorized',
        403: 'Forbidden',
        404: 'Not Found',
        503: 'Service Unavailable',
      }[status] ?? 'Error';
    const extra = status === 401 ? 'WWW-Authenticate: Bearer realm="lookout"\r\n' : '';
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}Connection: close\r\n\r\n${body}`,
    );
  }

  async function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => metrics.count('handshake.socketErrors'));
    const url = new URL(req.url ?? '/', 'http://gateway');
    if (url.pathname !== '/ws')
      return reject(socket, 404, 'not-found', 'the WebSocket endpoint is /ws', 'notFound');
    const origin = req.headers.origin;
    if (origin && allowedOrigins.size > 0 && !allowedOrigins.has(origin)) {
      return reject(
        socket,
        403,
        'origin-not-allowed',
        'this Origin may not connect',
        'originRejected',
      );
    }
    if (connections.size >= maxConnections) {
      return reject(
        socket,
        503,
        'at-capacity',
        'the gateway is at capacity; try again later',
        'atCapacity',
      );
    }
    const token =
      bearerToken(req.headers.authorization) ??
      url.searchParams.get('token') ??
      url.searchParams.get('access_token') ??
      undefined;
    let principal: Principal;
    try {
      principal = await tokens.verifyAccess(token);
    } catch (error) {
      const reason = error instanceof TokenError ? error.reason : 'invalid';
      return reject(
        socket,
        401,
        `token-${reason}`,
        `access token ${reason}`,
        `unauthorized.${reason}`,
      );
    }
    if (socket.destroyed) return;
    if (stopping || !wss) {
      // Authenticated while the gateway stopped: accepting it now would leave a connection that
      // gets no events and keeps stop() waiting for it forever. The client retries elsewhere.
      return reject(socket, 503, 'restarting', 'the gateway is restarting; retry', 'restarting');
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const connection = new ClientConnection(ws, socket, randomUUID(), principal, ctx);
      connections.add(connection);
      metrics.count('connections.accepted');
      connection.start();
    });
  }

  return {
    instanceId,
    metrics,
    demo,
    async start() {
      stopping = false;
      const all = [...(options.users ?? [])];
      if (options.usersFile) all.push(...(await loadUsersFile(options.usersFile)));
      if (options.demo) all.push(...(await demoUsers()));
      users = new UserDirectory(all);
      if (ownsLog) await log.start();
      offEvents = log.onEvent((event) => fanOut.push(event));
      lag.enable();
      lagTimer = setInterval(() => {
        lastLagMs = Math.round(lag.percentile(99) / 1e6);
        lag.reset();
      }, 2_000);
      lagTimer.unref();
      wss = new WebSocketServer({
        noServer: true,
        maxPayload: Math.max(limits.maxPayloadBytes * 4, 1024 * 1024),
      });
      server = createServer((req, res) => void handleHttp(req, res));
      server.on('upgrade', (req, socket, head) => void handleUpgrade(req, socket, head));
      server.on('clientError', (_error, socket) => socket.destroy());
      const srv = server;
      await new Promise<void>((resolve, rejectListen) => {
        srv.once('error', rejectListen);
        srv.listen(options.port ?? 8080, options.host ?? '127.0.0.1', () => {
          srv.off('error', rejectListen);
          resolve();
        });
      });
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      const host = options.host && options.host !== '0.0.0.0' ? options.host : '127.0.0.1';
      if (options.bridges) {
        bridge = new RedisBridge(options.bridges, (e) => publish(e), logger, metrics);
        await bridge.start();
      }
      if (demo && options.demoTraffic !== false) demo.start();
      logger.info('gateway listening', {
        instanceId,
        port,
        storage: log.kind,
        demo: Boolean(options.demo),
      });
      return { port, url: `http://${host}:${port}`, wsUrl: `ws://${host}:${port}/ws` };
    },
    async stop() {
      stopping = true;
      demo?.stop();
      await bridge?.stop();
      bridge = null;
      for (const c of [...connections]) c.close(LOOKOUT_CLOSE.RESTARTING, 'gateway restarting');
      offEvents?.();
      offEvents = null;
      fanOut.clear();
      if (lagTimer) clearInterval(lagTimer);
      lag.disable();
      const srv = server;
      server = null;
      if (srv) {
        await new Promise<void>((resolve) => {
          srv.close(() => resolve());
          srv.closeAllConnections();
        });
      }
      wss?.close();
      wss = null;
      if (ownsLog) await log.stop();
    },
    publish: async (channel, input) => (await publish({ ...input, channel }))[0] as WireEvent,
    publishToChannels: (channels, input) => publish({ ...input, channels }),
    issueTokens: (user) => tokens.issue(user),
    revoke(sub) {
      let n = 0;
      for (const c of [...connections]) {
        if (c.principal.sub === sub) {
          c.close(LOOKOUT_CLOSE.TOKEN_REVOKED, 'token revoked');
          n++;
        }
      }
      return n;
    },
  };
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
