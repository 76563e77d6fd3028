import { randomBytes } from 'node:crypto';
import type { PublishEvent, ResetReason, WireEvent } from '../../../shared/protocol/lookout-wire';

/**
 * Where events live between publish and delivery: the in-process log (default) or Redis
 * Streams (several instances). Both give each channel a gap-free, increasing `seq` within an
 * **epoch**, the incarnation of the channel's history: whenever that history is lost (an
 * in-memory log starts empty, Redis lost the stream or its counter), the channel gets a new
 * epoch and numbering starts again at 1. A seq is never reused within an epoch, so
 * `(epoch, seq)` names one event for good.
 */

/** A client's position in a channel: the last seq it has, in the epoch that seq belongs to. */
export interface LogCursor {
  seq: number;
  /** Unknown for a protocol-1 client: the seq is then read in the channel's current epoch. */
  epoch?: string;
}

/** Answer to "what happened on this channel after `since`?". */
export type ReplayResult =
  | { reset: false; epoch: string; head: number; events: WireEvent[] }
  /**
   * The history after `since` cannot be replayed: `new-epoch` / `cursor-ahead` (the history the
   * cursor belongs to is gone), `too-old` (trimmed, or more missing than one replay may carry).
   */
  | { reset: true; epoch: string; head: number; reason: ResetReason };

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
  /** Store an event; resolves with its epoch, seq and id once it is durable in this log. */
  append(event: PublishEvent): Promise<WireEvent>;
  /** Events after `since` (at most `limit`), or a reset; `since` undefined = none, just the head and epoch. */
  replay(channel: string, since: LogCursor | undefined, limit: number): Promise<ReplayResult>;
  /** Ask for live delivery of a channel's new events after `from` (ref-counted by the caller). */
  watch(channel: string, from: Required<LogCursor>): void;
  unwatch(channel: string): void;
  /** Every new event of a watched channel, in seq order per channel and epoch. */
  onEvent(listener: (event: WireEvent) => void): () => void;
  /** Cheap, cached view for `/stats`. */
  health(): StorageHealth;
  /** Live check for `/health` (pings Redis). */
  check(): Promise<StorageHealth>;
}

/** A fresh epoch: 72 random bits, URL-safe (`epochSchema`). */
export function newEpoch(): string {
  return randomBytes(9).toString('base64url');
}

/**
 * The replay rules both logs share, given the channel's state: what a client at `since` is owed.
 * `oldest` is the seq of the oldest event still kept (head + 1 when none is); `read(after)` yields
 * the kept events with seq > `after`, in order (called only when a replay is owed).
 */
export function judgeReplay(
  state: { epoch: string; head: number; oldest: number },
  since: LogCursor | undefined,
  limit: number,
  read: (after: number) => WireEvent[],
): ReplayResult {
  const { epoch, head, oldest } = state;
  if (since === undefined) return { reset: false, epoch, head, events: [] };
  if (since.epoch !== undefined && since.epoch !== epoch)
    return { reset: true, epoch, head, reason: 'new-epoch' };
  if (since.seq === head) return { reset: false, epoch, head, events: [] };
  if (since.seq > head) return { reset: true, epoch, head, reason: 'cursor-ahead' };
  if (oldest > since.seq + 1 || head - since.seq > limit)
    return { reset: true, epoch, head, reason: 'too-old' };
  return { reset: false, epoch, head, events: read(since.seq) };
}

/** Build the wire event of a stored publish. */
export function toWireEvent(
  event: PublishEvent,
  seq: number,
  storedAt: number,
  epoch: string,
): WireEvent {
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
    epoch,
  };
  if (event.link !== undefined) wire.link = event.link;
  if (event.origin !== undefined) wire.origin = event.origin;
  return wire;
}
