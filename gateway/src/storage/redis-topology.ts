/** A Redis node's address (a sentinel, or a cluster node to discover the cluster from). */
export interface RedisNodeAddress {
  host: string;
  port: number;
}

/** What every topology may add: credentials of the data nodes (from the environment only). */
interface RedisCredentials {
  username?: string;
  password?: string;
  /**
   * Replicas that must hold a write before a publish is accepted (Redis `WAIT`). Default 1 with
   * Sentinel and Cluster, so a failover cannot lose an event its publisher was told was stored;
   * 0 with one server (it has no replica to wait for).
   */
  minReplicas?: number;
}

/**
 * Where the gateway's Redis is: one server (a URL), a primary watched by Sentinel (found by its
 * service name through the sentinels), or a Redis Cluster (found from any of its nodes). Every
 * Redis connection of the gateway (event log, auth state) is made from this description
 * (docs/deployment.md "Scaling on Redis").
 */
export type RedisTopology =
  | ({ mode: 'standalone'; url: string } & RedisCredentials)
  | ({ mode: 'sentinel'; name: string; sentinels: RedisNodeAddress[] } & RedisCredentials)
  | ({ mode: 'cluster'; nodes: RedisNodeAddress[] } & RedisCredentials);

/** The Redis a gateway was configured with, if any (`redis` wins over the `redisUrl` shorthand). */
export function topologyOf(options: {
  redis?: RedisTopology;
  redisUrl?: string;
}): RedisTopology | null {
  if (options.redis) return options.redis;
  return options.redisUrl ? { mode: 'standalone', url: options.redisUrl } : null;
}

/** Replicas a write must reach before it is acknowledged, for this topology. */
export function requiredReplicas(topology: RedisTopology): number {
  return topology.minReplicas ?? (topology.mode === 'standalone' ? 0 : 1);
}

/**
 * `host:port` list (flags, environment, config file) as addresses; the error says which entry is
 * wrong and what is expected.
 */
export function parseNodeList(text: string | string[], what: string): RedisNodeAddress[] {
  const entries = (Array.isArray(text) ? text : text.split(','))
    .map((e) => e.trim())
    .filter(Boolean);
  if (entries.length === 0) throw new Error(`${what}: give at least one host:port`);
  return entries.map((entry) => {
    const m = /^\[?([^\]\s]+?)\]?:(\d{1,5})$/.exec(entry);
    const port = m ? Number(m[2]) : NaN;
    if (!m || !m[1] || !(port > 0 && port < 65_536))
      throw new Error(`${what}: "${entry.slice(0, 80)}" is not host:port (e.g. 10.0.0.5:26379)`);
    return { host: m[1], port };
  });
}

/**
 * The slot-hashed part of a key. In a Cluster every key a script or a multi-key command touches
 * must hash to one slot, so a channel's keys share the hash tag `{channel}`; on one server or
 * under Sentinel the keys keep their historical names (no tag), so an upgrade finds its data.
 */
export function slotTag(topology: RedisTopology, name: string): string {
  return topology.mode === 'cluster' ? `{${name}}` : name;
}
