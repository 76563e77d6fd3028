import type { PublishEvent, WireEvent } from '../../../shared/protocol/lookout-wire';

/**
 * Where events live between publish and delivery: the in-process log (default) or Redis
 * Streams (several instances). Both give each channel a gap-free, increasing `seq` and can
 * replay what a client missed.
 */

/** Answer to "what happened on this channel after `since`?". */
export type ReplayResult =
  | { reset: false; head: number; events: WireEvent[] }
  /** The history after `since` is gone (trimmed, or the cursor is from another history): refetch a snapshot. */
  | { reset: true; head: number; reason: 'too-old' | 'cursor-ahead' };

export interface StorageHealth {
  ok: boolean;
  kind: 'memory' | 'redis';
  /** Why storage is not ok, in words (never carries the Redis URL's password). */
  reason?: string;
}

/** Thrown when the backing store cannot be reached; the gateway answers 503 / close 4013. */
export class StorageUnavailableError extends Error {
  override readonly name = 'StorageUnavailableError';
}

export interface EventLog {
  readonly kind: 'memory' | 'redis';
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Store an event; resolves with its seq and id once it is durable in this log. */
  append(event: PublishEvent): Promise<WireEvent>;
  /** Events with seq > `since` (at most `limit`), or a reset; `since` undefined = none, just the head. */
  replay(channel: string, since: number | undefined, limit: number): Promise<ReplayResult>;
  /** Ask for live delivery of a channel's new events from `fromSeq` on (ref-counted by the caller). */
  watch(channel: string, fromSeq: number): void;
  unwatch(channel: string): void;
  /** Every new event of a watched channel, in seq order per channel. */
  onEvent(listener: (event: WireEvent) => void): () => void;
  /** Cheap, cached view for `/stats`. */
  health(): StorageHealth;
  /** Live check for `/health` (pings Redis). */
  check(): Promise<StorageHealth>;
}

/** Build the wire event of a stored publish. */
export function toWireEvent(event: PublishEvent, seq: number, storedAt: number): WireEvent {
  const wire: WireEvent = {
    type: 'event',
    channel: event.channel,
    seq,
    id: event.id ?? `${event.channel}:${seq}`,
    kind: event.kind,
    severity: event.severity,
    title: event.title,
    body: event.body,
    time: event.time ?? storedAt,
    data: event.data,
  };
  if (event.link !== undefined) wire.link = event.link;
  return wire;
}
