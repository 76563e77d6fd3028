/** Effective liveness settings of a session: the dialect's rules with the endpoint's overrides. */
export interface LivenessConfig {
  pingIntervalMs: number;
  deadAfterMs: number;
  staleAfterMs: number;
  appPing: boolean;
}

export type LivenessAction =
  /** Time for a WebSocket PING frame (and the dialect's app ping, when it has one). */
  | 'ping'
  /** Pings went unanswered and nothing came in for `deadAfterMs`: the peer is gone (half-open). */
  | 'dead'
  /** The socket is open but no message came for `staleAfterMs`: re-subscribe. */
  | 'stale'
  /** Still nothing a whole stale window after re-subscribing: reconnect. */
  | 'stale-reconnect';

/**
 * Pure liveness bookkeeping for one open connection: the session feeds it what happened and asks
 * `check(now)` what to do. No timers inside, so every rule is testable with plain numbers.
 */
export class LivenessTracker {
  private lastInbound = 0;
  private lastMessage = 0;
  private lastPing = 0;
  private pingOutstandingSince: number | null = null;
  private staleSince: number | null = null;

  constructor(readonly config: LivenessConfig) {}

  opened(now: number): void {
    this.lastInbound = now;
    this.lastMessage = now;
    this.lastPing = now;
    this.pingOutstandingSince = null;
    this.staleSince = null;
  }

  /** Any sign of life: a frame or a pong. */
  inbound(now: number): void {
    this.lastInbound = now;
    this.pingOutstandingSince = null;
  }

  /** An application message (what staleness is about). Returns true when this ends a stale period. */
  message(now: number): boolean {
    this.inbound(now);
    this.lastMessage = now;
    const wasStale = this.staleSince !== null;
    this.staleSince = null;
    return wasStale;
  }

  pinged(now: number): void {
    this.lastPing = now;
    this.pingOutstandingSince ??= now;
  }

  get stale(): boolean {
    return this.staleSince !== null;
  }

  /** How often the session should call `check`: fine enough for the shortest window, never busy. */
  tickMs(): number {
    const windows = [
      this.config.pingIntervalMs,
      this.config.deadAfterMs,
      this.config.staleAfterMs,
    ].filter((w) => w > 0);
    if (windows.length === 0) return 1_000;
    const shortest = Math.min(...windows);
    return Math.max(25, Math.min(1_000, Math.floor(shortest / 4)));
  }

  check(now: number): LivenessAction[] {
    const { pingIntervalMs, deadAfterMs, staleAfterMs, appPing } = this.config;
    // The wall clock went backwards (NTP, a restored VM): without rebasing, "now - last" stays
    // negative until the clock catches up, and no ping (so no dead-peer check) is sent meanwhile.
    if (now < this.lastPing) this.lastPing = now;
    if (now < this.lastInbound) this.lastInbound = now;
    if (now < this.lastMessage) this.lastMessage = now;
    if (this.pingOutstandingSince !== null && now < this.pingOutstandingSince)
      this.pingOutstandingSince = now;
    if (this.staleSince !== null && now < this.staleSince) this.staleSince = now;
    const actions: LivenessAction[] = [];
    const pinging = pingIntervalMs > 0 || appPing;
    if (pinging && this.pingOutstandingSince !== null && now - this.lastInbound >= deadAfterMs) {
      return ['dead'];
    }
    if (pingIntervalMs > 0 && now - this.lastPing >= pingIntervalMs) actions.push('ping');
    if (staleAfterMs > 0) {
      if (this.staleSince === null && now - this.lastMessage >= staleAfterMs) {
        this.staleSince = now;
        actions.push('stale');
      } else if (this.staleSince !== null && now - this.staleSince >= staleAfterMs) {
        actions.push('stale-reconnect');
      }
    }
    return actions;
  }
}
