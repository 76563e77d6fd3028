/** Something that ends when its access token does. */
export interface Expiring {
  /** Its token's `exp` has passed (called once, unless it was removed first). */
  expire(): void;
}

/** `setTimeout` takes at most this (~24.8 days); a later deadline is re-armed on the way. */
const MAX_TIMEOUT_MS = 2_147_483_647;

/**
 * One timer for every connection's token expiry (issue 23), instead of one `setTimeout` (and, as
 * every delay differs by a few ms, one Node timer list) per socket. Connections are grouped by the
 * second their token expires (`exp` is whole seconds); the groups' seconds sit in a min-heap and
 * the one timer is armed for the earliest, so each connection still ends as its token expires.
 * The timer runs only while connections are held.
 */
export class ExpiryWheel {
  private readonly groups = new Map<number, Set<Expiring>>();
  private readonly expOf = new Map<Expiring, number>();
  /** The seconds of `groups`, as a binary min-heap. */
  private readonly heap: number[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** The second the timer is armed for. */
  private armedFor = Number.POSITIVE_INFINITY;

  constructor(private readonly now: () => number = Date.now) {}

  /** Connections held. */
  get size(): number {
    return this.expOf.size;
  }

  /** End `item` when `exp` (epoch seconds) passes; at once (on the next tick) if it has. */
  add(item: Expiring, exp: number): void {
    this.remove(item);
    let group = this.groups.get(exp);
    if (!group) {
      this.groups.set(exp, (group = new Set()));
      this.push(exp);
    }
    group.add(item);
    this.expOf.set(item, exp);
    if (exp < this.armedFor) this.arm();
  }

  /** Stop watching `item` (idempotent). */
  remove(item: Expiring): void {
    const exp = this.expOf.get(item);
    if (exp === undefined) return;
    this.expOf.delete(item);
    // An emptied group stays until its second comes, so a client reconnecting with the same
    // token over and over finds it there instead of pushing its second onto the heap again.
    this.groups.get(exp)?.delete(item);
    if (this.expOf.size === 0) {
      this.groups.clear();
      this.heap.length = 0;
      this.stop();
    }
  }

  /** Stop the timer; what is still held is armed again on the next `add`. */
  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.armedFor = Number.POSITIVE_INFINITY;
  }

  private arm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.armedFor = Number.POSITIVE_INFINITY;
    const next = this.heap[0];
    if (next === undefined) return;
    this.armedFor = next;
    const ms = Math.min(MAX_TIMEOUT_MS, Math.max(0, next * 1000 - this.now()));
    this.timer = setTimeout(() => this.fire(), ms);
  }

  private fire(): void {
    this.timer = null;
    this.armedFor = Number.POSITIVE_INFINITY;
    const nowMs = this.now();
    const due: Expiring[] = [];
    while (this.heap.length > 0 && (this.heap[0] as number) * 1000 <= nowMs) {
      const exp = this.pop();
      const group = this.groups.get(exp);
      if (!group) continue;
      this.groups.delete(exp);
      for (const item of group) {
        this.expOf.delete(item);
        due.push(item);
      }
    }
    // Re-armed before the callbacks: one that adds or removes finds the wheel consistent.
    if (this.expOf.size > 0) this.arm();
    for (const item of due) item.expire();
  }

  private push(value: number): void {
    const h = this.heap;
    h.push(value);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((h[parent] as number) <= value) break;
      h[i] = h[parent] as number;
      i = parent;
    }
    h[i] = value;
  }

  private pop(): number {
    const h = this.heap;
    const top = h[0] as number;
    const last = h.pop() as number;
    if (h.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= h.length) break;
        const r = l + 1;
        const c = r < h.length && (h[r] as number) < (h[l] as number) ? r : l;
        if ((h[c] as number) >= last) break;
        h[i] = h[c] as number;
        i = c;
      }
      h[i] = last;
    }
    return top;
  }
}
