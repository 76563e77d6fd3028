/**
 * A minimal typed event emitter whose `on` returns its own unsubscribe. A listener that throws is
 * reported to `onListenerError` and never breaks the emitter or the other listeners.
 */
export class TypedEmitter<Events extends Record<string, unknown>> {
  private readonly listeners = new Map<keyof Events, Set<(payload: never) => void>>();

  constructor(
    private readonly onListenerError: (error: unknown, event: keyof Events) => void = () => {},
  ) {}

  on<E extends keyof Events>(event: E, listener: (payload: Events[E]) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener as (payload: never) => void);
    return () => set.delete(listener as (payload: never) => void);
  }

  protected emit<E extends keyof Events>(event: E, payload: Events[E]): void {
    const set = this.listeners.get(event);
    if (!set) return;
    for (const listener of set) {
      try {
        (listener as (p: Events[E]) => void)(payload);
      } catch (error) {
        this.onListenerError(error, event);
      }
    }
  }

  protected removeAllListeners(): void {
    this.listeners.clear();
  }
}
