import { createClient } from '@redis/client';
import type { PublishEvent, WireEvent } from '../../../shared/protocol/lookout-wire';
import type { GatewayLogger } from '../logger';
import type { GatewayMetrics } from '../metrics';
import type { RedisTopology } from './redis-topology';
import { describeRedisError as describe, failFastClientOptions } from './redis-client';
import {
  StorageUnavailableError,
  judgeReplay,
  newEpoch,
  toWireEvent,
  type EventLog,
  type LogCursor,
  type ReplayResult,
  type StorageHealth,
} from './event-log';

type Client = ReturnType<typeof createClient>;

/**
 * Settles a channel's epoch and head before anything reads or writes it; shared by both scripts.
 * KEYS: stream, seq counter, epoch, epoch notices. ARGV[1]: a fresh epoch to use if one is needed,
 * ARGV[2]: notices kept.
 *
 * - The counter is gone (Redis came back empty or flushed, the key was evicted), or it says events
 *   exist but the stream is gone: the history is lost. The channel gets a new epoch, numbering
 *   restarts at 1 and any leftover entry is dropped, so no seq is ever reused within an epoch.
 * - No epoch yet but counter and stream intact (written before epochs existed): adopt an epoch
 *   and keep the numbering (nothing was lost).
 * - The stream's last entry is above the counter (a counter restored from an older copy): the
 *   counter moves up, never reusing a seq.
 * Every new epoch is announced on the notices stream, which every instance's reader also reads,
 * so an instance learns at once that a channel it serves started over, even when the first event
 * of the new epoch was published on another instance.
 */
const SETTLE = `
local function settle()
  local epoch = redis.call('GET', KEYS[3])
  local counter = redis.call('GET', KEYS[2])
  local head = tonumber(counter or '0')
  local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)[1]
  local lost = (counter == false) or (head > 0 and last == nil)
  if epoch and not lost then
    if last then
      local top = tonumber(string.match(last[1], '^(%d+)'))
      if top > head then
        head = top
        redis.call('SET', KEYS[2], head)
      end
    end
    return epoch, head
  end
  if not epoch and not lost then
    redis.call('SET', KEYS[3], ARGV[1])
    return ARGV[1], head
  end
  redis.call('DEL', KEYS[1])
  redis.call('SET', KEYS[2], 0)
  redis.call('SET', KEYS[3], ARGV[1])
  redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[2], '*', 'c', KEYS[1], 'e', ARGV[1])
  return ARGV[1], 0
end
`;

/**
 * Appends atomically: epoch, counter and stream entry move together, and the entry id IS the seq
 * (`<seq>-0`), so every instance sees the same numbering. ARGV[3..5]: retention, event, storedAt.
 */
const APPEND_SCRIPT = `${SETTLE}
local epoch, head = settle()
head = head + 1
redis.call('SET', KEYS[2], head)
redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[3], string.format('%d-0', head), 'e', ARGV[4], 't', ARGV[5], 'p', epoch)
return {epoch, head}
`;

/**
 * Epoch, head and (when a replay is owed) the entries after ARGV[3] in one atomic read, so a
 * flush in between cannot pair entries of one epoch with the head of another. ARGV[3]: since
 * (-1 = none), ARGV[4]: the epoch `since` belongs to ('' = unknown), ARGV[5]: most entries.
 */
const READ_SCRIPT = `${SETTLE}
local epoch, head = settle()
local since = tonumber(ARGV[3])
local limit = tonumber(ARGV[5])
if since < 0 or since >= head or head - since > limit or (ARGV[4] ~= '' and ARGV[4] ~= epoch) then
  return {epoch, head, {}}
end
return {epoch, head, redis.call('XRANGE', KEYS[1], string.format('%d-0', since + 1), '+', 'COUNT', limit)}
`;

/** Epoch notices kept (each instance only needs the ones since its last read). */
const NOTICES_KEPT = 1_000;

export interface RedisEventLogOptions {
  redis: RedisTopology;
  /** Entries kept per channel stream (approximate trim). */
  retention: number;
  keyPrefix?: string;
  /** How long one XREAD blocks; the reader is woken early when a channel is added. */
  blockMs?: number;
  logger: GatewayLogger;
  /** Latency of the publish and replay commands goes to `redis.seconds`. */
  metrics?: GatewayMetrics;
}

/** One channel's reader position: the epoch being read and the last seq delivered in it. */
interface ReadPosition {
  epoch: string;
  last: number;
}

/**
 * Redis Streams: one capped stream per channel, each with an epoch beside its counter. Each
 * instance reads the streams its own clients watch (XREAD BLOCK on a dedicated connection) and
 * fans out locally; replay is one atomic read script. While Redis is away, appends and replays
 * fail fast (no offline queue), the reader retries, and it resumes from the last entry id it saw,
 * so nothing written to the stream is skipped; when a channel started over in a new epoch (Redis
 * came back empty), the reader reads that epoch from its first event and the connections tell
 * their clients (`reset` `new-epoch`).
 */
