import type { WireEvent } from '../../../shared/protocol/lookout-wire';

/** What the fan-out needs from a local subscriber (a client connection). */
export interface FanOutSubscriber {
  /** A new event of a channel this subscriber is attached to. */
  deliver(event: WireEvent): void;
  /** Hold writes until `uncork()`, so everything delivered in between leaves in one write. */
  cork(): void;
  uncork(): void;
}

/** One delivered batch, for metrics and instrumentation. */
export interface FanOutBatch {
  /** The events of the batch, in delivery order. */
  events: readonly WireEvent[];
  /** Subscribers that got at least one of them (= socket writes for the batch). */
  subscribers: number;
  /** How long handing the batch to the sockets took, ms. */
  durationMs: number;
}

export interface FanOutOptions {
  /** Called after each batch has been handed to the subscribers' sockets. */
  onBatch?: (batch: FanOutBatch) => void;
  /**
   * Run `flush` soon, after the current burst of events (default `setImmediate`: after the I/O
   * callbacks of this turn, so a Redis read's whole batch, or every publish of one turn, is in).
   */
  schedule?: (flush: () => void) => void;
}

/**
 * The local subscribers of each channel, and the delivery of new events to them in batches.
 *
 * Events are queued as they come from the log and delivered together on the next flush: each
 * subscriber is corked for the flush, so all the events it gets in a batch leave in one socket
 * write. With a thousand subscribers the write system call per socket is most of the cost of an
 * event (in the fan-out benchmark's profile, three quarters of a gateway's busy time was in
 * `writev`), so when delivery falls behind, the batches grow and the cost per event shrinks
 * instead of the backlog growing. While delivery keeps up, a batch is one event and nothing waits
 * longer than one event-loop turn. Order is kept: events are delivered in the order the log
 * emitted them, and a connection still drops what its replay already sent (by seq).
 */
export class FanOut {
  private readonly channels = new Map<string, Set<FanOutSubscriber>>();
  private pending: WireEvent[] = [];
  private scheduled = false;
  private readonly schedule: (flush: () => void) => void;
  private readonly onBatch: ((batch: FanOutBatch) => void) | undefined;
  private readonly flushBound = () => this.flush();

  constructor(options: FanOutOptions = {}) {
    this.schedule = options.schedule ?? ((flush) => setImmediate(flush));
    this.onBatch = options.onBatch;
  }

  /** Channels with at least one local subscriber. */
  get channelCount(): number {
    return this.channels.size;
  }

  attach(channel: string, subscriber: FanOutSubscriber): void {
    let set = this.channels.get(channel);
    if (!set) this.channels.set(channel, (set = new Set()));
    set.add(subscriber);
  }

  /** Drop a subscriber; true when the channel has no local subscriber left. */
  detach(channel: string, subscriber: FanOutSubscriber): boolean {
    const set = this.channels.get(channel);
    if (!set) return false;
    set.delete(subscriber);
    if (set.size > 0) return false;
    this.channels.delete(channel);
    return true;
  }

  /** Queue a new event for the local subscribers of its channel. */
  push(event: WireEvent): void {
    if (!this.channels.has(event.channel)) return;
    this.pending.push(event);
    if (this.scheduled) return;
    this.scheduled = true;
    this.schedule(this.flushBound);
  }

  /** Deliver everything queued; each subscriber's share leaves in one write. */
  flush(): void {
    this.scheduled = false;
    const events = this.pending;
    if (events.length === 0) return;
    this.pending = [];
    const started = performance.now();
    const only = oneChannel(events);
    if (only !== null) {
      // The usual batch: one channel. Its subscribers are distinct, and each is written as soon
      // as it has its share (the first sockets need not wait for the last one's turn).
      const set = this.channels.get(only);
      const subscribers = set?.size ?? 0;
      if (set)
        for (const subscriber of set) {
          subscriber.cork();
          try {
            for (const event of events) subscriber.deliver(event);
          } finally {
            subscriber.uncork();
          }
        }
      this.onBatch?.({ events, subscribers, durationMs: performance.now() - started });
      return;
    }
    const corked: FanOutSubscriber[] = [];
    const seen = new Set<FanOutSubscriber>();
    try {
      for (const event of events) {
        const set = this.channels.get(event.channel);
        if (!set) continue;
        for (const subscriber of set) {
          if (!seen.has(subscriber)) {
            seen.add(subscriber);
            subscriber.cork();
            corked.push(subscriber);
          }
          subscriber.deliver(event);
        }
      }
    } finally {
      for (const subscriber of corked) subscriber.uncork();
    }
    this.onBatch?.({ events, subscribers: corked.length, durationMs: performance.now() - started });
  }

  /** Drop whatever is queued (the gateway is stopping). */
  clear(): void {
    this.pending = [];
  }
}

/** The channel of every event in `events`, or null when they are on several. */
function oneChannel(events: readonly WireEvent[]): string | null {
  const channel = events[0]?.channel;
  if (channel === undefined) return null;
  for (const event of events) if (event.channel !== channel) return null;
  return channel;
}
