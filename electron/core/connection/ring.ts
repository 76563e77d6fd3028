/** A fixed-capacity ring: O(1) push, the oldest entry dropped once full. Bounds every log we keep. */
export class Ring<T> {
  private readonly items: T[] = [];
  private head = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError('Ring capacity must be a positive integer');
  }

  get size(): number {
    return this.items.length;
  }

  push(item: T): void {
    if (this.items.length < this.capacity) {
      this.items.push(item);
      return;
    }
    this.items[this.head] = item;
    this.head = (this.head + 1) % this.capacity;
  }

  /** The newest entry, if any. */
  last(): T | undefined {
    if (this.items.length === 0) return undefined;
    const index =
      this.items.length < this.capacity
        ? this.items.length - 1
        : (this.head + this.capacity - 1) % this.capacity;
    return this.items[index];
  }

  /** Entries oldest first. */
  toArray(): T[] {
    if (this.items.length < this.capacity) return this.items.slice();
    return [...this.items.slice(this.head), ...this.items.slice(0, this.head)];
  }

  clear(): void {
    this.items.length = 0;
    this.head = 0;
  }
}
