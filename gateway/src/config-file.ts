import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { BRIDGE_SOURCES } from './bridges/redis-bridge';
import type { GatewayOptions } from './options';
import { parseNodeList, type RedisTopology } from './storage/redis-topology';

const portSchema = z.number().int().min(0).max(65_535);
/** `host:port` entries (sentinels, cluster nodes to discover the cluster from). */
const nodeList = z
  .array(z.string().regex(/^\[?[^\]\s]+?\]?:\d{1,5}$/, 'expected host:port, e.g. 10.0.0.5:26379'))
  .min(1);
const replicasField = { minReplicas: z.number().int().min(0).max(10).optional() };

/**
 * The gateway's config file (`--config gateway.json`, docs/deployment.md): everything but secrets.
 * Secrets (the token secret, API and operator keys, the Redis password) come from the environment
 * only, so the file can be kept in version control and shown in a support ticket.
 */
export const gatewayConfigSchema = z
  .object({
    $schema: z.string().optional(),
    host: z.string().min(1).optional(),
    port: portSchema.optional(),
    usersFile: z.string().min(1).optional(),
    origins: z.array(z.string().url()).optional(),
    trustedProxies: z.array(z.string().min(1)).optional(),
    issuer: z.string().min(1).optional(),
    audience: z.string().min(1).optional(),
    jwksUrl: z.string().url().optional(),
    redis: z
      .discriminatedUnion('mode', [
        z
          .object({ mode: z.literal('standalone'), url: z.string().min(1), ...replicasField })
          .strict(),
        z
          .object({
            mode: z.literal('sentinel'),
            /** The service name the sentinels monitor (`sentinel monitor <name> …`). */
            name: z.string().min(1),
            sentinels: nodeList,
            ...replicasField,
          })
          .strict(),
        z.object({ mode: z.literal('cluster'), nodes: nodeList, ...replicasField }).strict(),
      ])
      .optional(),
    bridge: z.boolean().optional(),
    retention: z.number().int().min(1).max(1_000_000).optional(),
    channelTtlSec: z.number().int().min(0).optional(),
    heartbeatMs: z.number().int().min(1_000).max(300_000).optional(),
    drainWindowMs: z.number().int().min(0).max(600_000).optional(),
    readinessGraceMs: z.number().int().min(0).optional(),
    maxEventLoopLagMs: z.number().int().min(10).optional(),
    publicMetrics: z.boolean().optional(),
    limits: z
      .object({
        maxPayloadBytes: z.number().int().min(1_024).optional(),
        maxSubscriptions: z.number().int().min(1).optional(),
        ratePerSecond: z.number().min(1).optional(),
        rateBurst: z.number().int().min(1).optional(),
        maxConnections: z.number().int().min(1).optional(),
        maxConnectionsPerUser: z.number().int().min(1).optional(),
        maxPendingConnections: z.number().int().min(1).optional(),
        maxPendingPerAddress: z.number().int().min(1).optional(),
        maxBufferedBytes: z.number().int().min(16_384).optional(),
        maxPendingAppends: z.number().int().min(1).optional(),
      })
      .strict()
      .optional(),
  })
  .strict()
  .refine((c) => !c.bridge || !c.redis || c.redis.mode === 'standalone', {
    path: ['bridge'],
    message:
      "the bridge reads the existing backends' Redis pub/sub: it needs redis.mode standalone",
  });
export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;

/** Read and check a config file; the error names the file and the first wrong field. */
export async function loadGatewayConfig(path: string): Promise<GatewayConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(
      `config file ${path} could not be read (${error instanceof Error ? error.message : String(error)})`,
      { cause: error },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`config file ${path} is not valid JSON`);
  }
  const parsed = gatewayConfigSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `config file ${path}: ${issue?.path.join('.') || '(top level)'}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return parsed.data;
}

/** The gateway options a config file gives (flags and the environment are laid over them). */
export function optionsFromConfig(config: GatewayConfig): GatewayOptions {
  const redis = topologyFromConfig(config.redis);
  return {
    host: config.host,
    port: config.port,
    usersFile: config.usersFile,
    allowedOrigins: config.origins,
    trustedProxies: config.trustedProxies,
    issuer: config.issuer,
    audience: config.audience,
    jwksUrl: config.jwksUrl,
    redis,
    bridges:
      config.bridge && redis?.mode === 'standalone'
        ? { redisUrl: redis.url, sources: [...BRIDGE_SOURCES] }
        : undefined,
    retention: config.retention,
    channelTtlSec: config.channelTtlSec,
    heartbeatMs: config.heartbeatMs,
    drainWindowMs: config.drainWindowMs,
    readinessGraceMs: config.readinessGraceMs,
    maxEventLoopLagMs: config.maxEventLoopLagMs,
    publicMetrics: config.publicMetrics,
    limits: config.limits,
  };
}

/** The file's `redis` as a topology (addresses parsed; credentials come from the environment). */
export function topologyFromConfig(redis: GatewayConfig['redis']): RedisTopology | undefined {
  if (!redis) return undefined;
  switch (redis.mode) {
    case 'standalone':
      return redis;
    case 'sentinel':
      return { ...redis, sentinels: parseNodeList(redis.sentinels, 'redis.sentinels') };
    case 'cluster':
      return { ...redis, nodes: parseNodeList(redis.nodes, 'redis.nodes') };
  }
}
