import { createServer, type Server } from 'node:http';
import type { HealthMonitor } from '../health';
import { KeySet } from '../http/keys';
import { HttpApi } from './http-api';
import { guardParserErrors, totalHandler, type PendingHeads } from '../http/server-guards';
import type { GatewayLogger } from '../logger';
import type { GatewayMetrics } from '../metrics';
import type { GatewayLimits, GatewayOptions } from '../options';
import type { Publisher } from '../publisher';
import type { EventLog } from '../storage/event-log';
import { UpgradeHandler } from '../ws/upgrade';
import type { GatewayAuth } from './auth';
import type { LiveHub } from './live-hub';
import type { ServingState } from './serving-state';
import type { InstanceStats } from './stats';

/** What the routes and the upgrade path work with. */
export interface GatewayServerParts {
  auth: GatewayAuth;
  hub: LiveHub;
  publisher: Publisher;
  health: HealthMonitor;
  stats: InstanceStats;
  serving: ServingState;
  /** The slow-head guard: one tracker across restarts, read by the gauges. */
  pendingHeads: PendingHeads;
  log: EventLog;
  metrics: GatewayMetrics;
  logger: GatewayLogger;
  /** Revoke a user; resolves with the number of this instance's sockets it ends. */
  revoke(sub: string): Promise<number>;
}

/**
 * The one HTTP server of an instance: the routes for requests (`HttpApi`), the upgrade path for
 * `GET /ws` (`UpgradeHandler`), both built here from the instance's parts and made total (a handler that throws answers 500, never crashes), and the guards against
 * malformed and slow request heads. A fresh socket per `listen()`; `close()` ends every
 * connection still open, so a stop never waits on a keep-alive.
 */
export class GatewayServer {
  private server: Server | null = null;
  private readonly http: HttpApi;
  private readonly upgrade: UpgradeHandler;

  constructor(
    private readonly options: GatewayOptions,
    limits: GatewayLimits,
    private readonly parts: GatewayServerParts,
  ) {
    const { auth, hub, stats, serving, metrics, logger } = parts;
    this.http = new HttpApi({
      metrics,
      logger,
      health: parts.health,
      auth: auth.service,
      publisher: parts.publisher,
      apiKeys: new KeySet(options.apiKeys ?? []),
      operatorKeys: new KeySet(options.operatorKeys ?? []),
      publicMetrics: options.publicMetrics ?? false,
      limits,
      publicStats: () => stats.publicStats(),
      gauges: () => stats.gauges(),
      storage: () => parts.log.health(),
      refusing: () => serving.refusing(),
      prometheus: () => stats.prometheus,
      revoke: parts.revoke,
    });
    this.upgrade = new UpgradeHandler({
      metrics,
      logger,
      tokens: auth.tokens,
      auth: auth.service,
      addresses: auth.addresses,
      registry: hub.registry,
      context: hub.context,
      allowedOrigins: new Set(options.allowedOrigins ?? []),
      maxConnections: limits.maxConnections,
      maxConnectionsPerUser: limits.maxConnectionsPerUser,
      maxPayload: Math.max(limits.maxPayloadBytes * 4, 1024 * 1024),
      refusing: () => serving.refusingUpgrades(),
      stopping: () => serving.stopping,
    });
  }

  /** Listen; resolves with the port taken and the host to give clients. */
  async listen(): Promise<{ port: number; host: string }> {
    const { http, upgrade } = this;
    const { metrics, pendingHeads } = this.parts;
    upgrade.open();
    const srv = createServer(totalHandler(http.handle, http.failed));
    this.server = srv;
    srv.on('upgrade', totalHandler(upgrade.handle, upgrade.failed));
    guardParserErrors(srv, (name) => metrics.count(name));
    pendingHeads.guard(srv);
    await new Promise<void>((resolve, rejectListen) => {
      srv.once('error', rejectListen);
      srv.listen(this.options.port ?? 8080, this.options.host ?? '127.0.0.1', () => {
        srv.off('error', rejectListen);
        resolve();
      });
    });
    const address = srv.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const wanted = this.options.host;
    // A wildcard address is not one a client can dial: give it loopback.
    const host = wanted && wanted !== '0.0.0.0' ? wanted : '127.0.0.1';
    return { port, host };
  }

  /** Stop listening and drop every connection still open (clients were told before). */
  async close(): Promise<void> {
    const srv = this.server;
    this.server = null;
    if (srv) {
      await new Promise<void>((resolve) => {
        srv.close(() => resolve());
        srv.closeAllConnections();
      });
    }
    this.upgrade.close();
  }
}
