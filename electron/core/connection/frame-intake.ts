/**
 * `FrameIntake`: every frame a session receives, decoded by its dialect and sorted into events,
 * resets, re-subscribes and proof of life for the session, and tallied for diagnostics.
 */
import type { RawData } from 'ws';
import type { ChannelHealth, ChannelReset, DropReason } from '../../../shared/model/connection';
import type { LiveEvent } from '../../../shared/model/live-event';
import type { DecodeResult, DialectCodec } from '../dialects/dialect';
import type { Redactor } from '../kernel/redact';
import type { FrameId, SessionRecorder } from './session-recorder';

/** What Diagnostics says about a reset, by its cause. */
const RESET_EXPLANATION = {
  'history-lost':
    'The server lost this channel’s history (it restarted without it, or its storage was emptied): events sent before then that had not arrived may be missing.',
  'too-old':
    'The server no longer keeps history back to where Lookout was: events sent in between may be missing.',
} as const;

/** Channels tallied per session for diagnostics, at most. */
const MAX_CHANNELS = 500;

/** What the intake tells its session. */
export interface IntakeSink {
  events(events: LiveEvent[]): void;
  reset(resets: ChannelReset[]): void;
  /** Data arrived at `now` (`first`: the first on this connection): it proves delivery. */
  data(now: number, first: boolean): void;
  /** A frame that is not data: proves the link is alive, not delivery. */
  frame(now: number): void;
  /** The dialect saw a stream break: send these subscriptions again. */
  resubscribe(channels: string[]): void;
}

/**
 * Frames in, per connection and per channel: decodes each text frame once with the dialect,
 * rejects binary and oversized frames (counted, never thrown), keeps per-channel tallies, the
 * acks and refusals of the current connection, and the facts Diagnostics shows (last data, last
 * frame, clock skew). Knows no socket and no timer.
 */
export class FrameIntake {
  /** Per-channel tallies for the diagnostics panel (bounded: see MAX_CHANNELS). */
  private readonly channelStats = new Map<string, ChannelStats>();
  /** The frame each recent event came in, so a drop decided later (the model's) is marked on it. */
  private readonly frameOf = new RecentFrames();
  /** Subscriptions sent on this connection and not yet acknowledged, oldest first. */
  private pendingAcks: string[] = [];
  /** Data arrived on the current connection (the first data turns "quiet" into "flowing"). */
  private dataOnConnection = false;
  lastDataAt: number | null = null;
  lastFrameAt: number | null = null;
  skewMs: number | null = null;

  constructor(
    private readonly codec: DialectCodec,
    private readonly recorder: SessionRecorder,
    private readonly redactor: Redactor,
    private readonly maxPayloadBytes: number,
    private readonly sink: IntakeSink,
  ) {}

  /** A new connection opened at `now`: nothing acknowledged on it, no data on it yet. */
  opened(now: number): void {
    this.lastFrameAt = now;
    this.dataOnConnection = false;
    this.forgetAcks();
  }

  /** A pong or other link-level sign of life at `now`. */
  touched(now: number): void {
    this.lastFrameAt = now;
  }

