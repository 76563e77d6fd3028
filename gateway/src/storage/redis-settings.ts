import { parseNodeList, type RedisTopology } from './redis-topology';

/** The Redis flags of `npm run gateway` (each also has an environment variable). */
export interface RedisFlags {
  /** `--redis-sentinels host:port,…` (REDIS_SENTINELS) */
  sentinels?: string;
  /** `--redis-sentinel-name NAME` (REDIS_SENTINEL_NAME) */
  sentinelName?: string;
  /** `--redis-cluster host:port,…` (REDIS_CLUSTER_NODES) */
  cluster?: string;
  /** `--redis-min-replicas N` (REDIS_MIN_REPLICAS) */
  minReplicas?: string;
}

/**
 * Which Redis the gateway uses: flags win over the environment, which wins over the config file.
 * One server (`REDIS_URL`), Sentinel (`REDIS_SENTINELS` + `REDIS_SENTINEL_NAME`) or Cluster
 * (`REDIS_CLUSTER_NODES`); naming two is an error, since the gateway would have to guess.
 * Credentials of the data nodes come from the environment only (`REDIS_USERNAME`,
 * `REDIS_PASSWORD`), so a config file never holds them.
 */
export function resolveRedisTopology(
  flags: RedisFlags,
  env: Record<string, string | undefined>,
  file: RedisTopology | undefined,
): RedisTopology | undefined {
  const url = env.REDIS_URL || undefined;
  const sentinels = flags.sentinels ?? (env.REDIS_SENTINELS || undefined);
  const cluster = flags.cluster ?? (env.REDIS_CLUSTER_NODES || undefined);
  const named = [url && 'REDIS_URL', sentinels && 'Sentinel', cluster && 'Cluster'].filter(Boolean);
  if (named.length > 1)
    throw new Error(
      `Redis is given twice (${named.join(' and ')}): set only one of REDIS_URL, --redis-sentinels / REDIS_SENTINELS, --redis-cluster / REDIS_CLUSTER_NODES`,
    );
  let topology: RedisTopology | undefined = file;
  if (url) topology = { mode: 'standalone', url };
  if (sentinels) {
    const name = flags.sentinelName ?? (env.REDIS_SENTINEL_NAME || undefined);
    if (!name)
      throw new Error(
        'Sentinel needs the monitored service name: --redis-sentinel-name NAME (or REDIS_SENTINEL_NAME)',
      );
    topology = {
      mode: 'sentinel',
      name,
      sentinels: parseNodeList(sentinels, '--redis-sentinels'),
    };
  }
  if (cluster) topology = { mode: 'cluster', nodes: parseNodeList(cluster, '--redis-cluster') };
  if (!topology) return undefined;
  const minText = flags.minReplicas ?? (env.REDIS_MIN_REPLICAS || undefined);
  let minReplicas = topology.minReplicas;
  if (minText !== undefined) {
    minReplicas = Number(minText);
    if (!Number.isInteger(minReplicas) || minReplicas < 0 || minReplicas > 10)
      throw new Error(`bad --redis-min-replicas ${minText} (a whole number from 0 to 10)`);
  }
  return {
    ...topology,
    ...(minReplicas === undefined ? {} : { minReplicas }),
    ...(env.REDIS_USERNAME ? { username: env.REDIS_USERNAME } : {}),
    ...(env.REDIS_PASSWORD ? { password: env.REDIS_PASSWORD } : {}),
  };
}
