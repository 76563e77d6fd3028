import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { EventLog, StorageHealth } from './storage/event-log';

/** One answer of a health endpoint: its HTTP status and JSON body. */
export interface HealthAnswer {
  status: number;
  body: Record<string, unknown>;
}

export interface HealthMonitorOptions {
  log: EventLog;
  instanceId: string;
  /** Event-loop lag (p99, ms) above which the instance is degraded. */
  maxLagMs: number;
  /** Storage unreachable for longer than this makes the instance not ready. */
  readinessGraceMs: number;
  /** How often storage is checked in the background (readiness never pings per probe). */
  checkEveryMs?: number;
  now?: () => number;
}

/**
 * Liveness, readiness and the detailed health of one instance (docs/protocol.md §8).
 *
 * - **Liveness** (`/livez`): the process answers. A stuck event loop does not answer at all, which
 *   is what a liveness probe needs to see; nothing else (not Redis) ever fails it, so an outage of
 *   a shared dependency never makes an orchestrator restart every instance.
 * - **Readiness** (`/readyz`): should a load balancer send *new* clients here? Not while starting,
 *   draining or at capacity, not while the event loop lags, and not when storage has been
 *   unreachable for longer than a grace period. A Redis blip (a missed ping, a failover of a few
 *   seconds) leaves every instance ready: their open sockets keep working, and pulling them all at
 *   once would turn a blip into an outage.
 * - **Health** (`/health`): the detail for people and the app's probe: storage pinged live.
 */
export class HealthMonitor {
  private readonly lag: IntervalHistogram = monitorEventLoopDelay({ resolution: 20 });
  private lagTimer: ReturnType<typeof setInterval> | null = null;
  private checkTimer: ReturnType<typeof setInterval> | null = null;
  private lastLagMs = 0;
  private storage: StorageHealth;
  /** Since when storage has been failing continuously (null while it answers). */
  private storageDownSince: number | null = null;
  private readonly startedAt: number;
  private readonly now: () => number;

  constructor(private readonly options: HealthMonitorOptions) {
    this.now = options.now ?? Date.now;
    this.startedAt = this.now();
    this.storage = options.log.health();
  }

  /** Event-loop lag p99 of the last 2 s, ms. */
  get lagMs(): number {
    return this.lastLagMs;
  }

  start(): void {
    this.lag.enable();
    this.lagTimer = setInterval(() => {
      this.lastLagMs = Math.round(this.lag.percentile(99) / 1e6);
      this.lag.reset();
    }, 2_000);
    this.lagTimer.unref();
    this.checkTimer = setInterval(
      () => void this.checkStorage(),
      this.options.checkEveryMs ?? 2_000,
    );
    this.checkTimer.unref();
    void this.checkStorage();
  }

  stop(): void {
    if (this.lagTimer) clearInterval(this.lagTimer);
    if (this.checkTimer) clearInterval(this.checkTimer);
    this.lagTimer = this.checkTimer = null;
    this.lag.disable();
  }

  /** Ping storage now (the background check and `/health`). */
  async checkStorage(): Promise<StorageHealth> {
    const result = await this.options.log.check();
    this.noteStorage(result);
    return result;
  }

  liveness(): HealthAnswer {
    return {
      status: 200,
      body: { status: 'alive', instanceId: this.options.instanceId, lagMs: this.lastLagMs },
    };
  }

  /**
   * @param refusing why this instance takes no new clients right now (draining, at capacity,
   *   not started), if it does not.
   */
  readiness(refusing: string | null): HealthAnswer {
    const reasons: string[] = [];
    if (refusing) reasons.push(refusing);
    if (this.lastLagMs > this.options.maxLagMs) reasons.push(`event loop lag ${this.lastLagMs} ms`);
    const downMs = this.storageDownSince === null ? 0 : this.now() - this.storageDownSince;
    if (downMs > this.options.readinessGraceMs)
      reasons.push(
        `storage unreachable for ${Math.round(downMs / 1000)} s: ${this.storage.reason ?? 'no answer'}`,
      );
    const ready = reasons.length === 0;
    return {
      status: ready ? 200 : 503,
      body: {
        status: ready ? 'ready' : 'not-ready',
        instanceId: this.options.instanceId,
        reason: ready ? undefined : reasons.join('; '),
        // A blip within the grace is reported, never acted on.
        storage: { ok: this.storage.ok, downForMs: downMs },
      },
    };
  }

  /** `/health`: storage pinged live, 503 while it does not answer or the loop lags. */
  async health(): Promise<HealthAnswer> {
    const storage = await this.checkStorage();
    const eventLoop = { ok: this.lastLagMs <= this.options.maxLagMs, lagMs: this.lastLagMs };
    const ok = storage.ok && eventLoop.ok;
    return {
      status: ok ? 200 : 503,
      body: {
        status: ok ? 'ok' : 'down',
        instanceId: this.options.instanceId,
        uptimeSec: this.uptimeSec(),
        checks: { storage, eventLoop },
        reason: ok
          ? undefined
          : [storage.reason, eventLoop.ok ? undefined : `event loop lag ${this.lastLagMs} ms`]
              .filter(Boolean)
              .join('; '),
      },
    };
  }

  uptimeSec(): number {
    return Math.round((this.now() - this.startedAt) / 1000);
  }

  private noteStorage(result: StorageHealth): void {
    this.storage = result;
    if (result.ok) this.storageDownSince = null;
    else this.storageDownSince ??= this.now();
  }
}