  /** One frame from the socket. */
  frame(data: RawData, isBinary: boolean, now: number): void {
    const size = rawSize(data);
    this.lastFrameAt = now;
    if (isBinary) {
      this.recorder.frameIn(now, '[binary frame]', size, 'binary-frame', undefined, 'binary');
      this.sink.frame(now);
      return;
    }
    if (size > this.maxPayloadBytes) {
      this.recorder.frameIn(
        now,
        rawHead(data, 200),
        size,
        `oversized: ${size} bytes > ${this.maxPayloadBytes}`,
      );
      this.sink.frame(now);
      return;
    }
    const text = rawText(data);
    let result: DecodeResult;
    try {
      result = this.codec.decode(text, now);
    } catch (error) {
      // A dialect must not throw; if one does, the frame is rejected, not the session.
      result = {
        rejected: `decoder-error: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
    // The log keeps the result's outcome code (and the result only where the text cannot give it
    // again): the inspector puts it into words only when asked.
    // The socket's bytes are copied into the log as they are (a text frame is valid UTF-8: ws
    // checks it), rather than encoding the text again.
    const utf8 = Buffer.isBuffer(data) ? data : undefined;
    const frame = this.recorder.frameIn(now, text, size, result.rejected, result, 'text', utf8);
    this.apply(result, now, frame);
  }

  private apply(result: DecodeResult, now: number, frame: FrameId): void {
    const events = result.events;
    // Only data proves delivery; pongs, acks, greetings, heartbeats and rejects prove the link.
    if (events && events.length > 0) {
      this.lastDataAt = now;
      const first = !this.dataOnConnection;
      this.dataOnConnection = true;
      this.sink.data(now, first);
    } else {
      this.sink.frame(now);
    }
    if (result.greeting?.serverTime !== undefined) this.skewMs = result.greeting.serverTime - now;
    if (result.pong?.echo !== undefined) this.recorder.rtt.add(now, now - result.pong.echo);
    if (result.dropped) for (const d of result.dropped) this.countDrop(d.channel, d.reason, frame);
    // The dialect saw the stream break: ask again from its cursor.
    if (result.resubscribe) this.sink.resubscribe(result.resubscribe);
    if (result.reset?.length) {
      for (const r of result.reset)
        this.channel(r.channel).lastReset = {
          at: now,
          cause: r.cause,
          explanation: RESET_EXPLANATION[r.cause],
        };
      this.sink.reset(result.reset);
    }
    if (result.acks) {
      for (const ack of result.acks) {
        const stats = this.channel(ack.channel);
        stats.acknowledged = ack.op === 'subscribed';
        if (stats.acknowledged) stats.refused = null;
        this.pendingAcks = this.pendingAcks.filter((c) => c !== ack.channel);
      }
    }
    for (const refusal of result.refused ?? []) this.refuse(refusal.channel, refusal.reason);
    if (result.serverError) {
      this.recorder.serverError(now, result.serverError);
      // Servers that answer in order and name no channel (sakura, task-status): an error while a
      // subscription awaits its ack is that subscription's refusal.
      const pending = result.refused?.length ? undefined : this.pendingAcks[0];
      if (pending !== undefined) this.refuse(pending, result.serverError);
    }
    if (events && events.length > 0) {
      this.recorder.events(events.length);
      for (const event of events) {
        const stats = this.channel(event.channel);
        stats.events += 1;
        stats.lastEventAt = now;
        this.frameOf.add(event, frame);
      }
      this.sink.events(events);
    }
  }

  /** A subscription frame went out on this connection: its ack (or refusal) is awaited. */
  awaitAck(channel: string): void {
    if (!this.pendingAcks.includes(channel)) this.pendingAcks.push(channel);
  }

  /** An event emitted earlier was not applied downstream: counted and marked on its frame. */
  dropped(event: LiveEvent, reason: DropReason): void {
    this.countDrop(event.channel, reason, this.frameOf.get(event));
  }

  /** A new or ended connection: no subscription is acknowledged or refused on it yet. */
  forgetAcks(): void {
    this.pendingAcks = [];
    for (const stats of this.channelStats.values()) {
      stats.acknowledged = false;
      stats.refused = null;
    }
  }

  /** The channel rows of the diagnostics panel: subscribed channels and any that sent data. */
  channelHealth(subscriptions: ReadonlySet<string>): ChannelHealth[] {
    const names = new Set([...subscriptions, ...this.channelStats.keys()]);
    return [...names].map((name) => {
      const stats = this.channelStats.get(name);
      return {
        name,
        subscribed: subscriptions.has(name),
        acknowledged: stats?.acknowledged ?? false,
        refused: stats?.refused ?? null,
        events: stats?.events ?? 0,
        lastEventAt: stats?.lastEventAt ?? null,
        dropped: { ...stats?.dropped },
        resume: this.codec.resumePoint?.(name) ?? null,
        lastReset: stats?.lastReset ?? null,
      };
    });
  }

  private countDrop(channel: string, reason: DropReason, frame: FrameId | undefined): void {
    const dropped = this.channel(channel).dropped;
    dropped[reason] = (dropped[reason] ?? 0) + 1;
    this.recorder.dropped(frame, reason);
  }

  private refuse(channel: string, reason: string): void {
    const stats = this.channel(channel);
    stats.acknowledged = false;
    stats.refused = this.redactor.text(reason).slice(0, 300);
    this.pendingAcks = this.pendingAcks.filter((c) => c !== channel);
  }

  private channel(name: string): ChannelStats {
    let stats = this.channelStats.get(name);
    if (!stats) {
      stats = {
        events: 0,
        lastEventAt: null,
        acknowledged: false,
        refused: null,
        dropped: {},
        lastReset: null,
      };
      // Bounded: a server inventing channel names must not grow memory without end.
      if (this.channelStats.size < MAX_CHANNELS) this.channelStats.set(name, stats);
    }
    return stats;
  }
}

/** Per-channel tallies for the diagnostics panel. */
interface ChannelStats {
  events: number;
  lastEventAt: number | null;
  acknowledged: boolean;
  refused: string | null;
  /** Events that arrived here but were not applied as new, by reason. */
  dropped: Partial<Record<DropReason, number>>;
  lastReset: ChannelHealth['lastReset'];
}

/**
 * Events remembered with their frame: the model decides on a socket read's events in the next turn
 * of the event loop. Small, because what it holds cannot be collected meanwhile.
 */
const RECENT_EVENTS = 1_024;

/**
 * The frames of the last `RECENT_EVENTS` events, in two parallel rings. A WeakMap from event to
 * frame did the same with one ephemeron per event, which the garbage collector pays for on every
 * cycle (the ingest profile, issue 23). A lookup searches from the newest event back: the model
 * reports a drop in the same turn as (or the turn after) the read that brought it.
 */
class RecentFrames {
  private readonly events = new Array<LiveEvent | undefined>(RECENT_EVENTS).fill(undefined);
  /** Row ids (0: none; ids start at 1). */
  private readonly frames = new Float64Array(RECENT_EVENTS);
  private next = 0;

  add(event: LiveEvent, frame: FrameId): void {
    this.events[this.next] = event;
    this.frames[this.next] = frame;
    this.next = this.next + 1 === RECENT_EVENTS ? 0 : this.next + 1;
  }

  /** Where the last lookup found its event: drops are reported in the order events came. */
  private hint = 0;

  get(event: LiveEvent): FrameId | undefined {
    // Forward from the last hit first (a replay dropped whole is found in one pass), then back
    // from the newest.
    for (let i = this.hint; i !== this.next; i = i + 1 === RECENT_EVENTS ? 0 : i + 1) {
      if (this.events[i] === event) return this.found(i);
    }
    for (let n = 1; n <= RECENT_EVENTS; n++) {
      const i = (this.next - n + RECENT_EVENTS) % RECENT_EVENTS;
      if (this.events[i] === event) return this.found(i);
      if (this.events[i] === undefined) return undefined;
    }
    return undefined;
  }

  private found(i: number): FrameId | undefined {
    this.hint = i + 1 === RECENT_EVENTS ? 0 : i + 1;
    return this.frames[i] || undefined;
  }
}

function rawSize(data: RawData): number {
  if (Buffer.isBuffer(data)) return data.length;
  if (Array.isArray(data)) return data.reduce((n, b) => n + b.length, 0);
  return data.byteLength;
}

function rawText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

function rawHead(data: RawData, bytes: number): string {
  const buf = Buffer.isBuffer(data)
    ? data
    : Array.isArray(data)
      ? Buffer.concat(data)
      : Buffer.from(data);
  return buf.subarray(0, bytes).toString('utf8');
}
