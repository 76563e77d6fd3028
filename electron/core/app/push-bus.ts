import type { PushChannel, PushPayloads } from '../../../shared/ipc/contract';
import type { Logger } from '../kernel/ports';
import type { PushListener } from './core-api';

/**
 * Main → renderer pushes, fanned out to the hosts' listeners. A listener that throws is logged and
 * never keeps the push from the others.
 */
export class PushBus {
  private readonly listeners = new Set<PushListener>();

  constructor(private readonly logger: Logger) {}

  /** Returns the unsubscribe. */
  on(listener: PushListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  push<C extends PushChannel>(channel: C, payload: PushPayloads[C]): void {
    for (const listener of this.listeners) {
      try {
        listener(channel, payload);
      } catch (error) {
        this.logger.error('push listener failed', { channel, error: String(error) });
      }
    }
  }
}
