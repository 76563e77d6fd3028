/**
 * Where the gateway's Redis is: one server (a URL). Every Redis connection of the gateway (event
 * log, auth state) is made from this description.
 */
export type RedisTopology = { mode: 'standalone'; url: string };

/** The Redis a gateway was configured with, if any (`redis` wins over the `redisUrl` shorthand). */
export function topologyOf(options: {
  redis?: RedisTopology;
  redisUrl?: string;
}): RedisTopology | null {
  if (options.redis) return options.redis;
  return options.redisUrl ? { mode: 'standalone', url: options.redisUrl } : null;
}
