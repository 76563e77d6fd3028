import { LOOKOUT_CLOSE } from '../../../shared/close-codes';
import type { Revocation } from '../auth/auth-state';
import type { GatewayLogger } from '../logger';
import type { GatewayMetrics } from '../metrics';
import {
  DEFAULT_RETENTION,
  wireLimitsOf,
  type GatewayLimits,
  type GatewayOptions,
} from '../options';
import type { EventLog } from '../storage/event-log';
import type { ClientConnection, ConnectionContext } from '../ws/client-connection';
import { ConnectionRegistry } from '../ws/connection-registry';
import { ExpiryWheel } from '../ws/expiry-wheel';
import { FanOut } from '../ws/fan-out';
import { HeartbeatWheel } from '../ws/heartbeat-wheel';

/** What the hub works with: the log it follows, and who it is. */
export interface LiveHubDeps {
  instanceId: string;
  log: EventLog;
  metrics: GatewayMetrics;
  logger: GatewayLogger;
}

/**
 * This instance's live side, as centrifuge's `Hub`: the open client connections, the local
 * subscribers of each channel, the heartbeat wheel that beats them all, the expiry wheel that
 * closes each when its token expires, and the delivery of the log's new events to them in
 * batches. The upgrade path hands it new connections (through
 * `registry` and `context`); the lifecycle starts it before the server listens and stops it
 * before the server closes, so every client gets its close code.
 */
export class LiveHub {
  readonly registry = new ConnectionRegistry();
  /** What every `ClientConnection` of this instance is built with. */
  readonly context: ConnectionContext;
  private readonly fanOut: FanOut;
  private offEvents: (() => void) | null = null;

  constructor(
    options: Pick<GatewayOptions, 'heartbeatMs' | 'retention' | 'stallTimeoutMs' | 'onFanOut'>,
    limits: GatewayLimits,
    private readonly deps: LiveHubDeps,
  ) {
    const { log, metrics } = deps;
    const onFanOut = options.onFanOut;
    const heartbeatMs = options.heartbeatMs ?? 15_000;
    const fanOut = new FanOut({
      onBatch(batch) {
        metrics.count('fanout.batches');
        metrics.count('fanout.events', batch.events.length);
        metrics.count('fanout.socketWrites', batch.subscribers);
        metrics.observe('fanout.seconds', batch.durationMs / 1000);
        onFanOut?.(batch);
      },
    });
    const registry = this.registry;
    this.fanOut = fanOut;
    this.context = {
      log,
      metrics,
      logger: deps.logger,
      limits: wireLimitsOf(limits),
      heartbeatMs,
      heartbeats: new HeartbeatWheel(heartbeatMs),
      expiries: new ExpiryWheel(),
      instanceId: deps.instanceId,
      maxReplay: options.retention ?? DEFAULT_RETENTION,
      sendBudgetBytes: limits.maxBufferedBytes,
      stallTimeoutMs: options.stallTimeoutMs ?? 30_000,
      attach: (channel, connection) => fanOut.attach(channel, connection),
      detach(channel, connection) {
        // The last local subscriber gone: the log need not watch the channel for us any more.
        if (fanOut.detach(channel, connection)) log.unwatch(channel);
      },
      closed: (connection) => registry.remove(connection),
      gone: (connection) => registry.gone(connection),
    };
  }

  /** Open client connections. */
  get connections(): number {
    return this.registry.size;
  }

  /** Channels with at least one local subscriber. */
  get channels(): number {
    return this.fanOut.channelCount;
  }

  /** Subscriptions held by the open connections. */
  subscriptions(): number {
    return this.registry.subscriptions();
  }

  /** Bytes queued on every socket and the largest queue. */
  sendBuffers(): { total: number; largest: number } {
    return this.registry.sendBuffers();
  }

  /** Open connections of one user. */
  connectionsOf(sub: string): number {
    return this.registry.countOf(sub);
  }

  /** Follow the log: each new event goes to the local subscribers of its channel. */
  start(): void {
    this.offEvents = this.deps.log.onEvent((event) => this.fanOut.push(event));
  }

  /** Close every client with 4012 (restarting) and stop beating and delivering. */
  stop(): void {
    this.registry.closeAll(LOOKOUT_CLOSE.RESTARTING, 'gateway restarting');
    this.context.heartbeats.stop();
    this.context.expiries.stop();
    this.offEvents?.();
    this.offEvents = null;
    this.fanOut.clear();
  }

  /** Close the sockets a revocation covers (it may come from another instance). */
  closeRevoked(revocation: Revocation, isRevoked: (c: ClientConnection) => boolean): void {
    this.registry.closeRevoked(revocation, isRevoked);
  }

  /**
   * Tell every client to move (4015), each at its own random moment in `windowMs`, so they arrive
   * at the other instances a few at a time (and add their own jitter on top: 4015 backs off,
   * docs/protocol.md §6). Resolves with how many were told once the last has been.
   */
  async moveClients(windowMs: number): Promise<number> {
    const clients = this.registry.snapshot();
    this.deps.logger.info('draining: no new clients; moving the connected ones', {
      clients: clients.length,
      windowMs,
    });
    await Promise.all(
      clients.map(
        (c) =>
          new Promise<void>((resolve) => {
            // A stop() during the drain closes the rest at once; these then find them closed.
            setTimeout(() => {
              c.close(LOOKOUT_CLOSE.MOVING, 'instance draining: reconnect to another');
              resolve();
            }, Math.random() * windowMs);
          }),
      ),
    );
    this.deps.metrics.count('drain.moved', clients.length);
    return clients.length;
  }
}
