/**
 * A bounded set of recently seen ids: the dedupe memory across reconnects and replays.
 * When full, the oldest id is forgotten, so memory stays bounded however long the app runs.
 *
 * The insertion order lives in a ring, not in the Set: evicting through `set.values().next()`
 * walks over every hole that earlier deletes left at the front of V8's hash table, which made
 * each check cost ~4 µs once the set was full (measured by the ingest benchmark's profile).
 */
export class SeenIds {
  private readonly ids = new Set<string>();
  private readonly order: Array<string | undefined>;
  private next = 0;

  constructor(readonly capacity = 10_000) {
    this.order = new Array<string | undefined>(Math.max(1, capacity)).fill(undefined);
  }

  /** True when `id` was already seen; otherwise remembers it and returns false. */
  checkAndAdd(id: string): boolean {
    if (this.ids.has(id)) return true;
    const oldest = this.order[this.next];
    if (oldest !== undefined) this.ids.delete(oldest);
    this.order[this.next] = id;
    this.next = this.next + 1 === this.order.length ? 0 : this.next + 1;
    this.ids.add(id);
    return false;
  }

  /**
   * Forget every id starting with `prefix` (one incarnation of a channel whose history the server
   * lost: nothing of it can come again). O(capacity); resets are rare.
   */
  forget(prefix: string): number {
    let n = 0;
    for (let i = 0; i < this.order.length; i++) {
      const id = this.order[i];
      if (id !== undefined && id.startsWith(prefix)) {
        this.ids.delete(id);
        this.order[i] = undefined;
        n++;
      }
    }
    return n;
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  get size(): number {
    return this.ids.size;
  }
}
