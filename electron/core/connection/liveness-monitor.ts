/** `LivenessMonitor`: drives the pure liveness rules on one open socket with the clock port. */
import type { RttHistory } from './rtt-history';
import { LivenessTracker, type LivenessConfig } from './liveness';
import type { Clock, TimerHandle } from '../kernel/ports';

/** What the monitor needs from its session: the link, and where its findings go. */
export interface LivenessLink {
  /** The socket is open (not connecting, closing or closed). */
  open(): boolean;
  /** A WebSocket PING frame; false when the socket is not open. */
  wsPing(): boolean;
  /** The dialect's application ping, when it has one. */
  appPing(now: number): void;
  /** Silence is normal right now, by the dialect's own rule. */
  idle(): boolean;
  /** Pinged, yet nothing came back for the dead-peer window (at `now`): the peer is gone. */
  dead(now: number): void;
  /** No data for the stale window: re-subscribe. */
  stale(): void;
  /** Still no data a whole stale window after re-subscribing. */
  staleAgain(): void;
  /** The quiet window ran out without data while silence was not normal. */
  quiet(): void;
  /** No answer to the ping sent right after the machine woke. */
  noAnswerAfterWake(): void;
}

/**
 * Runs the pure `LivenessTracker` on one open connection with the clock port: ticks, WebSocket
 * and application pings, the RTT of each pong, and the probe after a wake-up. `opened` and
 * `start` when a socket opens, `stop` when it ends; the findings go to the session, which decides what they mean.
 */
export class LivenessMonitor {
  private tracker: LivenessTracker | null = null;
  private tickTimer: TimerHandle | null = null;
  private probeTimer: TimerHandle | null = null;
  private pingSentAt: number | null = null;

  constructor(
    readonly config: LivenessConfig,
    private readonly clock: Clock,
    private readonly rtt: RttHistory,
    private readonly link: LivenessLink,
  ) {}

  /** Whether a connection is being watched. */
  get active(): boolean {
    return this.tracker !== null;
  }

  get stale(): boolean {
    return this.tracker?.stale ?? false;
  }

  /** The tracker of the open connection, for the delivery facts (null when not open). */
  get current(): Pick<LivenessTracker, 'silentSince' | 'quiet'> | null {
    return this.tracker;
  }

  /** A connection opened at `now`: it is watched from now on (delivery facts, pongs, data). */
  opened(now: number): void {
    this.stop();
    this.tracker = new LivenessTracker(this.config);
    this.tracker.opened(now);
  }

  /** Once the opening frames are out: a first round trip right away, then ticks. */
  start(now: number): void {
    if (!this.tracker) return;
    // A first round trip right away, so diagnostics show an RTT from the start, not a ping interval later.
    if (this.config.pingIntervalMs > 0 || this.config.appPing) this.ping(now);
    this.scheduleTick();
  }

  /** The connection ended: no more ticks, probes or outstanding pings. */
  stop(): void {
    if (this.tickTimer) this.clock.clearTimeout(this.tickTimer);
    if (this.probeTimer) this.clock.clearTimeout(this.probeTimer);
    this.tickTimer = null;
    this.probeTimer = null;
    this.pingSentAt = null;
    this.tracker = null;
  }

  /** Any frame: the link is alive. */
  frame(now: number): void {
    this.tracker?.frame(now);
  }

  /** Data arrived: true when it ends a stale or quiet period. */
  data(now: number): boolean {
    return this.tracker?.data(now) ?? false;
  }

  /** A WebSocket PONG: a sign of life and, for our own ping, a round-trip time (returned). */
  pong(now: number): number | null {
    this.tracker?.frame(now);
    if (this.pingSentAt === null) return null;
    const rtt = now - this.pingSentAt;
    this.rtt.add(now, rtt);
    this.pingSentAt = null;
    return rtt;
  }

  /** After sleep the socket is often dead without knowing it: ping now and expect an answer soon. */
  probeAfterWake(): void {
    if (!this.tracker) return;
    this.ping(this.clock.now());
    const deadline = Math.min(this.config.deadAfterMs || 5_000, 5_000);
    if (this.probeTimer) this.clock.clearTimeout(this.probeTimer);
    this.probeTimer = this.clock.setTimeout(() => {
      this.probeTimer = null;
      if (this.tracker && this.pingSentAt !== null && this.link.open())
        this.link.noAnswerAfterWake();
    }, deadline);
  }

  private scheduleTick(): void {
    const tracker = this.tracker;
    if (!tracker) return;
    this.tickTimer = this.clock.setTimeout(() => {
      this.tickTimer = null;
      this.tick();
      this.scheduleTick();
    }, tracker.tickMs());
  }

  private tick(): void {
    const tracker = this.tracker;
    // A socket already closing is ended by its close, not by liveness.
    if (!tracker || !this.link.open()) return;
    const now = this.clock.now();
    for (const action of tracker.check(now, this.link.idle())) {
      switch (action) {
        case 'ping':
          this.ping(now);
          break;
        case 'dead':
          this.link.dead(now);
          return;
        case 'stale':
          this.link.stale();
          break;
        case 'stale-reconnect':
          this.link.staleAgain();
          return;
        case 'quiet':
          this.link.quiet();
          break;
      }
    }
  }

  private ping(now: number): void {
    this.tracker?.pinged(now);
    if (this.config.pingIntervalMs > 0 && this.link.wsPing()) this.pingSentAt = now;
    if (this.config.appPing) this.link.appPing(now);
  }
}
