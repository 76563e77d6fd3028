import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { WebSocketServer } from 'ws';
import { LOOKOUT_CLOSE } from '../../shared/close-codes';
import type { WireEvent } from '../../shared/protocol/lookout-wire';
import { AuthService } from './auth/auth-service';
import { MemoryAuthState, type AuthState } from './auth/auth-state';
import { ClientAddresses } from './auth/client-address';
import { LazyRedisAuthState } from './auth/lazy-redis-auth-state';
import { DEFAULT_AUTH_LIMITS, LoginLimiter, type AuthLimits } from './auth/login-limiter';
import { TokenService } from './auth/tokens';
import { UserSource, demoUsers } from './auth/users';
import type { RedisBridge } from './bridges/redis-bridge';
import { DemoSource } from './demo/demo-source';
import { HealthMonitor } from './health';
import { KeySet } from './http/keys';
import { HttpApi } from './http/routes';
import {
  guardParserErrors,
  guardPendingHeads,
  totalHandler,
  type PendingHeads,
} from './http/server-guards';
import { consoleLogger } from './logger';
import { GatewayMetrics } from './metrics';
import type { PrometheusExporter } from './observability/prometheus';
import {
  DEFAULT_LIMITS,
  type DrainResult,
  type Gateway,
  type GatewayGauges,
  type GatewayLimits,
  type GatewayOptions,
  type PublicStats,
} from './options';
import { Publisher } from './publisher';
import type { EventLog } from './storage/event-log';
import { LazyRedisEventLog } from './storage/lazy-redis-log';
import { MemoryEventLog } from './storage/memory-log';
import { topologyOf } from './storage/redis-topology';
import type { ConnectionContext } from './ws/client-connection';
import { ConnectionRegistry } from './ws/connection-registry';
import { FanOut } from './ws/fan-out';
import { HeartbeatWheel } from './ws/heartbeat-wheel';
import { UpgradeHandler } from './ws/upgrade';

export type {
  DrainResult,
  Gateway,
  GatewayAddress,
  GatewayGauges,
  GatewayLimits,
  GatewayOptions,
  PublicStats,
} from './options';

