import type { GatewayLogger } from '../logger';
import type { GatewayMetrics } from '../metrics';
import { DEFAULT_RETENTION, type GatewayOptions } from '../options';
import type { EventLog } from '../storage/event-log';
import { LazyRedisEventLog } from '../storage/lazy-redis-log';
import { MemoryEventLog } from '../storage/memory-log';
import type { RedisTopology } from '../storage/redis-topology';

/**
 * Where this instance's events live: the log the embedder gave (it outlives the instance: a test
 * restarts gateways on one in-process history), else Redis Streams when Redis is configured, else
 * the in-process log. `owned` says whether the instance starts and stops it.
 */
export function chooseEventLog(
  options: Pick<GatewayOptions, 'eventLog' | 'retention' | 'channelTtlSec'>,
  deps: { redis: RedisTopology | null; logger: GatewayLogger; metrics: GatewayMetrics },
): { log: EventLog; owned: boolean } {
  if (options.eventLog) return { log: options.eventLog, owned: false };
  const retention = options.retention ?? DEFAULT_RETENTION;
  const log = deps.redis
    ? new LazyRedisEventLog({
        redis: deps.redis,
        retention,
        channelTtlSec: options.channelTtlSec,
        logger: deps.logger,
        metrics: deps.metrics,
      })
    : new MemoryEventLog(retention);
  return { log, owned: true };
}
