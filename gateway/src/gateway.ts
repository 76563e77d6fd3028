import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { WebSocketServer } from 'ws';
import type { JSONWebKeySet } from 'jose';
import { LOOKOUT_CLOSE } from '../../shared/close-codes';
import { parseRequestTarget, queryParams } from '../../shared/http/request-target';
import {
  publishBodySchema,
  publishInputSchema,
  type PublishInput,
  type WireEvent,
  type WireLimits,
} from '../../shared/protocol/lookout-wire';
import { AuthService } from './auth/auth-service';
import { MemoryAuthState, type AuthState, type Revocation } from './auth/auth-state';
import { ClientAddresses } from './auth/client-address';
import { LazyRedisAuthState } from './auth/lazy-redis-auth-state';
import { DEFAULT_AUTH_LIMITS, LoginLimiter, type AuthLimits } from './auth/login-limiter';
import { UserSource, demoUsers, type UserRecord } from './auth/users';
import { TokenError, TokenService, type IssuedTokens, type Principal } from './auth/tokens';
import type { BridgeOptions, RedisBridge } from './bridges/redis-bridge';
import { DemoSource } from './demo/demo-source';
import {
  BodyError,
  answerSocket,
  bearerToken,
  readJson,
  sendError,
  sendJson,
} from './http/http-util';
import {
  guardParserErrors,
  guardPendingHeads,
  totalHandler,
  type PendingHeads,
} from './http/server-guards';
import { consoleLogger, type GatewayLogger } from './logger';
import { GatewayMetrics } from './metrics';
import { StorageUnavailableError, type EventLog } from './storage/event-log';
import { MemoryEventLog } from './storage/memory-log';
import { LazyRedisEventLog } from './storage/lazy-redis-log';
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
  /** Proxies whose `X-Forwarded-For` is believed for per-client limits (addresses or CIDR ranges). */
  trustedProxies?: string[];
  /** Sign-in limiter budgets (docs/protocol.md §8). */
  authLimits?: Partial<AuthLimits>;
  usersFile?: string;
  /** API keys allowed to `POST /publish`. */
  apiKeys?: string[];
  /** Operator keys: the full `GET /stats` (counters, limits, gauges). Without one, `/stats` is a short public view. */
  operatorKeys?: string[];
  /**
   * Demo users and (unless `demoTraffic: false`) generated traffic. No API key comes with it: the
   * public demo key is added by `npm run gateway -- --demo` only (`cli.ts`), never by an embedder.
   */
  demo?: boolean;
  demoTraffic?: boolean;
  /** Password of the demo users (default the public `DEMO_PASSWORD`; the app's embedded gateway picks a random one per launch). */
  demoPassword?: string;
  /** Redis Streams storage; the in-process log when absent. */
  redisUrl?: string;
  /** A log to use instead (shared in-process log across restarts, tests). Not stopped by `stop()`. */
  eventLog?: EventLog;
  /** Events kept per channel for replay. */
  retention?: number;
  limits?: Partial<GatewayLimits>;
  /** Browser Origins allowed to connect; empty/absent = any. Requests without Origin (native clients) pass. */
  allowedOrigins?: string[];
  heartbeatMs?: number;
  /** A connection whose request head has not fully arrived after this is answered 408 and closed. Default 10 s. */
  headersTimeoutMs?: number;
  /** A replay paused on a client that does not read closes it with 4014 after this. Default 30 s. */
  stallTimeoutMs?: number;
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
  /**
   * Revoke a user: every session begun before now ends (on every instance, through Redis when
   * used), their tokens are refused, their sockets closed with 4004. Resolves with the number of
   * this instance's sockets closed.
   */
  revoke(sub: string): Promise<number>;
  /** Resource use right now (connections, pending heads, send buffers). */
  gauges(): GatewayGauges;
  readonly demo: DemoSource | null;
  readonly metrics: GatewayMetrics;
  readonly instanceId: string;
}

type RouteHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

/** The per-client limits sent in `hello`, and the instance's own resource caps (docs/protocol.md §12). */
export interface GatewayLimits extends WireLimits {
  /** Open WebSockets on this instance. */
  maxConnections: number;
  /** Open WebSockets of one user (`sub`) on this instance. */
  maxConnectionsPerUser: number;
  /** TCP connections whose request head is still arriving, in all and from one address. */
  maxPendingConnections: number;
  maxPendingPerAddress: number;
  /** Bytes queued for one socket that the client has not taken yet (the slow-client budget). */
  maxBufferedBytes: number;
}

const DEFAULT_LIMITS: GatewayLimits = {
  maxPayloadBytes: 64 * 1024,
  maxSubscriptions: 100,
  ratePerSecond: 20,
  rateBurst: 40,
  maxConnections: 10_000,
  maxConnectionsPerUser: 20,
  maxPendingConnections: 1_000,
  maxPendingPerAddress: 100,
  maxBufferedBytes: 4 * 1024 * 1024,
};

/** What `GET /stats` shows without an operator key: enough for the app's health probe, no counters. */
export interface PublicStats {
  instanceId: string;
  uptimeSec: number;
  connections: number;
  subscriptions: number;
  channels: number;
  storage: { ok: boolean; kind: 'memory' | 'redis' };
}

/** Point-in-time resource use of this instance (`GET /stats` with an operator key shows them). */
export interface GatewayGauges {
  connections: number;
  /** Connections whose request head is still arriving. */
  pendingConnections: number;
  /** Bytes queued on every socket and not yet taken by the clients, and the largest single queue. */
  sendBufferBytes: number;
  largestSendBufferBytes: number;
  /** Sign-in limiter buckets held in this instance's memory (bounded by `authLimits.maxTrackedKeys`). */
  trackedLimiterKeys: number;
}

