/**
 * Whether this instance takes new clients: not before it has started, not while draining or
 * stopping, not at capacity. Set by the lifecycle; read by `/readyz`, the upgrade path and the
 * metrics, so all three give the same answer.
 */
export class ServingState {
  /** Between the end of `start()` and the beginning of `stop()`. */
  started = false;
  /** Since `drain()`: the instance is leaving; `/readyz` answers 503, upgrades are refused. */
  draining = false;
  /** Since `stop()`: an upgrade still being authenticated must not become a connection. */
  stopping = false;

  constructor(
    private readonly connections: () => number,
    private readonly maxConnections: number,
  ) {}

  /** Why this instance takes no new clients (for `/readyz`), or null when it does. */
  refusing(): string | null {
    return !this.started
      ? 'not started'
      : this.draining
        ? 'this instance is draining'
        : this.connections() >= this.maxConnections
          ? 'at capacity'
          : null;
  }

  /** Why an upgrade is refused before its token is even read (draining), or null. */
  refusingUpgrades(): string | null {
    return this.draining ? 'this instance is draining' : null;
  }
}
