import { randomBytes } from 'node:crypto';

/** A socket the wheel beats: it gets the round's PING payload and its heartbeat frame. */
export interface Beating {
  beat(ping: Buffer, heartbeat: Buffer): void;
}

/** Longest gap between two ticks' work, so a small interval still spreads over a few slots. */
const MIN_TICK_MS = 50;
const MAX_SLOTS = 16;

/**
 * One timer for every socket's heartbeat (issue 23), instead of one `setInterval` per socket.
 * Sockets are spread over `slots` buckets and one bucket is beaten per tick, so each socket is
 * beaten every `intervalMs` and the work comes in small, even portions rather than all at once.
 * Each tick builds its PING payload (8 fresh random bytes, docs/protocol.md §5) and its
 * `heartbeat` frame once for its whole bucket. The timer runs only while sockets are held.
 */
export class HeartbeatWheel {
  private readonly buckets: Array<Set<Beating>>;
  private readonly bucketOf = new Map<Beating, Set<Beating>>();
  private readonly tickMs: number;
  private cursor = 0;
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(intervalMs: number) {
    // Whole-millisecond ticks that add up to the interval exactly (15,000 ms: 15 slots of 1 s).
    let slots = Math.max(1, Math.min(MAX_SLOTS, Math.floor(intervalMs / MIN_TICK_MS)));
    while (slots > 1 && intervalMs % slots !== 0) slots -= 1;
    this.buckets = Array.from({ length: slots }, () => new Set<Beating>());
    this.tickMs = intervalMs / slots;
  }

  /** Sockets held. */
  get size(): number {
    return this.bucketOf.size;
  }

  /** Start beating `socket`: its first beat comes at most one interval from now. */
  add(socket: Beating): void {
    if (this.bucketOf.has(socket)) return;
    // The bucket just beaten is the one whose turn is furthest away: a whole interval.
    const bucket = this.buckets[this.cursor] as Set<Beating>;
    bucket.add(socket);
    this.bucketOf.set(socket, bucket);
    this.timer ??= setInterval(() => this.tick(), this.tickMs);
  }

  /** Stop beating `socket` (idempotent). */
  remove(socket: Beating): void {
    const bucket = this.bucketOf.get(socket);
    if (!bucket) return;
    bucket.delete(socket);
    this.bucketOf.delete(socket);
    if (this.bucketOf.size === 0) this.stop();
  }

  /** Stop the timer; sockets still held resume being beaten on the next `add`. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private tick(): void {
    this.cursor = (this.cursor + 1) % this.buckets.length;
    const bucket = this.buckets[this.cursor] as Set<Beating>;
    if (bucket.size === 0) return;
    const ping = randomBytes(8);
    const heartbeat = Buffer.from(
      JSON.stringify({ type: 'heartbeat', serverTime: Date.now() }),
      'utf8',
    );
    // A copy: a beat may end its socket, which removes it from the bucket.
    for (const socket of [...bucket]) socket.beat(ping, heartbeat);
  }
}