/** Build a gateway; nothing listens until `start()`. */
export function createGateway(options: GatewayOptions = {}): Gateway {
  const logger = options.logger ?? consoleLogger;
  const instanceId = options.instanceId ?? `gw-${randomUUID().slice(0, 8)}`;
  const metrics = new GatewayMetrics();
  const allLimits: GatewayLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const {
    maxConnections,
    maxConnectionsPerUser,
    maxPendingConnections,
    maxPendingPerAddress,
    maxBufferedBytes,
    ...limits
  } = allLimits;
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
  const apiKeys = keySet(options.apiKeys ?? []);
  const operatorKeys = keySet(options.operatorKeys ?? []);
  const ownsLog = !options.eventLog;
  const log: EventLog =
    options.eventLog ??
    (options.redisUrl
      ? new LazyRedisEventLog({ url: options.redisUrl, retention, logger })
      : new MemoryEventLog(retention));
  const allowedOrigins = new Set(options.allowedOrigins ?? []);
  const maxLagMs = options.maxEventLoopLagMs ?? 1_000;

  const users = new UserSource(options.users ?? [], options.usersFile, (reason) => {
    metrics.count('auth.usersFileErrors');
    logger.error('the users file could not be read again; keeping the last good list', { reason });
  });
  const authLimits: AuthLimits = { ...DEFAULT_AUTH_LIMITS, ...options.authLimits };
  // A revocation must outlive every token it covers.
  const revocationRetentionMs = Math.max(tokens.refreshTtlSec, tokens.accessTtlSec) * 1000 + 60_000;
  const authState: AuthState = options.redisUrl
    ? new LazyRedisAuthState({
        url: options.redisUrl,
        revocationRetentionMs,
        maxTrackedKeys: authLimits.maxTrackedKeys,
        logger,
      })
    : new MemoryAuthState({ revocationRetentionMs, maxTrackedKeys: authLimits.maxTrackedKeys });
  const auth = new AuthService({
    tokens,
    users,
    state: authState,
    limiter: new LoginLimiter(authState, authLimits),
    addresses: new ClientAddresses(options.trustedProxies),
    secret,
    metrics,
  });
  const fanOut = new FanOut({
    onBatch(batch) {
      metrics.count('fanout.batches');
      metrics.count('fanout.events', batch.events.length);
      metrics.count('fanout.socketWrites', batch.subscribers);
      options.onFanOut?.(batch);
    },
  });
  const connections = new Set<ClientConnection>();
  /** Every accepted socket until it is really gone (a closed one may still hold unsent bytes). */
  const sockets = new Set<ClientConnection>();
  /** Open sockets per user, for `maxConnectionsPerUser`. */
  const perUser = new Map<string, number>();
  let pendingHeads: PendingHeads | null = null;
  const lag = monitorEventLoopDelay({ resolution: 20 });
  let lagTimer: ReturnType<typeof setInterval> | null = null;
  let lastLagMs = 0;
  let server: Server | null = null;
  let wss: WebSocketServer | null = null;
  let offEvents: (() => void) | null = null;
  let offRevocations: (() => void) | null = null;
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
    sendBudgetBytes: maxBufferedBytes,
    stallTimeoutMs: options.stallTimeoutMs ?? 30_000,
    attach(channel, connection) {
      fanOut.attach(channel, connection);
    },
    detach(channel, connection) {
      if (fanOut.detach(channel, connection)) log.unwatch(channel);
    },
    closed(connection) {
      if (!connections.delete(connection)) return;
      const n = (perUser.get(connection.principal.sub) ?? 1) - 1;
      if (n > 0) perUser.set(connection.principal.sub, n);
      else perUser.delete(connection.principal.sub);
    },
  };

  // ------------------------------------------------------------------ HTTP

  /** The HTTP routes: path → method → handler. Anything else is 404 or 405, never a throw. */
  const routes = new Map<string, Partial<Record<string, RouteHandler>>>([
    ['/health', { GET: (_req, res) => health(res) }],
    ['/stats', { GET: statsHttp }],
    ['/auth/login', { POST: (req, res) => auth.login(req, res) }],
    ['/auth/refresh', { POST: (req, res) => auth.refresh(req, res) }],
    ['/auth/revoke', { POST: revokeHttp }],
    ['/publish', { POST: publishHttp }],
  ]);

  async function handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const target = parseRequestTarget(req.url);
    if (!target.ok) {
      metrics.count('http.badTarget');
      return sendError(res, 400, 'bad-target', target.reason);
    }
    const methods = routes.get(target.path);
    if (!methods) {
      // Counted under one key: a counter per unknown path would let anyone grow /stats forever.
      metrics.count('http.notFound');
      return sendError(res, 404, 'not-found', 'no such route; see docs/protocol.md §8');
    }
    const method = req.method === 'HEAD' && methods.GET ? 'GET' : (req.method ?? '');
    const handler = Object.hasOwn(methods, method) ? methods[method] : undefined;
    if (!handler) {
      metrics.count('http.methodNotAllowed');
      const allow = Object.keys(methods).join(', ');
      return sendError(res, 405, 'method-not-allowed', `use ${allow} here`, { allow });
    }
    const route = `${method} ${target.path}`;
    metrics.count(`http.${route}`);
    try {
      return await handler(req, res);
    } catch (error) {
      if (error instanceof BodyError)
        return sendError(res, error.status, error.code, error.message);
      throw error;
    }
  }

  /** Last line of the HTTP path: a handler that failed unexpectedly answers 500, never crashes. */
  function httpFailed(error: unknown, req: IncomingMessage, res: ServerResponse): void {
    metrics.count('http.internalErrors');
    logger.error('http handler failed', { method: req.method, error: String(error) });
    if (!res.headersSent) sendError(res, 500, 'internal', 'internal error');
    else res.destroy();
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

  function publicStats(): PublicStats {
    let subscriptions = 0;
    for (const c of connections) subscriptions += c.subscriptionCount;
    const storage = log.health();
    return {
      instanceId,
      uptimeSec: Math.round((Date.now() - startedAt) / 1000),
      connections: connections.size,
      subscriptions,
      channels: fanOut.channelCount,
      storage: { ok: storage.ok, kind: storage.kind },
    };
  }

  function gauges(): GatewayGauges {
    let total = 0;
    let largest = 0;
    for (const c of sockets) {
      const queued = c.bufferedBytes;
      total += queued;
      if (queued > largest) largest = queued;
    }
    return {
      connections: connections.size,
      pendingConnections: pendingHeads?.size ?? 0,
      trackedLimiterKeys: authState.trackedKeys,
      sendBufferBytes: total,
      largestSendBufferBytes: largest,
    };
  }

  /**
   * `GET /stats`: the public view for anyone (the app's health probe reads it), everything with an
   * operator key. Counters are bounded (metric names come from fixed sets), but they describe what
   * clients get wrong and how the instance is configured: that is for operators.
   */
  function statsHttp(req: IncomingMessage, res: ServerResponse): void {
    const given = presentedKey(req);
    if (given === undefined) return sendJson(res, 200, publicStats());
    if (!keyMatches(operatorKeys, given)) {
      metrics.count('stats.unauthorized');
      return sendError(
        res,
        401,
        'bad-operator-key',
        '/stats without a key is the public view; the full view needs an operator key (LOOKOUT_OPERATOR_KEYS)',
      );
    }
    sendJson(res, 200, {
      ...publicStats(),
      storage: log.health(),
      gauges: gauges(),
      rates: metrics.ratesPerSecond(),
      counters: metrics.snapshot(),
      limits: allLimits,
    });
  }

  /** `POST /auth/revoke`: operators only (the same keys as the full `/stats`). */
  async function revokeHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!keyMatches(operatorKeys, presentedKey(req))) {
      metrics.count('auth.revokeUnauthorized');
      return sendError(
        res,
        401,
        'bad-operator-key',
        'POST /auth/revoke needs an operator key (Authorization: Bearer <key>, LOOKOUT_OPERATOR_KEYS)',
      );
    }
    return auth.revokeRoute(req, res, revoke);
  }

  async function revoke(sub: string): Promise<number> {
    const mine = [...connections].filter((c) => c.principal.sub === sub).length;
    await authState.revokeUser(sub, Date.now());
    metrics.count('auth.revocations');
    logger.info('user revoked', { sub });
    return mine;
  }

  /** Close this instance's sockets a revocation covers (it may come from another instance). */
  function closeRevoked(revocation: Revocation): void {
    for (const c of [...connections]) {
      const covered =
        revocation.kind === 'session'
          ? c.principal.sid === revocation.sid
          : c.principal.sub === revocation.sub && authState.isRevoked(c.principal);
      if (covered) c.close(LOOKOUT_CLOSE.TOKEN_REVOKED, 'session revoked: sign in again');
    }
  }

  function apiKeyValid(req: IncomingMessage): boolean {
    return keyMatches(apiKeys, presentedKey(req));
  }

  async function publishHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (apiKeys.length === 0) {
      metrics.count('publish.disabled');
      return sendError(
        res,
        403,
        'publish-disabled',
        'this gateway takes no publishes over HTTP (no API keys are configured: LOOKOUT_API_KEYS)',
      );
    }
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
    answerSocket(
      socket,
      status,
      error,
      message,
      status === 401 ? { 'WWW-Authenticate': 'Bearer realm="lookout"' } : {},
    );
  }

  async function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => metrics.count('handshake.socketErrors'));
    const target = parseRequestTarget(req.url);
    if (!target.ok) return reject(socket, 400, 'bad-target', target.reason, 'badTarget');
    if (target.path !== '/ws')
      return reject(socket, 404, 'not-found', 'the WebSocket endpoint is /ws', 'notFound');
    if (req.method !== 'GET')
      return reject(socket, 405, 'method-not-allowed', 'upgrade with GET /ws', 'badMethod');
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
    const query = queryParams(target.rawQuery);
    const token =
      bearerToken(req.headers.authorization) ??
      query.get('token') ??
      query.get('access_token') ??
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
    const refusal = await auth.upgradeRefusal(principal);
    if (refusal)
      return reject(
        socket,
        401,
        'token-revoked',
        `${refusal}; sign in again`,
        'unauthorized.revoked',
      );
    if (socket.destroyed) return;
    if (stopping || !wss) {
      // Authenticated while the gateway stopped: accepting it now would leave a connection that
      // gets no events and keeps stop() waiting for it forever. The client retries elsewhere.
      return reject(socket, 503, 'restarting', 'the gateway is restarting; retry', 'restarting');
    }
    // Checked and counted with no await in between (handleUpgrade calls back synchronously), so
    // simultaneous upgrades of one user cannot all slip under the cap.
    if ((perUser.get(principal.sub) ?? 0) >= maxConnectionsPerUser) {
      metrics.count('handshake.perUserLimit');
      return answerSocket(
        socket,
        429,
        'too-many-connections',
        `this user already has ${maxConnectionsPerUser} connections to this instance; close one`,
        { 'Retry-After': '10' },
      );
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const connection = new ClientConnection(ws, socket, randomUUID(), principal, ctx);
      connections.add(connection);
      sockets.add(connection);
      ws.once('close', () => sockets.delete(connection));
      perUser.set(principal.sub, (perUser.get(principal.sub) ?? 0) + 1);
      metrics.count('connections.accepted');
      connection.start();
    });
  }

  /** Last line of the upgrade path: answer 500 and close, never crash. */
  function upgradeFailed(error: unknown, _req: IncomingMessage, socket: Duplex): void {
    metrics.count('handshake.internalErrors');
    logger.error('upgrade handler failed', { error: String(error) });
    answerSocket(socket, 500, 'internal', 'internal error');
  }

  return {
    instanceId,
    metrics,
    demo,
    async start() {
      stopping = false;
      if (options.demo) users.addFixed(await demoUsers(options.demoPassword));
      await users.load();
      await authState.start();
      offRevocations = authState.onRevocation(closeRevoked);
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
      server = createServer(totalHandler(handleHttp, httpFailed));
      server.on('upgrade', totalHandler(handleUpgrade, upgradeFailed));
      guardParserErrors(server, (name) => metrics.count(name));
      pendingHeads = guardPendingHeads(server, {
        max: maxPendingConnections,
        maxPerAddress: maxPendingPerAddress,
        timeoutMs: options.headersTimeoutMs ?? 10_000,
        count: (name) => metrics.count(name),
      });
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
        // Loaded here so a gateway without bridges never loads the Redis client.
        const { RedisBridge } = await import('./bridges/redis-bridge');
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
      offRevocations?.();
      offRevocations = null;
      await authState.stop();
    },
    publish: async (channel, input) => (await publish({ ...input, channel }))[0] as WireEvent,
    publishToChannels: (channels, input) => publish({ ...input, channels }),
    gauges,
    async issueTokens(user) {
      return auth.openSession(user, (await users.current()).bySub(user.sub));
    },
    revoke,
  };
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The key a request presents: `Authorization: Bearer <key>` or `X-Api-Key`. */
function presentedKey(req: IncomingMessage): string | undefined {
  return bearerToken(req.headers.authorization) ?? headerValue(req.headers['x-api-key']);
}

function keySet(keys: readonly string[]): Buffer[] {
  return keys.filter((k) => k.length > 0).map((k) => Buffer.from(k));
}

/** Constant-time membership (per candidate) of a presented key. */
function keyMatches(keys: readonly Buffer[], presented: string | undefined): boolean {
  if (!presented) return false;
  const given = Buffer.from(presented);
  return keys.some((k) => k.length === given.length && timingSafeEqual(k, given));
}