export class RedisEventLog implements EventLog {
  readonly kind = 'redis' as const;
  private readonly client: Client;
  private readonly reader: Client;
  private readonly prefix: string;
  private readonly blockMs: number;
  /** channel → where this instance's reader is. */
  private readonly watched = new Map<string, ReadPosition>();
  private readonly listeners = new Set<(event: WireEvent) => void>();
  /** Last entry id of the epoch notices stream this reader has seen (null: not read yet). */
  private noticeCursor: string | null = null;
  private readerId: number | null = null;
  private readerBlocked = false;
  private wake: (() => void) | null = null;
  private stopped = false;
  private loop: Promise<void> | null = null;
  private up = false;
  private lastError = 'not connected yet';

  constructor(private readonly options: RedisEventLogOptions) {
    this.prefix = options.keyPrefix ?? 'lookout';
    this.blockMs = options.blockMs ?? 2_000;
    const common = failFastClientOptions(options.redis.url);
    this.client = createClient(common);
    this.reader = createClient(common);
    this.client.on('error', (error: unknown) => this.markDown(error));
    this.reader.on('error', (error: unknown) => this.markDown(error));
    this.client.on('ready', () => this.markUp());
    this.reader.on('ready', () => {
      this.readerId = null;
    });
  }

  async start(): Promise<void> {
    // Start even when Redis is down: /health says so and the clients retry by themselves.
    const ready = Promise.all([this.client.connect(), this.reader.connect()]).then(
      () => true,
      () => false,
    );
    await Promise.race([ready, new Promise((resolve) => setTimeout(resolve, 3_000))]);
    this.loop = this.readLoop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    for (const c of [this.reader, this.client]) {
      try {
        c.destroy();
      } catch {
        // already closed
      }
    }
    await this.loop;
  }

  async append(event: PublishEvent): Promise<WireEvent> {
    const storedAt = Date.now();
    const stored: PublishEvent = { ...event, time: event.time ?? storedAt };
    let epoch: string;
    let seq: number;
    const began = performance.now();
    try {
      const reply = await this.client.eval(APPEND_SCRIPT, {
        keys: this.keys(event.channel),
        arguments: [
          newEpoch(),
          String(NOTICES_KEPT),
          String(this.options.retention),
          JSON.stringify(stored),
          String(storedAt),
        ],
      });
      [epoch, seq] = epochAndHead(reply);
      this.options.metrics?.observe('redis.seconds', (performance.now() - began) / 1000);
    } catch (error) {
      this.markDown(error);
      throw new StorageUnavailableError(`redis unavailable: ${describe(error)}`);
    }
    return toWireEvent(stored, seq, storedAt, epoch);
  }

  async replay(
    channel: string,
    since: LogCursor | undefined,
    limit: number,
  ): Promise<ReplayResult> {
    let reply: unknown;
    try {
      reply = await this.client.eval(READ_SCRIPT, {
        keys: this.keys(channel),
        arguments: [
          newEpoch(),
          String(NOTICES_KEPT),
          String(since?.seq ?? -1),
          since?.epoch ?? '',
          String(limit),
        ],
      });
    } catch (error) {
      this.markDown(error);
      throw new StorageUnavailableError(`redis unavailable: ${describe(error)}`);
    }
    const [epoch, head] = epochAndHead(reply);
    const entries = Array.isArray(reply) && Array.isArray(reply[2]) ? (reply[2] as unknown[]) : [];
    const events = entries.flatMap((entry) => {
      if (!Array.isArray(entry)) return [];
      const event = this.parse(channel, String(entry[0]), fieldMap(entry[1]), epoch);
      return event && event.epoch === epoch ? [event] : [];
    });
    // The read script only returns entries when a replay is owed; the oldest one tells whether
    // the stream still reaches back to the cursor.
    const oldest = events[0]?.seq ?? head + 1;
    return judgeReplay({ epoch, head, oldest }, since, limit, () => events);
  }

  watch(channel: string, from: Required<LogCursor>): void {
    if (this.watched.has(channel)) return;
    this.watched.set(channel, { epoch: from.epoch, last: from.seq });
    this.interruptReader();
  }

  unwatch(channel: string): void {
    this.watched.delete(channel);
  }

