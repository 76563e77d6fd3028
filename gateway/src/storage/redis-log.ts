import type { PublishEvent, WireEvent } from '../../../shared/protocol/lookout-wire';
import type { GatewayLogger } from '../logger';
import type { GatewayMetrics } from '../metrics';
import { describeRedisError as describe } from './redis-client';
import { connectRedis, type RedisConnection } from './redis-connection';
import { requiredReplicas, slotTag, type RedisTopology } from './redis-topology';
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

/**
 * Settles a channel's epoch and head before anything reads or writes it; shared by both scripts.
 * KEYS: stream, seq counter, epoch (one hash slot: in a Cluster they share the channel's hash tag).
 * ARGV[1]: a fresh epoch to use if one is needed, ARGV[2]: the channel's idle lifetime in seconds
 * (0 = forever).
 *
 * - The counter is gone (Redis came back empty or flushed, the key was evicted or outlived its
 *   idle lifetime), or it says events exist but the stream is gone: the history is lost. The
 *   channel gets a new epoch, numbering restarts at 1 and any leftover entry is dropped, so no seq
 *   is ever reused within an epoch (a client resuming from the old history is told `new-epoch`).
 * - No epoch yet but counter and stream intact (written before epochs existed): adopt an epoch
 *   and keep the numbering (nothing was lost).
 * - The stream's last entry is above the counter (a counter restored from an older copy): the
 *   counter moves up, never reusing a seq.
 * Keys created here get the idle lifetime too, so reading a channel nobody publishes on leaves
 * nothing behind for good.
 */
const SETTLE = `
local ttl = tonumber(ARGV[2])
local function expire()
  if ttl > 0 then
    redis.call('EXPIRE', KEYS[1], ttl)
    redis.call('EXPIRE', KEYS[2], ttl)
    redis.call('EXPIRE', KEYS[3], ttl)
  end
end
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
        redis.call('SET', KEYS[2], head, 'KEEPTTL')
      end
    end
    return epoch, head
  end
  if not epoch and not lost then
    redis.call('SET', KEYS[3], ARGV[1])
    expire()
    return ARGV[1], head
  end
  redis.call('DEL', KEYS[1])
  redis.call('SET', KEYS[2], 0)
  redis.call('SET', KEYS[3], ARGV[1])
  expire()
  return ARGV[1], 0
end
`;

/**
 * Appends atomically: epoch, counter and stream entry move together, and the entry id IS the seq
 * (`<seq>-0`), so every instance sees the same numbering; the idle lifetime starts again.
 * ARGV[3..5]: retention, event, storedAt. ARGV[6]: the pub/sub channel to announce the event on
 * ('' = the caller announces it, after the replicas have it), ARGV[7]: the event's channel.
 */
