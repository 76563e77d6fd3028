/** One endpoint's health beyond its socket state (delivery, verified auth, ranked causes), gathered and pushed on change. */
import { endpointUrls, type EndpointConfig } from '../../../shared/config/endpoint';
import type { ProbeResult } from '../../../shared/model/diagnostics';
import type { EndpointHealth, RankedCause, RedisProbeResult } from '../../../shared/model/health';
import type { LiveEvent } from '../../../shared/model/live-event';
import { authState } from '../auth/auth-state';
import type { SecretGetter } from '../auth/secrets';
import type { TrackedCredentials } from '../auth/tracked-credentials';
import { deliveryHealth } from '../connection/delivery';
import type { Clock, Logger, TimerHandle } from '../kernel/ports';
import type { Session } from '../connection/session';
import { probeRedis } from '../diagnostics/redis-probe';
import type { Redactor } from '../kernel/redact';
import type { AmbiguityFacts, Dialect } from '../dialects/dialect';

export interface EndpointHealthOptions {
  endpoint: EndpointConfig;
  dialect: Dialect;
  session: Session;
  credentials: TrackedCredentials;
  clock: Clock;
  logger: Logger;
  redactor: Redactor;
  /** Reads the Redis probe's password from the credential store. */
  getSecret: SecretGetter;
  /** The backend's HTTP health probes (the core records them for the support bundle). */
  probeHttp: () => Promise<ProbeResult[]>;
  /** The Redis probe; the real one unless a test replaces it. */
  probeRedis?: typeof probeRedis;
  onChange: (health: EndpointHealth) => void;
}

/** Probe HTTP health again after all-zero stats at most this often. */
const ZERO_PROBE_GATE_MS = 10_000;
/** Explain an ambiguous refusal again at most this often (unless a renewal just failed to help). */
const DIAGNOSIS_GATE_MS = 10_000;
/** A quiet window running out probes Redis at once, but not more often than this. */
const QUIET_PROBE_GATE_MS = 5_000;

/**
 * The health of one endpoint beyond its socket state, gathered and pushed: delivery (data, the
 * Redis deafness probe, the backend's own degraded report), verified auth, and the ranked causes
 * of an ambiguous refusal. It gathers (probes, session checks) and asks pure functions to decide
 * (`deliveryHealth`, `authState`, the dialect's `rankCauses`); `onChange` fires only when the
 * result changed, so every view and the tray update from pushes, not from polling.
 */
export class EndpointHealthMonitor {
  private readonly probe: typeof probeRedis;
  private redis: RedisProbeResult | null = null;
  private degraded: string | null = null;
  private causes: RankedCause[] = [];
  private acceptedAt: number | null = null;
  private lastKey = '';
  private current: EndpointHealth;
  private redisTimer: TimerHandle | null = null;
  private redisRunning = false;
  private lastQuietProbe = Number.NEGATIVE_INFINITY;
  private diagnosing = false;
  private lastDiagnosis = Number.NEGATIVE_INFINITY;
  private zeroGate = Number.NEGATIVE_INFINITY;
  private readonly offs: Array<() => void> = [];
  private disposed = false;

  constructor(private readonly o: EndpointHealthOptions) {
    this.probe = o.probeRedis ?? probeRedis;
    this.current = this.compute();
  }

  start(): void {
    const { session } = this.o;
    this.offs.push(
      session.on('state', (change) => {
        if (change.to === 'open') this.opened();
        else if (change.to !== 'stale') this.closed();
        this.update();
      }),
      session.on('delivery', () => {
        this.afterDelivery();
        this.update();
      }),
      this.o.credentials.onChange(() => this.update()),
    );
    this.update();
  }

  dispose(): void {
    this.disposed = true;
    for (const off of this.offs.splice(0)) off();
    this.stopRedisTimer();
  }

  health(): EndpointHealth {
    return this.current;
  }

  /**
   * Events on their way to the model: suspect samples (stats-stream's all zeros) may mean the
   * backend lost its Redis, so they trigger a rate-limited health probe; while it says degraded
   * they go on as degraded copies, so the views never show zeros as real figures. The events given
   * are never changed.
   */
  noteEvents(events: readonly LiveEvent[]): LiveEvent[] {
    return events.map((event) => {
      if (event.suspect === true) {
        const marked = this.degraded
          ? { ...event, data: { ...event.data, degraded: true } }
          : event;
        this.checkDegraded();
        return marked;
      }
      if (event.suspect === false && this.degraded) {
        this.degraded = null;
        this.update();
      }
      return event;
    });
  }

  // -----------------------------------------------------------------------------------------------

  private opened(): void {
    this.acceptedAt = this.o.clock.now();
    this.causes = [];
    if (this.o.endpoint.redisProbe) {
      this.stopRedisTimer();
      void this.runRedisProbe();
    }
  }

  private closed(): void {
    this.stopRedisTimer();
  }

  private afterDelivery(): void {
    const { session } = this.o;
    const facts = session.delivery();
    if (facts.quietTooLong && this.o.endpoint.redisProbe) {
      const now = this.o.clock.now();
      if (now - this.lastQuietProbe >= QUIET_PROBE_GATE_MS) {
        this.lastQuietProbe = now;
        void this.runRedisProbe();
      }
    }
    if (!facts.open && session.lastOutcome?.action === 'reauth-once') void this.diagnose();
  }

  private stopRedisTimer(): void {
    if (this.redisTimer) this.o.clock.clearTimeout(this.redisTimer);
    this.redisTimer = null;
  }

