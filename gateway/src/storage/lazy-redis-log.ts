import type { PublishEvent, WireEvent } from '../../../shared/protocol/lookout-wire';
import {
  StorageUnavailableError,
  type EventLog,
  type LogCursor,
  type ReplayResult,
  type StorageHealth,
} from './event-log';
import type { RedisEventLog, RedisEventLogOptions } from './redis-log';

/**
 * The Redis Streams log, loaded when the gateway starts: `@redis/client` is imported only by a
 * gateway that was given a Redis URL, so the in-process demo gateway (the desktop app's default
 * backend) never loads it, and the desktop bundle can leave it out.
 */
export class LazyRedisEventLog implements EventLog {
  readonly kind = 'redis' as const;
  private log: RedisEventLog | null = null;
  /** Live-delivery listeners registered before start, handed to the real log when it exists. */
  private readonly listeners = new Set<(event: WireEvent) => void>();

  constructor(private readonly options: RedisEventLogOptions) {}

  async start(): Promise<void> {
    if (this.log) return;
    const { RedisEventLog } = await import('./redis-log');
    const log = new RedisEventLog(this.options);
    log.onEvent((event) => {
      for (const listener of this.listeners) listener(event);
    });
    this.log = log;
    await log.start();
  }

  async stop(): Promise<void> {
    await this.log?.stop();
  }

  async append(event: PublishEvent): Promise<WireEvent> {
    return this.started().append(event);
  }

  async replay(
    channel: string,
    since: LogCursor | undefined,
    limit: number,
  ): Promise<ReplayResult> {
    return this.started().replay(channel, since, limit);
  }

  watch(channel: string, from: Required<LogCursor>): void {
    this.started().watch(channel, from);
  }

  unwatch(channel: string): void {
    this.log?.unwatch(channel);
  }

  onEvent(listener: (event: WireEvent) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  health(): StorageHealth {
    return this.log?.health() ?? { ok: false, kind: 'redis', reason: 'not started' };
  }

  check(): Promise<StorageHealth> {
    return this.log ? this.log.check() : Promise.resolve(this.health());
  }

  private started(): RedisEventLog {
    if (!this.log) throw new StorageUnavailableError('the Redis event log is not started');
    return this.log;
  }
}