const APPEND_SCRIPT = `${SETTLE}
local epoch, head = settle()
head = head + 1
redis.call('SET', KEYS[2], head)
redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[3], string.format('%d-0', head), 'e', ARGV[4], 't', ARGV[5], 'p', epoch)
expire()
if ARGV[6] ~= '' then
  redis.call('PUBLISH', ARGV[6], ARGV[7] .. '\\n' .. epoch .. '\\n' .. head .. '\\n' .. ARGV[5] .. '\\n' .. ARGV[4])
end
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

/** First line of this log's liveness probes on the notification channel (no channel starts so). */
const PROBE = '~probe';

/** Channels of one user or one task: they come and go, so their keys get an idle lifetime. */
const EPHEMERAL_CHANNEL = /^(notifications|tasks|task):/;

export interface RedisEventLogOptions {
  redis: RedisTopology;
  /** Entries kept per channel stream (approximate trim). */
  retention: number;
  /**
   * Idle lifetime of the keys (stream, counter, epoch) of a per-user or per-task channel, seconds
   * after its last event; 0 = forever. Default 7 days.
   */
  channelTtlSec?: number;
  keyPrefix?: string;
  /** How often this instance checks its live notifications still arrive (a probe). Default 1 s. */
  probeMs?: number;
  /** How long a publish may take before it is refused (503). Default 5 s. */
  appendTimeoutMs?: number;
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
 * Redis Streams: one capped stream per channel, each with an epoch beside its counter; the
 * streams are the durable record, replay reads them with one atomic script.
 *
 * Live delivery does not read the streams: each stored event is announced once on one pub/sub
 * channel that every instance subscribes to, and an instance hands an announcement on only when
 * one of its clients watches that channel (a map lookup before anything is parsed). So the cost
 * of live delivery is per event, not per watched channel: an instance watching 10,000 channels
 * does not name 10,000 streams in a read. Pub/sub may drop messages (a reconnection, a failover);
 * nothing is lost by that, because the stream still has the event: a connection that sees a seq
 * jump fills the gap from the stream, and whenever the subscription may have missed something
 * (its connection came back, or this instance's own probe did not come round in order) the
 * instance reads every watched channel after the last seq it delivered.
 *
 * With replicas (Sentinel, Cluster) a publish is acknowledged only once `minReplicas` replicas
 * hold it (`WAIT`), and announced only then: a failover cannot take back an event that a
 * publisher was told is stored, nor one that a client has seen. While Redis is away, appends and
 * replays fail fast (no offline queue) and answer 503.
 */
export class RedisEventLog implements EventLog {
  readonly kind = 'redis' as const;
  private readonly conn: RedisConnection;
  private readonly prefix: string;
  private readonly notifyChannel: string;
  private readonly replicas: number;
  private readonly ttlSec: number;
  /** channel → where this instance's live delivery is. */
  private readonly watched = new Map<string, ReadPosition>();
  private readonly listeners = new Set<(event: WireEvent) => void>();
  private readonly probeToken = newEpoch();
  private probeSent = 0;
  private probeSeen = 0;
  private probeSeenAt = 0;
  /** Set when the subscription may have missed announcements: the next probe seen resyncs. */
  private mayHaveMissed = false;
  private subscribed = false;
  private probeTimer: ReturnType<typeof setInterval> | null = null;
  private stopped = false;
  private up = false;
  private lastError = 'not connected yet';

  constructor(private readonly options: RedisEventLogOptions) {
    const prefix = options.keyPrefix ?? 'lookout';
    if (/[{}]/.test(prefix))
      throw new Error(`the Redis key prefix "${prefix}" may not hold { or }`);
    this.prefix = prefix;
    this.notifyChannel = `${prefix}:events`;
    this.replicas = requiredReplicas(options.redis);
    this.ttlSec = options.channelTtlSec ?? 7 * 24 * 3600;
    this.conn = connectRedis(options.redis);
    this.conn.onError((error) => {
      this.mayHaveMissed = true;
      this.markDown(error);
    });
    this.conn.onReady(() => {
      this.mayHaveMissed = true;
      this.markUp();
    });
  }

  async start(): Promise<void> {
    // Start even when Redis is down: /health says so, the clients retry by themselves, and the
    // probe subscribes once Redis answers.
    const connected = this.conn.connect().then(
      () => {
        this.markUp();
        return true;
      },
      (error: unknown) => {
        this.markDown(error);
        return false;
      },
    );
    const timeout = () => new Promise<false>((resolve) => setTimeout(() => resolve(false), 3_000));
    // Once Redis answers, the subscription is in place before the gateway takes clients, so no
    // announcement of the first moments is missed (the probe subscribes later otherwise).
    if (await Promise.race([connected, timeout()]))
      await Promise.race([this.subscribe().catch(() => undefined), timeout()]);
    this.probeSeenAt = Date.now();
    this.probeTimer = setInterval(() => void this.probe(), this.options.probeMs ?? 1_000);
    this.probeTimer.unref?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.probeTimer) clearInterval(this.probeTimer);
    this.probeTimer = null;
    this.conn.destroy();
  }

  async append(event: PublishEvent): Promise<WireEvent> {
    const storedAt = Date.now();
    const stored: PublishEvent = { ...event, time: event.time ?? storedAt };
    const json = JSON.stringify(stored);
    const began = performance.now();
    const streamKey = this.streamKey(event.channel);
    let epoch: string;
    let seq: number;
    try {
      [epoch, seq] = await this.withTimeout(async () => {
        const reply = await this.conn.eval(APPEND_SCRIPT, this.keys(event.channel), [
          newEpoch(),
          String(this.ttlFor(event.channel)),
          String(this.options.retention),
          json,
          String(storedAt),
          // Without replicas to wait for, the script announces the event itself (one round trip,
          // and announcements in exactly the order of the appends).
          this.replicas === 0 ? this.notifyChannel : '',
          event.channel,
        ]);
        const at = epochAndHead(reply);
        if (this.replicas > 0) {
          const acked = Number(
            await this.conn.command(streamKey, ['WAIT', String(this.replicas), '1000']),
          );
          if (!(acked >= this.replicas)) {
            this.options.metrics?.count('redis.replicaWaitsFailed');
            throw new Error(
              `the event reached ${acked} of the ${this.replicas} replica(s) required within 1 s; not accepted, since a failover could lose it (retry the publish)`,
            );
          }
          await this.conn.publish(
            this.notifyChannel,
            `${event.channel}\n${at[0]}\n${at[1]}\n${storedAt}\n${json}`,
          );
        }
        return at;
      });
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
      reply = await this.read(channel, since, limit);
    } catch (error) {
      this.markDown(error);
      throw new StorageUnavailableError(`redis unavailable: ${describe(error)}`);
    }
    const { epoch, head, events } = this.readReply(channel, reply);
    // The read script only returns entries when a replay is owed; the oldest one tells whether
    // the stream still reaches back to the cursor.
    const oldest = events[0]?.seq ?? head + 1;
    return judgeReplay({ epoch, head, oldest }, since, limit, () => events);
  }

  watch(channel: string, from: Required<LogCursor>): void {
    if (this.watched.has(channel)) return;
    this.watched.set(channel, { epoch: from.epoch, last: from.seq });
    // An event stored between the caller's replay and now was announced before this instance
    // listened for the channel: read it from the stream.
    void this.catchUp(channel).catch(() => {
      this.mayHaveMissed = true;
    });
  }

  unwatch(channel: string): void {
    this.watched.delete(channel);
  }

  onEvent(listener: (event: WireEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  health(): StorageHealth {
    if (!this.up || !this.conn.isReady)
      return { ok: false, kind: 'redis', reason: `redis unreachable: ${this.lastError}` };
    const silentMs = Date.now() - this.probeSeenAt;
    const probeMs = this.options.probeMs ?? 1_000;
    if (silentMs > 5 * probeMs + 2_000)
      return {
        ok: false,
        kind: 'redis',
        reason: `live notifications from Redis stopped ${Math.round(silentMs / 1000)} s ago (the subscription is being re-established)`,
      };
    return { ok: true, kind: 'redis' };
  }

  async check(): Promise<StorageHealth> {
    try {
      await Promise.race([
        this.conn.command(undefined, ['PING']),
        new Promise((_, reject) => setTimeout(() => reject(new Error('PING timed out')), 1_000)),
      ]);
      this.markUp();
    } catch (error) {
      this.markDown(error);
    }
    return this.health();
  }

  /** Subscribe to the announcements (again, when it failed: Redis was away at start). */
  private async subscribe(): Promise<void> {
    if (this.subscribed || this.stopped) return;
    await this.conn.subscribe(this.notifyChannel, (message) => this.announced(message));
    this.subscribed = true;
    this.mayHaveMissed = true;
  }

  /**
   * Send this instance's probe round the notification channel. When it comes back in order,
   * nothing was missed in between; when one is missing, or the connection went away meanwhile,
   * every watched channel is read again from the streams.
   */
  private async probe(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.subscribe();
      this.probeSent += 1;
      await this.conn.publish(
        this.notifyChannel,
        `${PROBE}\n${this.probeToken}\n${this.probeSent}`,
      );
    } catch {
      this.mayHaveMissed = true;
    }
  }

  /** One announcement from the pub/sub channel: `channel\nepoch\nseq\nstoredAt\nevent JSON`. */
  private announced(message: string): void {
    const a = message.indexOf('\n');
    if (a < 0) return;
    const channel = message.slice(0, a);
    if (channel === PROBE) {
      this.probeCameBack(message.slice(a + 1));
      return;
    }
    const at = this.watched.get(channel);
    if (!at) return;
    const b = message.indexOf('\n', a + 1);
    const c = message.indexOf('\n', b + 1);
    const d = message.indexOf('\n', c + 1);
    if (b < 0 || c < 0 || d < 0) return;
    const epoch = message.slice(a + 1, b);
    const seq = Number(message.slice(b + 1, c));
    const storedAt = Number(message.slice(c + 1, d));
    let stored: PublishEvent;
    try {
      stored = JSON.parse(message.slice(d + 1)) as PublishEvent;
    } catch {
      this.options.logger.warn('skipping an unreadable announcement', { channel });
      return;
    }
    this.handOn(at, toWireEvent({ ...stored, channel }, seq, storedAt, epoch));
  }

  private probeCameBack(rest: string): void {
    const [token, n] = rest.split('\n');
    if (token !== this.probeToken) return;
    const seen = Number(n);
    const inOrder = seen === this.probeSeen + 1;
    this.probeSeen = seen;
    this.probeSeenAt = Date.now();
    if (inOrder && !this.mayHaveMissed) return;
    // The subscription works again (this probe proves it): read what it may have missed.
    this.mayHaveMissed = false;
    this.options.metrics?.count('redis.resyncs');
    void this.resync().catch(() => {
      this.mayHaveMissed = true;
    });
  }

  /** Hand a new event on (once: the same seq announced and read from the stream is dropped). */
  private handOn(at: ReadPosition, event: WireEvent): void {
    if (event.epoch !== at.epoch) {
      // The channel started over (its history was lost): follow the new epoch; the connections
      // tell their clients with a `reset`.
      at.epoch = event.epoch ?? at.epoch;
      at.last = 0;
    }
    if (event.seq <= at.last) return;
    at.last = event.seq;
    for (const listener of this.listeners) listener(event);
  }

  /** Read every watched channel after the last seq delivered, a hundred at a time. */
  private async resync(): Promise<void> {
    const channels = [...this.watched.keys()];
    for (let i = 0; i < channels.length && !this.stopped; i += 100)
      await Promise.all(channels.slice(i, i + 100).map((c) => this.catchUp(c)));
  }

  /** Deliver what a watched channel's stream holds after the last seq this instance delivered. */
  private async catchUp(channel: string): Promise<void> {
    const at = this.watched.get(channel);
    if (!at) return;
    let read = this.readReply(
      channel,
      await this.read(channel, { seq: at.last, epoch: at.epoch }, this.options.retention),
    );
    if (read.epoch !== at.epoch && read.head > 0)
      read = this.readReply(
        channel,
        await this.read(channel, { seq: 0, epoch: read.epoch }, this.options.retention),
      );
    const now = this.watched.get(channel);
    if (now !== at) return;
    for (const event of read.events) this.handOn(at, event);
  }

  private read(channel: string, since: LogCursor | undefined, limit: number): Promise<unknown> {
    return this.conn.eval(READ_SCRIPT, this.keys(channel), [
      newEpoch(),
      String(this.ttlFor(channel)),
      String(since?.seq ?? -1),
      since?.epoch ?? '',
      String(limit),
    ]);
  }

  private readReply(
    channel: string,
    reply: unknown,
  ): { epoch: string; head: number; events: WireEvent[] } {
    const [epoch, head] = epochAndHead(reply);
    const entries = Array.isArray(reply) && Array.isArray(reply[2]) ? (reply[2] as unknown[]) : [];
    const events = entries.flatMap((entry) => {
      if (!Array.isArray(entry)) return [];
      const event = this.parse(channel, String(entry[0]), fieldMap(entry[1]), epoch);
      return event && event.epoch === epoch ? [event] : [];
    });
    return { epoch, head, events };
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

  private withTimeout<T>(work: () => Promise<T>): Promise<T> {
    const ms = this.options.appendTimeoutMs ?? 5_000;
    let timer: ReturnType<typeof setTimeout> | undefined;
    return Promise.race([
      work(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer from Redis within ${ms} ms`)), ms);
      }),
    ]).finally(() => clearTimeout(timer));
  }

  private ttlFor(channel: string): number {
    return EPHEMERAL_CHANNEL.test(channel) ? this.ttlSec : 0;
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

  /** The keys both scripts take, in their order (one hash slot per channel in a Cluster). */
  private keys(channel: string): string[] {
    const tag = slotTag(this.options.redis, channel);
    return [this.streamKey(channel), `${this.prefix}:seq:${tag}`, `${this.prefix}:epoch:${tag}`];
  }

  private streamKey(channel: string): string {
    return `${this.prefix}:stream:${slotTag(this.options.redis, channel)}`;
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
