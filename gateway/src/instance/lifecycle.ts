import type { GatewayAuth } from './auth';
import type { HealthMonitor } from '../health';
import type { GatewayLogger } from '../logger';
import type { DrainResult, GatewayAddress, GatewayOptions } from '../options';
import type { EventLog } from '../storage/event-log';
import type { LiveHub } from './live-hub';
import type { EventSources } from './event-sources';
import type { GatewayServer } from './server';
import type { ServingState } from './serving-state';
import type { InstanceStats } from './stats';

/** The pieces an instance starts and stops, in the order they depend on each other. */
export interface LifecycleParts {
  instanceId: string;
  logger: GatewayLogger;
  serving: ServingState;
  auth: GatewayAuth;
  log: EventLog;
  /** False when the embedder gave the log: it outlives this instance. */
  ownsLog: boolean;
  hub: LiveHub;
  stats: InstanceStats;
  health: HealthMonitor;
  server: GatewayServer;
  sources: EventSources;
}

/**
 * One instance's life: start, drain, stop, each a flat list of steps in dependency order.
 * Start brings up what a client needs before the server listens (users, sign-in state, the log,
 * the live hub following it) and the event sources after; stop tells every client first
 * (4012) and closes the server only then, so no client loses its close code.
 */
export class InstanceLifecycle {
  private offRevocations: (() => void) | null = null;

  constructor(
    private readonly options: Pick<GatewayOptions, 'prometheus' | 'demo' | 'drainWindowMs'>,
    private readonly parts: LifecycleParts,
  ) {}

  async start(): Promise<GatewayAddress> {
    const { serving, auth, log, hub, health, server, sources, logger } = this.parts;
    serving.stopping = false;
    await auth.start();
    this.offRevocations = auth.state.onRevocation((revocation) =>
      hub.closeRevoked(revocation, (c) => auth.state.isRevoked(c.principal)),
    );
    if (this.parts.ownsLog) await log.start();
    hub.start();
    if (this.options.prometheus !== false) await this.parts.stats.startPrometheus();
    health.start();
    const { port, host } = await server.listen();
    await sources.start();
    serving.started = true;
    logger.info('gateway listening', {
      instanceId: this.parts.instanceId,
      port,
      storage: log.kind,
      demo: Boolean(this.options.demo),
    });
    return { port, url: `http://${host}:${port}`, wsUrl: `ws://${host}:${port}/ws` };
  }

  async drain(windowMs = this.options.drainWindowMs ?? 10_000): Promise<DrainResult> {
    const began = Date.now();
    this.parts.serving.draining = true;
    this.parts.sources.stopDemo();
    const moved = await this.parts.hub.moveClients(windowMs);
    return { moved, durationMs: Date.now() - began };
  }

  async stop(): Promise<void> {
    const { serving, auth, log, hub, health, server, sources, stats } = this.parts;
    serving.started = false;
    serving.stopping = true;
    await sources.stop();
    hub.stop();
    health.stop();
    await server.close();
    if (this.parts.ownsLog) await log.stop();
    this.offRevocations?.();
    this.offRevocations = null;
    await auth.stop();
    stats.stopPrometheus();
  }
}
