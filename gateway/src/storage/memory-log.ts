import type { PublishEvent, WireEvent } from '../../../shared/protocol/lookout-wire';
import {
  judgeReplay,
  newEpoch,
  toWireEvent,
  type EventLog,
  type LogCursor,
  type ReplayResult,
  type StorageHealth,
} from './event-log';

interface ChannelLog {
  /** Drawn when the channel's log is created: a new process, or a channel evicted and met again. */
  epoch: string;
  head: number;
  /** The last `retention` events, oldest first (seqs consecutive). */
  events: WireEvent[];
}

/**
 * The embedded event log: bounded per channel and in the number of channels, lost when the
 * process ends. One instance may be shared by several gateways in one process (tests, and a
 * restart of the embedded gateway without losing history). Every channel log starts with a new
 * epoch, so a client whose cursor comes from before a restart (or an eviction) is told its
 * history is gone instead of having a reused seq taken for one it already has.
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
    const log = this.channel(event.channel);
    // Re-insert so Map order tracks recency for eviction.
    this.channels.delete(event.channel);
    this.channels.set(event.channel, log);
    log.head += 1;
    const wire = toWireEvent(event, log.head, Date.now(), log.epoch);
    log.events.push(wire);
    if (log.events.length > this.retention)
      log.events.splice(0, log.events.length - this.retention);
    for (const listener of this.listeners) listener(wire);
    return wire;
  }

  async replay(
    channel: string,
    since: LogCursor | undefined,
    limit: number,
  ): Promise<ReplayResult> {
    // Read creates the log too: the epoch a subscriber is told must be the one events get later.
    const log = this.channel(channel);
    const oldest = log.events[0]?.seq ?? log.head + 1;
    return judgeReplay({ epoch: log.epoch, head: log.head, oldest }, since, limit, (after) =>
      log.events.slice(Math.max(0, after + 1 - oldest)),
    );
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

  private channel(name: string): ChannelLog {
    let log = this.channels.get(name);
    if (!log) {
      while (this.channels.size >= this.maxChannels) {
        const oldest = this.channels.keys().next().value;
        if (oldest === undefined) break;
        this.channels.delete(oldest);
      }
      log = { epoch: newEpoch(), head: 0, events: [] };
      this.channels.set(name, log);
    }
    return log;
  }
}