  /** One Redis probe now, then the next one an interval later while the socket stays open. */
  private async runRedisProbe(): Promise<RedisProbeResult | null> {
    const config = this.o.endpoint.redisProbe;
    if (!config || this.redisRunning || this.disposed) return this.redis;
    this.redisRunning = true;
    try {
      const password = config.credentialRef
        ? await this.o.getSecret(config.credentialRef)
        : undefined;
      this.o.redactor.addSecret(password);
      const result = await this.probe({
        config,
        channels: config.channels ?? this.o.dialect.redisChannels,
        ...(password ? { password } : {}),
        now: () => this.o.clock.now(),
      });
      if (this.disposed) return result;
      const result2 = { ...result, detail: this.o.redactor.text(result.detail) };
      if (result2.status === 'deaf' && this.redis?.status !== 'deaf') {
        this.o.logger.warn('service deaf: it lost its Redis subscription; restart it', {
          endpoint: this.o.endpoint.id,
          detail: result2.detail,
        });
      } else if (result2.status !== 'deaf' && this.redis?.status === 'deaf') {
        this.o.logger.info('service listens on Redis again', { endpoint: this.o.endpoint.id });
      }
      this.redis = result2;
      this.update();
      return result2;
    } finally {
      this.redisRunning = false;
      if (!this.disposed && this.o.session.delivery().open) {
        this.stopRedisTimer();
        this.redisTimer = this.o.clock.setTimeout(() => {
          this.redisTimer = null;
          void this.runRedisProbe();
        }, config.intervalMs);
      }
    }
  }

  private checkDegraded(): void {
    const now = this.o.clock.now();
    if (now < this.zeroGate) return;
    this.zeroGate = now + ZERO_PROBE_GATE_MS;
    void this.o.probeHttp().then((results) => {
      const bad = results.find((r) => r.status === 'degraded' || r.status === 'down');
      const next = bad ? bad.summary : null;
      if (next !== this.degraded) {
        this.degraded = next;
        this.update();
      }
    });
  }

  /**
   * An ambiguous refusal (django's 500): gather what can tell the causes apart (the session check,
   * the health probe, the Redis probe when configured) and let the dialect rank them.
   */
  private async diagnose(): Promise<void> {
    const rank = this.o.dialect.rankCauses;
    if (!rank || this.diagnosing || this.disposed) return;
    const attempt = this.o.session.currentAttempt;
    const renewedAndStillRefused = attempt?.trigger === 'token-refreshed';
    const now = this.o.clock.now();
    if (now - this.lastDiagnosis < DIAGNOSIS_GATE_MS && !renewedAndStillRefused) return;
    this.diagnosing = true;
    this.lastDiagnosis = now;
    try {
      const [check, probes, redis] = await Promise.all([
        this.o.credentials.checkSession?.() ?? Promise.resolve({ status: 'unknown' as const }),
        this.o.probeHttp().catch(() => [] as ProbeResult[]),
        this.o.endpoint.redisProbe
          ? this.probe({
              config: this.o.endpoint.redisProbe,
              channels: [],
              now: () => this.o.clock.now(),
              ...(await this.redisPassword()),
            })
          : Promise.resolve(null),
      ]);
      const health = probes.find((p) => p.name === 'health')?.status;
      const facts: AmbiguityFacts = {
        url: attempt?.url ?? endpointUrls(this.o.endpoint)[0] ?? '',
        hasSignIn: this.o.endpoint.auth.method !== 'none',
        renewedAndStillRefused,
        session: check.status,
        health: health === 'healthy' ? 'healthy' : health === undefined ? 'unknown' : 'down',
        redis:
          redis === null || redis.status === 'error'
            ? 'unknown'
            : redis.status === 'unreachable'
              ? 'down'
              : 'up',
      };
      if (this.disposed || this.o.session.delivery().open) return;
      this.causes = rank(facts).map((c) => ({
        ...c,
        evidence: this.o.redactor.text(c.evidence),
      }));
      const top = this.causes[0];
      this.o.logger.info('ambiguous refusal explained', {
        endpoint: this.o.endpoint.id,
        likeliest: top ? `${top.id} (${top.likelihood})` : 'none',
        session: facts.session,
        health: facts.health,
        redis: facts.redis,
      });
      this.update();
    } finally {
      this.diagnosing = false;
    }
  }

  private async redisPassword(): Promise<{ password?: string }> {
    const ref = this.o.endpoint.redisProbe?.credentialRef;
    const password = ref ? await this.o.getSecret(ref) : undefined;
    this.o.redactor.addSecret(password);
    return password ? { password } : {};
  }

  private compute(): EndpointHealth {
    const { session, endpoint, dialect } = this.o;
    const facts = session.delivery();
    const sent = session.currentAttempt?.sent;
    const caveat = facts.open && sent ? (dialect.deliveryCaveat?.(endpoint, sent) ?? null) : null;
    const lastOutcome = session.lastOutcome;
    const timing = session.timing;
    return {
      endpoint: endpoint.id,
      state: session.state,
      since: timing.since,
      lastOutcome: lastOutcome ? (this.o.redactor.value(lastOutcome) as typeof lastOutcome) : null,
      recoveredAt: timing.recoveredAt,
      nextAttemptAt: timing.nextAttemptAt,
      delivery: deliveryHealth({
        facts,
        silence: dialect.liveness.silence,
        redis: this.redis,
        hasProbe: endpoint.redisProbe !== undefined,
        degraded: this.degraded,
        caveat,
      }),
      auth: authState({
        method: endpoint.auth.method,
        creds: this.o.credentials.result,
        state: session.state,
        lastOutcome,
        acceptedAt: this.acceptedAt,
        signsIn: this.o.credentials.signsIn,
      }),
      causes: facts.open ? [] : this.causes,
    };
  }

  private update(): void {
    if (this.disposed) return;
    const next = this.compute();
    const key = JSON.stringify(next);
    this.current = next;
    if (key === this.lastKey) return;
    this.lastKey = key;
    this.o.onChange(next);
  }
}
