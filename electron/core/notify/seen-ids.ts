/**
 * A bounded set of recently seen ids: the dedupe memory across reconnects and replays.
 * When full, the oldest id is forgotten, so memory stays bounded however long the app runs.
 */
export class SeenIds {
  // A Set iterates in insertion order, which makes "forget the oldest" O(1).
  private readonly ids = new Set<string>();

  constructor(readonly capacity = 10_000) {}

  /** True when `id` was already seen; otherwise remembers it and returns false. */
  checkAndAdd(id: string): boolean {
    if (this.ids.has(id)) return true;
    this.ids.add(id);
    if (this.ids.size > this.capacity) {
      const oldest = this.ids.values().next().value;
      if (oldest !== undefined) this.ids.delete(oldest);
    }
    return false;
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  get size(): number {
    return this.ids.size;
  }
}
