import type { PublishEvent, WireEvent } from '../../../shared/protocol/lookout-wire';
import { toWireEvent, type EventLog, type ReplayResult, type StorageHealth } from './event-log';

interface ChannelLog {
  head: number;
  /** The last `retention` events, oldest first. */
  events: WireEvent[];
}

/**
 * The embedded event log: bounded per channel and in the number of channels, lost when the
 * process ends. One instance may be shared by several gateways in one process (tests, and a
 * restart of the embedded gateway without losing history).
 */
export class MemoryEventLog implements EventLog {
  readonly kind = 'memory' as const;
  private readonly channels = new Map<string, ChannelLog>();
  private readonly listeners = new Set<(event: WireEvent) => void>();

  constructor(
    private readonly retention = 1_000,
    private readonly maxChannels = 10_000,
  ) {}

  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  async append(event: PublishEvent): Promise<WireEvent> {
    let log = this.channels.get(event.channel);
    if (!log) {
      this.evictIfFull();
      log = { head: 0, events: [] };
    } else {
      // Re-insert so Map order tracks recency for eviction.
      this.channels.delete(event.channel);
    }
    this.channels.set(event.channel, log);
    log.head += 1;
    const wire = toWireEvent(event, log.head, Date.now());
    log.events.push(wire);
    if (log.events.length > this.retention)
      log.events.splice(0, log.events.length - this.retention);
    for (const listener of this.listeners) listener(wire);
    return wire;
  }

  async replay(channel: string, since: number | undefined, limit: number): Promise<ReplayResult> {
    const log = this.channels.get(channel);
    const head = log?.head ?? 0;
    if (since === undefined || since === head) return { reset: false, head, events: [] };
    if (since > head) return { reset: true, head, reason: 'cursor-ahead' };
    const oldest = log?.events[0]?.seq ?? head + 1;
    if (oldest > since + 1 || head - since > limit) return { reset: true, head, reason: 'too-old' };
    return { reset: false, head, events: (log?.events ?? []).filter((e) => e.seq > since) };
  }

  // Every append is already local: nothing to watch.
  watch(): void {}
  unwatch(): void {}

  onEvent(listener: (event: WireEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  health(): StorageHealth {
    return { ok: true, kind: 'memory' };
  }

  async check(): Promise<StorageHealth> {
    return this.health();
  }

  private evictIfFull(): void {
    while (this.channels.size >= this.maxChannels) {
      const oldest = this.channels.keys().next().value;
      if (oldest === undefined) return;
      this.channels.delete(oldest);
    }
  }
}