/**
 * Build a gateway; nothing listens until `start()`. This is the one place that composes the
 * pieces (storage, auth, fan-out, the HTTP routes, the upgrade path, health, metrics) and owns
 * the instance's life: start, drain, stop.
 */
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
    maxPendingAppends,
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
  const redis = topologyOf(options);
  const ownsLog = !options.eventLog;
  const log: EventLog =
    options.eventLog ??
    (redis
      ? new LazyRedisEventLog({
          redis,
          retention,
          channelTtlSec: options.channelTtlSec,
          logger,
          metrics,
        })
      : new MemoryEventLog(retention));

  const users = new UserSource(options.users ?? [], options.usersFile, (reason) => {
    metrics.count('auth.usersFileErrors');
    logger.error('the users file could not be read again; keeping the last good list', { reason });
  });
  const authLimits: AuthLimits = { ...DEFAULT_AUTH_LIMITS, ...options.authLimits };
  // A revocation must outlive every token it covers.
  const revocationRetentionMs = Math.max(tokens.refreshTtlSec, tokens.accessTtlSec) * 1000 + 60_000;
  const authState: AuthState = redis
    ? new LazyRedisAuthState({
        redis,
        revocationRetentionMs,
        maxTrackedKeys: authLimits.maxTrackedKeys,
        logger,
      })
    : new MemoryAuthState({ revocationRetentionMs, maxTrackedKeys: authLimits.maxTrackedKeys });
  const addresses = new ClientAddresses(options.trustedProxies);
  const auth = new AuthService({
    tokens,
    users,
    state: authState,
    limiter: new LoginLimiter(authState, authLimits),
    addresses,
    secret,
    metrics,
  });
  const publisher = new Publisher(log, metrics, logger, maxPendingAppends);
  const demo = options.demo
    ? new DemoSource((e) => publisher.publish(e), logger, options.demoTickMs)
    : null;
  const fanOut = new FanOut({
    onBatch(batch) {
      metrics.count('fanout.batches');
      metrics.count('fanout.events', batch.events.length);
      metrics.count('fanout.socketWrites', batch.subscribers);
      metrics.observe('fanout.seconds', batch.durationMs / 1000);
      options.onFanOut?.(batch);
    },
  });
  const registry = new ConnectionRegistry();
  const health = new HealthMonitor({
    log,
    instanceId,
    maxLagMs: options.maxEventLoopLagMs ?? 1_000,
    readinessGraceMs: options.readinessGraceMs ?? 30_000,
  });

  let server: Server | null = null;
  let wss: WebSocketServer | null = null;
  let pendingHeads: PendingHeads | null = null;
  let offEvents: (() => void) | null = null;
  let offRevocations: (() => void) | null = null;
  let bridge: RedisBridge | null = null;
  let prometheus: PrometheusExporter | null = null;
  let started = false;
  let draining = false;
  /** Set while stopping: an upgrade still being authenticated must not become a connection. */
  let stopping = false;

  /** Why this instance takes no new clients, or null when it does. */
  const refusing = (): string | null =>
    !started
      ? 'not started'
      : draining
        ? 'this instance is draining'
        : registry.size >= maxConnections
          ? 'at capacity'
          : null;

  const context: ConnectionContext = {
    log,
    metrics,
    logger,
    limits,
    heartbeatMs,
    heartbeats: new HeartbeatWheel(heartbeatMs),
    instanceId,
    maxReplay: retention,
    sendBudgetBytes: maxBufferedBytes,
    stallTimeoutMs: options.stallTimeoutMs ?? 30_000,
    attach: (channel, connection) => fanOut.attach(channel, connection),
    detach(channel, connection) {
      if (fanOut.detach(channel, connection)) log.unwatch(channel);
    },
    closed: (connection) => registry.remove(connection),
  };

  function publicStats(): PublicStats {
    const storage = log.health();
    return {
      instanceId,
      uptimeSec: health.uptimeSec(),
      connections: registry.size,
      subscriptions: registry.subscriptions(),
      channels: fanOut.channelCount,
      storage: { ok: storage.ok, kind: storage.kind },
    };
  }

  function gauges(): GatewayGauges {
    const buffers = registry.sendBuffers();
    return {
      connections: registry.size,
      pendingConnections: pendingHeads?.size ?? 0,
      trackedLimiterKeys: authState.trackedKeys,
      sendBufferBytes: buffers.total,
      largestSendBufferBytes: buffers.largest,
      pendingAppends: publisher.pendingAppends,
    };
  }

  async function revoke(sub: string): Promise<number> {
    const mine = registry.ofUser(sub).length;
    await authState.revokeUser(sub, Date.now());
    metrics.count('auth.revocations');
    logger.info('user revoked', { sub });
    return mine;
  }

  const http = new HttpApi({
    metrics,
    logger,
    health,
    auth,
    publisher,
    apiKeys: new KeySet(options.apiKeys ?? []),
    operatorKeys: new KeySet(options.operatorKeys ?? []),
    publicMetrics: options.publicMetrics ?? false,
    limits: allLimits,
    publicStats,
    gauges,
    storage: () => log.health(),
    refusing,
    prometheus: () => prometheus,
    revoke,
  });
  const upgrade = new UpgradeHandler({
    metrics,
    logger,
    tokens,
    auth,
    addresses,
    registry,
    context,
    allowedOrigins: new Set(options.allowedOrigins ?? []),
    maxConnections,
    maxConnectionsPerUser,
    wss: () => wss,
    refusing: () => (draining ? 'this instance is draining' : null),
    stopping: () => stopping,
  });

  async function loadPrometheus(): Promise<void> {
    if (options.prometheus === false) return;
    // Loaded here so the app's embedded gateway (prometheus: false) never loads prom-client.
    const { PrometheusExporter } = await import('./observability/prometheus');
    const exporter = new PrometheusExporter({
      instanceId,
      metrics,
      connections: () => registry.size,
      subscriptions: () => registry.subscriptions(),
      channels: () => fanOut.channelCount,
      pendingConnections: () => pendingHeads?.size ?? 0,
      pendingAppends: () => publisher.pendingAppends,
      sendBuffers: () => registry.sendBuffers(),
      lagMs: () => health.lagMs,
      storageUp: () => log.health().ok,
      draining: () => draining,
    });
    metrics.setObserver((name, value) => exporter.observe(name, value));
    prometheus = exporter;
  }

  async function listen(): Promise<{ port: number; host: string }> {
    wss = new WebSocketServer({
      noServer: true,
      maxPayload: Math.max(limits.maxPayloadBytes * 4, 1024 * 1024),
    });
    const srv = createServer(totalHandler(http.handle, http.failed));
    server = srv;
    srv.on('upgrade', totalHandler(upgrade.handle, upgrade.failed));
    guardParserErrors(srv, (name) => metrics.count(name));
    pendingHeads = guardPendingHeads(srv, {
      max: maxPendingConnections,
      maxPerAddress: maxPendingPerAddress,
      timeoutMs: options.headersTimeoutMs ?? 10_000,
      count: (name) => metrics.count(name),
    });
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
    return { port, host };
  }

  async function drain(windowMs = options.drainWindowMs ?? 10_000): Promise<DrainResult> {
    const began = Date.now();
    draining = true;
    demo?.stop();
    const clients = registry.snapshot();
    logger.info('draining: no new clients; moving the connected ones', {
      clients: clients.length,
      windowMs,
    });
    // Each client gets its own moment in the window, so they arrive at the other instances a few
    // at a time (and add their own jitter on top: 4015 backs off, docs/protocol.md §6).
    await Promise.all(
      clients.map(
        (c) =>
          new Promise<void>((resolve) => {
            const timer = setTimeout(() => {
              c.close(LOOKOUT_CLOSE.MOVING, 'instance draining: reconnect to another');
              resolve();
            }, Math.random() * windowMs);
            // A stop() during the drain closes the rest at once; these then find them closed.
            void timer;
          }),
      ),
    );
    metrics.count('drain.moved', clients.length);
    return { moved: clients.length, durationMs: Date.now() - began };
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
      offRevocations = authState.onRevocation((revocation) =>
        registry.closeRevoked(revocation, (c) => authState.isRevoked(c.principal)),
      );
      if (ownsLog) await log.start();
      offEvents = log.onEvent((event) => fanOut.push(event));
      await loadPrometheus();
      health.start();
      const { port, host } = await listen();
      if (options.bridges) {
        // Loaded here so a gateway without bridges never loads the Redis client.
        const { RedisBridge } = await import('./bridges/redis-bridge');
        bridge = new RedisBridge(options.bridges, (e) => publisher.publish(e), logger, metrics);
        await bridge.start();
      }
      if (demo && options.demoTraffic !== false) demo.start();
      started = true;
      logger.info('gateway listening', {
        instanceId,
        port,
        storage: log.kind,
        demo: Boolean(options.demo),
      });
      return { port, url: `http://${host}:${port}`, wsUrl: `ws://${host}:${port}/ws` };
    },
    drain,
    async stop() {
      started = false;
      stopping = true;
      demo?.stop();
      await bridge?.stop();
      bridge = null;
      registry.closeAll(LOOKOUT_CLOSE.RESTARTING, 'gateway restarting');
      context.heartbeats.stop();
      offEvents?.();
      offEvents = null;
      fanOut.clear();
      health.stop();
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
      metrics.setObserver(null);
    },
    publish: async (channel, input) =>
      (await publisher.publish({ ...input, channel }))[0] as WireEvent,
    publishToChannels: (channels, input) => publisher.publish({ ...input, channels }),
    gauges,
    async issueTokens(user) {
      return auth.openSession(user, (await users.current()).bySub(user.sub));
    },
    revoke,
    async reloadUsers() {
      const directory = await users.current();
      return directory.size;
    },
  };
}
