/**
 * Counters and rates for `/stats`. Every refused or malformed thing is counted under a named
 * reason, so an operator can see what clients are getting wrong.
 */
export class GatewayMetrics {
  readonly counters = new Map<string, number>();
  private readonly rates = new Map<string, RateMeter>();
  private observer: ((name: string, value: number) => void) | null = null;

  /**
   * @param maxKeys distinct counter names kept at most. Names are meant to come from fixed sets
   *   (routes, reasons, close codes); this cap is the backstop should one ever carry client input:
   *   a new name past it is counted under `metrics.droppedKeys` instead of growing memory.
   */
  constructor(private readonly maxKeys = 1_000) {}

  count(name: string, by = 1): void {
    const current = this.counters.get(name);
    if (current === undefined && this.counters.size >= this.maxKeys) {
      this.counters.set(DROPPED, (this.counters.get(DROPPED) ?? 0) + by);
      return;
    }
    this.counters.set(name, (current ?? 0) + by);
  }

  /**
   * One observation of a distribution (`replay.events`, `redis.seconds`, `fanout.seconds`): kept
   * by the Prometheus exporter once it is loaded, ignored before (and in the embedded gateway).
   */
  observe(name: string, value: number): void {
    this.observer?.(name, value);
  }

  /** Where observations go (the Prometheus exporter). */
  setObserver(observer: ((name: string, value: number) => void) | null): void {
    this.observer = observer;
  }

  /** Count into a per-second rate (and its total). */
  mark(name: string, by = 1, now = Date.now()): void {
    this.count(name, by);
    let meter = this.rates.get(name);
    if (!meter) this.rates.set(name, (meter = new RateMeter()));
    meter.add(by, now);
  }

  ratesPerSecond(now = Date.now()): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [name, meter] of this.rates) out[name] = meter.perSecond(now);
    return out;
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.counters].sort(([a], [b]) => a.localeCompare(b)));
  }
}

const DROPPED = 'metrics.droppedKeys';

/** Average per second over the last 10 whole seconds. */
class RateMeter {
  private readonly buckets = new Array<number>(10).fill(0);
  private bucketSecond = 0;

  add(n: number, now: number): void {
    this.roll(now);
    this.buckets[this.bucketSecond % 10] = (this.buckets[this.bucketSecond % 10] ?? 0) + n;
  }

  perSecond(now: number): number {
    this.roll(now);
    const total = this.buckets.reduce((a, b) => a + b, 0);
    return Math.round((total / 10) * 100) / 100;
  }

  private roll(now: number): void {
    const second = Math.floor(now / 1000);
    if (this.bucketSecond === 0) this.bucketSecond = second;
    const steps = Math.min(second - this.bucketSecond, 10);
    for (let i = 1; i <= steps; i++) this.buckets[(this.bucketSecond + i) % 10] = 0;
    if (second > this.bucketSecond) this.bucketSecond = second;
  }
}

/** Token bucket: `ratePerSecond` sustained, `burst` at once. */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    now = Date.now(),
  ) {
    this.tokens = burst;
    this.last = now;
  }

  take(now = Date.now()): boolean {
    this.tokens = Math.min(
      this.burst,
      this.tokens + ((now - this.last) / 1000) * this.ratePerSecond,
    );
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
