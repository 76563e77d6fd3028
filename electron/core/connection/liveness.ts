/** Liveness of an open socket: ping/pong deadlines, staleness and quiet windows, from the dialect's rules. */
/** Effective liveness settings of a session: the dialect's rules with the endpoint's overrides. */
export interface LivenessConfig {
  pingIntervalMs: number;
  deadAfterMs: number;
  /** Data silence that means the stream stalled (re-subscribe, then reconnect); 0 = never. */
  staleAfterMs: number;
  /** Data silence past which delivery is unverified (reported, no action); 0 = silence is normal. */
  quietAfterMs: number;
  appPing: boolean;
}

export type LivenessAction =
  /** Time for a WebSocket PING frame (and the dialect's app ping, when it has one). */
  | 'ping'
  /** Pings went unanswered and no frame came in for `deadAfterMs`: the peer is gone (half-open). */
  | 'dead'
  /** The socket is open but no data came for `staleAfterMs`: re-subscribe. */
  | 'stale'
  /** Still no data a whole stale window after re-subscribing: reconnect. */
  | 'stale-reconnect'
  /** No data for `quietAfterMs` while silence is not normal: delivery is now unverified. */
  | 'quiet';

/**
 * Pure liveness bookkeeping for one open connection: the session feeds it what happened and asks
 * `check(now)` what to do. No timers inside, so every rule is testable with plain numbers.
 *
 * Frames and data are tracked apart on purpose. Any frame (a pong, an ack, a greeting, a
 * heartbeat) proves the *link* is alive and keeps the dead-peer rule quiet; only *data* (events)
 * proves delivery, so only data resets the stale and quiet windows. A server that lost its
 * Redis subscription keeps answering pings and acks while delivering nothing.
 */
export class LivenessTracker {
  private lastFrame = 0;
  private lastData = 0;
  private lastPing = 0;
  private pingOutstandingSince: number | null = null;
  private staleSince: number | null = null;
  private quietReported = false;
  /** Silence counts from here when the connection stopped being idle after the last data. */
  private busySince = 0;
  private wasIdle = false;

  constructor(readonly config: LivenessConfig) {}

  opened(now: number): void {
    this.lastFrame = now;
    this.lastData = now;
    this.lastPing = now;
    this.pingOutstandingSince = null;
    this.staleSince = null;
    this.quietReported = false;
    this.busySince = now;
    this.wasIdle = false;
  }

  /** Any sign of life on the link: a frame of any kind, or a pong. Proves nothing about delivery. */
  frame(now: number): void {
    this.lastFrame = now;
    this.pingOutstandingSince = null;
  }

  /**
   * Application data arrived (it is also a frame). Returns true when it ends a stale or quiet
   * period, so the session can say so.
   */
  data(now: number): boolean {
    this.frame(now);
    this.lastData = now;
    const ended = this.staleSince !== null || this.quietReported;
    this.staleSince = null;
    this.quietReported = false;
    return ended;
  }

  pinged(now: number): void {
    this.lastPing = now;
    this.pingOutstandingSince ??= now;
  }

  get stale(): boolean {
    return this.staleSince !== null;
  }

  /** Whether the quiet window passed without data (and silence was not normal meanwhile). */
  get quiet(): boolean {
    return this.quietReported;
  }

  /** Where the current silence is measured from: the last data, or when the connection got busy. */
  get silentSince(): number {
    return Math.max(this.lastData, this.busySince);
  }

  /** How often the session should call `check`: fine enough for the shortest window, never busy. */
  tickMs(): number {
    const windows = [
      this.config.pingIntervalMs,
      this.config.deadAfterMs,
      this.config.staleAfterMs,
      this.config.quietAfterMs,
    ].filter((w) => w > 0);
    if (windows.length === 0) return 1_000;
    const shortest = Math.min(...windows);
    return Math.max(25, Math.min(1_000, Math.floor(shortest / 4)));
  }

  /**
   * What to do at `now`. `idle` says that silence is normal right now (e.g. task-status with no
   * running task): the quiet window then does not run out.
   */
  check(now: number, idle = false): LivenessAction[] {
    const { pingIntervalMs, deadAfterMs, staleAfterMs, quietAfterMs, appPing } = this.config;
    // The wall clock went backwards (NTP, a restored VM): without rebasing, "now - last" stays
    // negative until the clock catches up, and no ping (so no dead-peer check) is sent meanwhile.
    if (now < this.lastPing) this.lastPing = now;
    if (now < this.lastFrame) this.lastFrame = now;
    if (now < this.lastData) this.lastData = now;
    if (now < this.busySince) this.busySince = now;
    if (this.pingOutstandingSince !== null && now < this.pingOutstandingSince)
      this.pingOutstandingSince = now;
    if (this.staleSince !== null && now < this.staleSince) this.staleSince = now;
    const actions: LivenessAction[] = [];
    const pinging = pingIntervalMs > 0 || appPing;
    if (pinging && this.pingOutstandingSince !== null && now - this.lastFrame >= deadAfterMs) {
      return ['dead'];
    }
    if (pingIntervalMs > 0 && now - this.lastPing >= pingIntervalMs) actions.push('ping');
    if (staleAfterMs > 0) {
      if (this.staleSince === null && now - this.lastData >= staleAfterMs) {
        this.staleSince = now;
        actions.push('stale');
      } else if (this.staleSince !== null && now - this.staleSince >= staleAfterMs) {
        actions.push('stale-reconnect');
      }
    }
    if (idle) {
      // Silence became normal (the last watched task finished): nothing to report any more.
      this.quietReported = false;
    } else {
      // Busy again (a task was just watched): its silence counts from now, not from old data.
      if (this.wasIdle) this.busySince = now;
      if (quietAfterMs > 0 && !this.quietReported && now - this.silentSince >= quietAfterMs) {
        this.quietReported = true;
        actions.push('quiet');
      }
    }
    this.wasIdle = idle;
    return actions;
  }
}
