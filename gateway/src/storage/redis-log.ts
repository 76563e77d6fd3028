import { createClient } from '@redis/client';
import type { PublishEvent, WireEvent } from '../../../shared/protocol/lookout-wire';
import type { GatewayLogger } from '../logger';
import type { GatewayMetrics } from '../metrics';
import type { RedisTopology } from './redis-topology';
import { describeRedisError as describe, failFastClientOptions } from './redis-client';
import {
  StorageUnavailableError,
  toWireEvent,
  type EventLog,
  type ReplayResult,
  type StorageHealth,
} from './event-log';

type Client = ReturnType<typeof createClient>;

/**
 * Appends atomically: the channel's counter and the stream entry move together, and the entry
 * id IS the seq (`<seq>-0`), so every instance sees the same numbering. ARGV[2] is a floor: the
 * highest seq the calling instance has seen, which keeps seqs increasing even when Redis came
 * back empty (no persistence) and its counters restarted from zero.
 */
const APPEND_SCRIPT = `
local cur = tonumber(redis.call('GET', KEYS[2]) or '0')
local floor = tonumber(ARGV[2])
if floor > cur then cur = floor end
cur = cur + 1
redis.call('SET', KEYS[2], cur)
redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], string.format('%d-0', cur), 'e', ARGV[3], 't', ARGV[4])
return cur
`;

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

/**
 * Redis Streams: one capped stream per channel. Each instance reads the streams its own clients
 * watch (XREAD BLOCK on a dedicated connection) and fans out locally; replay is XRANGE. While
 * Redis is away, appends and replays fail fast (no offline queue), the reader retries, and it
 * resumes from the last entry id it saw, so nothing written to the stream is skipped.
 */
export class RedisEventLog implements EventLog {
  readonly kind = 'redis' as const;
  private readonly client: Client;
  private readonly reader: Client;
  private readonly prefix: string;
  private readonly blockMs: number;
  /** channel → last seq this instance's reader has delivered. */
  private readonly watched = new Map<string, number>();
  private readonly knownHead = new Map<string, number>();
  private readonly listeners = new Set<(event: WireEvent) => void>();
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
    let seq: number;
    const began = performance.now();
    try {
      const reply = await this.client.eval(APPEND_SCRIPT, {
        keys: [this.streamKey(event.channel), this.seqKey(event.channel)],
        arguments: [
          String(this.options.retention),
          String(this.knownHead.get(event.channel) ?? 0),
          JSON.stringify(stored),
          String(storedAt),
        ],
      });
      seq = Number(reply);
      this.options.metrics?.observe('redis.seconds', (performance.now() - began) / 1000);
    } catch (error) {
      this.markDown(error);
      throw new StorageUnavailableError(`redis unavailable: ${describe(error)}`);
    }
    this.noteHead(event.channel, seq);
    return toWireEvent(stored, seq, storedAt);
  }

  async replay(channel: string, since: number | undefined, limit: number): Promise<ReplayResult> {
    try {
      const counter = Number((await this.client.get(this.seqKey(channel))) ?? '0');
      const head = Math.max(counter, this.knownHead.get(channel) ?? 0);
      this.noteHead(channel, head);
      if (since === undefined || since === head) return { reset: false, head, events: [] };
      if (since > head) return { reset: true, head, reason: 'cursor-ahead' };
      if (head - since > limit) return { reset: true, head, reason: 'too-old' };
      const entries = await this.client.xRange(this.streamKey(channel), `${since + 1}-0`, '+', {
        COUNT: limit,
      });
      const events = (entries ?? []).flatMap(
        (m) => this.parse(channel, String(m.id), m.message) ?? [],
      );
      if ((events[0]?.seq ?? head + 1) > since + 1) return { reset: true, head, reason: 'too-old' };
      const last = events.at(-1)?.seq ?? head;
      return { reset: false, head: Math.max(head, last), events };
    } catch (error) {
      this.markDown(error);
      throw new StorageUnavailableError(`redis unavailable: ${describe(error)}`);
    }
  }

  watch(channel: string, fromSeq: number): void {
    if (this.watched.has(channel)) return;
    this.watched.set(channel, fromSeq);
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
        const streams = [...this.watched].map(([channel, last]) => ({
          key: this.streamKey(channel),
          id: `${last}-0`,
        }));
        this.readerBlocked = true;
        const reply = await this.reader.xRead(streams, { BLOCK: this.blockMs, COUNT: 500 });
        this.readerBlocked = false;
        for (const stream of (reply ?? []) as Array<{
          name: unknown;
          messages: Array<{ id: unknown; message: unknown }>;
        }>) {
          const channel = String(stream.name).slice(this.streamKey('').length);
          for (const m of stream.messages) {
            const event = this.parse(channel, String(m.id), m.message);
            const last = this.watched.get(channel);
            if (!event || last === undefined || event.seq <= last) continue;
            this.watched.set(channel, event.seq);
            this.noteHead(channel, event.seq);
            for (const listener of this.listeners) listener(event);
          }
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

  private interruptReader(): void {
    if (this.wake) {
      this.wake();
      return;
    }
    if (this.readerBlocked && this.readerId !== null && this.client.isReady) {
      this.client.clientUnblock(this.readerId, 'TIMEOUT').catch(() => undefined);
    }
  }

  private parse(channel: string, id: string, message: unknown): WireEvent | null {
    const seq = Number(id.split('-')[0]);
    if (!Number.isInteger(seq) || seq <= 0 || !message || typeof message !== 'object') return null;
    const fields = message as Record<string, unknown>;
    try {
      const stored = JSON.parse(String(fields.e)) as PublishEvent;
      return toWireEvent({ ...stored, channel }, seq, Number(fields.t) || Date.now());
    } catch {
      this.options.logger.warn('skipping an unreadable stream entry', { channel, id });
      return null;
    }
  }

  private noteHead(channel: string, seq: number): void {
    if (seq > (this.knownHead.get(channel) ?? 0)) this.knownHead.set(channel, seq);
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

  private streamKey(channel: string): string {
    return `${this.prefix}:stream:${channel}`;
  }

  private seqKey(channel: string): string {
    return `${this.prefix}:seq:${channel}`;
  }
}
