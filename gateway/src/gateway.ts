import { randomUUID } from 'node:crypto';
import type { WireEvent } from '../../shared/protocol/lookout-wire';
import { HealthMonitor } from './health';
import { PendingHeads } from './http/server-guards';
import { GatewayAuth } from './instance/auth';
import { chooseEventLog } from './instance/choose-event-log';
import { EventSources } from './instance/event-sources';
import { InstanceLifecycle } from './instance/lifecycle';
import { LiveHub } from './instance/live-hub';
import { GatewayServer } from './instance/server';
import { ServingState } from './instance/serving-state';
import { InstanceStats } from './instance/stats';
import { consoleLogger } from './logger';
import { GatewayMetrics } from './metrics';
import { DEFAULT_LIMITS, type Gateway, type GatewayOptions } from './options';
import { Publisher } from './publisher';
import { topologyOf } from './storage/redis-topology';

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
 * Build a gateway; nothing listens until `start()`. The one place that builds: each piece of
 * `instance/` reads its own settings from the options and gets its collaborators here, in the
 * order they depend on each other; nothing below reaches back for another.
 */
export function createGateway(options: GatewayOptions = {}): Gateway {
  const logger = options.logger ?? consoleLogger;
  const instanceId = options.instanceId ?? `gw-${randomUUID().slice(0, 8)}`;
  const metrics = new GatewayMetrics();
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const redis = topologyOf(options);

  const auth = new GatewayAuth(options, { redis, metrics, logger });
  const { log, owned } = chooseEventLog(options, { redis, metrics, logger });
  const publisher = new Publisher(log, metrics, logger, limits.maxPendingAppends);
  const sources = new EventSources(options, { publisher, metrics, logger });
  const hub = new LiveHub(options, limits, { instanceId, log, metrics, logger });
  const health = new HealthMonitor({
    log,
    instanceId,
    maxLagMs: options.maxEventLoopLagMs ?? 1_000,
    readinessGraceMs: options.readinessGraceMs ?? 30_000,
  });
  const serving = new ServingState(() => hub.connections, limits.maxConnections);
  const pendingHeads = new PendingHeads({
    max: limits.maxPendingConnections,
    maxPerAddress: limits.maxPendingPerAddress,
    timeoutMs: options.headersTimeoutMs ?? 10_000,
    count: (name) => metrics.count(name),
  });
  const stats = new InstanceStats({
    instanceId,
    metrics,
    hub,
    log,
    health,
    publisher,
    auth,
    pendingHeads,
    serving,
  });
  const revoke = async (sub: string): Promise<number> => {
    const mine = hub.connectionsOf(sub); // counted before: the revocation closes them
    await auth.revoke(sub);
    return mine;
  };
  const server = new GatewayServer(options, limits, {
    auth,
    hub,
    publisher,
    health,
    stats,
    serving,
    pendingHeads,
    log,
    metrics,
    logger,
    revoke,
  });
  const lifecycle = new InstanceLifecycle(options, {
    instanceId,
    logger,
    serving,
    auth,
    log,
    ownsLog: owned,
    hub,
    stats,
    health,
    server,
    sources,
  });

  return {
    instanceId,
    metrics,
    demo: sources.demo,
    start: () => lifecycle.start(),
    drain: (windowMs) => lifecycle.drain(windowMs),
    stop: () => lifecycle.stop(),
    publish: async (channel, input) =>
      (await publisher.publish({ ...input, channel }))[0] as WireEvent,
    publishToChannels: (channels, input) => publisher.publish({ ...input, channels }),
    gauges: () => stats.gauges(),
    issueTokens: (user) => auth.issueTokens(user),
    revoke,
    reloadUsers: () => auth.reloadUsers(),
  };
}