  onEvent(listener: (event: WireEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  health(): StorageHealth {
    return this.up && this.client.isReady
      ? { ok: true, kind: 'redis' }
      : { ok: false, kind: 'redis', reason: `redis unreachable: ${this.lastError}` };
  }

  async check(): Promise<StorageHealth> {
    try {
      await Promise.race([
        this.client.ping(),
        new Promise((_, reject) => setTimeout(() => reject(new Error('PING timed out')), 1_000)),
      ]);
      this.markUp();
    } catch (error) {
      this.markDown(error);
    }
    return this.health();
  }

  private async readLoop(): Promise<void> {
    while (!this.stopped) {
      if (this.watched.size === 0) {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
        this.wake = null;
        continue;
      }
      try {
        this.readerId ??= Number(await this.reader.clientId());
        this.noticeCursor ??= await this.lastNoticeId();
        await this.followEpochs();
        const streams = [...this.watched].map(([channel, at]) => ({
          key: this.streamKey(channel),
          id: `${at.last}-0`,
        }));
        streams.push({ key: this.noticesKey(), id: this.noticeCursor });
        this.readerBlocked = true;
        const reply = await this.reader.xRead(streams, { BLOCK: this.blockMs, COUNT: 500 });
        this.readerBlocked = false;
        for (const stream of (reply ?? []) as Array<{
          name: unknown;
          messages: Array<{ id: unknown; message: unknown }>;
        }>) {
          const name = String(stream.name);
          if (name === this.noticesKey()) {
            // A channel started a new epoch somewhere: the next turn reads the epochs again.
            const last = stream.messages.at(-1);
            if (last) this.noticeCursor = String(last.id);
            continue;
          }
          this.deliver(name.slice(this.streamKey('').length), stream.messages);
        }
      } catch (error) {
        this.readerBlocked = false;
        this.readerId = null;
        if (this.stopped) break;
        this.markDown(error);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  }

  /** Hand a stream's new entries to the listeners, following the channel into a new epoch. */
  private deliver(channel: string, messages: Array<{ id: unknown; message: unknown }>): void {
    for (const m of messages) {
      const at = this.watched.get(channel);
      if (!at) return;
      const event = this.parse(channel, String(m.id), m.message, at.epoch);
      if (!event) continue;
      if (event.epoch !== at.epoch) {
        // The stream was started over (its old entries are gone): read the new epoch from its start.
        this.watched.set(channel, { epoch: event.epoch ?? at.epoch, last: 0 });
        return;
      }
      if (event.seq <= at.last) continue;
      at.last = event.seq;
      for (const listener of this.listeners) listener(event);
    }
  }

  /**
   * A watched channel whose epoch changed (its history was lost, e.g. Redis came back empty) is
   * read again from the new epoch's first event: its old position means nothing there, and a
   * position above the new head would skip the new events.
   */
  private async followEpochs(): Promise<void> {
    const channels = [...this.watched.keys()];
    const epochs = await this.reader.mGet(channels.map((c) => this.epochKey(c)));
    channels.forEach((channel, i) => {
      const current = epochs[i];
      const at = this.watched.get(channel);
      if (at && typeof current === 'string' && current !== at.epoch)
        this.watched.set(channel, { epoch: current, last: 0 });
    });
  }

  private async lastNoticeId(): Promise<string> {
    const last = await this.reader.xRevRange(this.noticesKey(), '+', '-', { COUNT: 1 });
    const top = last?.[0];
    return top ? String(top.id) : '0-0';
  }

  private interruptReader(): void {
    if (this.wake) {
      this.wake();
      return;
    }
    if (this.readerBlocked && this.readerId !== null && this.client.isReady) {
      this.client.clientUnblock(this.readerId, 'TIMEOUT').catch(() => undefined);
    }
  }

  /** A stream entry as a wire event; entries written before epochs existed take `epoch`. */
  private parse(channel: string, id: string, message: unknown, epoch: string): WireEvent | null {
    const seq = Number(id.split('-')[0]);
    if (!Number.isInteger(seq) || seq <= 0 || !message || typeof message !== 'object') return null;
    const fields = message as Record<string, unknown>;
    try {
      const stored = JSON.parse(String(fields.e)) as PublishEvent;
      const entryEpoch = typeof fields.p === 'string' && fields.p ? fields.p : epoch;
      return toWireEvent({ ...stored, channel }, seq, Number(fields.t) || Date.now(), entryEpoch);
    } catch {
      this.options.logger.warn('skipping an unreadable stream entry', { channel, id });
      return null;
    }
  }

  private markUp(): void {
    if (!this.up) this.options.logger.info('redis connected');
    this.up = true;
  }

  private markDown(error: unknown): void {
    this.lastError = describe(error);
    if (this.up) this.options.logger.warn('redis unavailable', { reason: this.lastError });
    this.up = false;
  }

  /** The keys both scripts take, in their order. */
  private keys(channel: string): string[] {
    return [
      this.streamKey(channel),
      `${this.prefix}:seq:${channel}`,
      this.epochKey(channel),
      this.noticesKey(),
    ];
  }

  private streamKey(channel: string): string {
    return `${this.prefix}:stream:${channel}`;
  }

  private epochKey(channel: string): string {
    return `${this.prefix}:epoch:${channel}`;
  }

  private noticesKey(): string {
    return `${this.prefix}:epochs`;
  }
}

/** `{epoch, head}` of a script's reply. */
function epochAndHead(reply: unknown): [string, number] {
  const [epoch, head] = Array.isArray(reply) ? reply : [];
  const seq = Number(head);
  if (typeof epoch !== 'string' || !Number.isSafeInteger(seq) || seq < 0)
    throw new Error(`unexpected script reply ${JSON.stringify(reply)?.slice(0, 100)}`);
  return [epoch, seq];
}

/** A raw stream entry's `[field, value, …]` list as an object. */
function fieldMap(raw: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!Array.isArray(raw)) return out;
  for (let i = 0; i + 1 < raw.length; i += 2) out[String(raw[i])] = raw[i + 1];
  return out;
}
