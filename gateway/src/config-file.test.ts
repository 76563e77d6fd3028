import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadGatewayConfig, optionsFromConfig } from './config-file';
import { resolveRedisTopology } from './storage/redis-settings';

let dir = '';
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = '';
});

async function file(content: string): Promise<string> {
  dir = await mkdtemp(join(tmpdir(), 'gw-config-'));
  const path = join(dir, 'gateway.json');
  await writeFile(path, content);
  return path;
}

describe('gateway config file', () => {
  it('reads a production config into gateway options', async () => {
    const path = await file(
      JSON.stringify({
        host: '0.0.0.0',
        port: 8080,
        usersFile: '/etc/lookout/users.json',
        origins: ['https://console.example.com'],
        trustedProxies: ['10.0.0.0/8'],
        redis: { mode: 'standalone', url: 'redis://redis.internal:6379' },
        drainWindowMs: 20_000,
        readinessGraceMs: 15_000,
        limits: { maxConnections: 20_000, maxPendingAppends: 500 },
      }),
    );
    const options = optionsFromConfig(await loadGatewayConfig(path));
    expect(options).toMatchObject({
      host: '0.0.0.0',
      port: 8080,
      allowedOrigins: ['https://console.example.com'],
      trustedProxies: ['10.0.0.0/8'],
      redis: { mode: 'standalone', url: 'redis://redis.internal:6379' },
      drainWindowMs: 20_000,
      limits: { maxConnections: 20_000, maxPendingAppends: 500 },
    });
  });

  it('refuses a secret in the file, an unknown key or a wrong type, naming the field', async () => {
    await expect(loadGatewayConfig(await file('{"secret":"x"}'))).rejects.toThrow(
      /gateway\.json: .*secret|Unrecognized key/,
    );
    await expect(loadGatewayConfig(await file('{"port":"8080"}'))).rejects.toThrow(/port:/);
    await expect(loadGatewayConfig(await file('{"limits":{"maxConections":1}}'))).rejects.toThrow(
      /limits/,
    );
    await expect(loadGatewayConfig(await file('{not json'))).rejects.toThrow(/not valid JSON/);
    await expect(loadGatewayConfig('/nonexistent/gateway.json')).rejects.toThrow(
      /could not be read/,
    );
  });

  it('reads a Sentinel or a Cluster topology, and names a wrong node address', async () => {
    const sentinel = optionsFromConfig(
      await loadGatewayConfig(
        await file(
          JSON.stringify({
            redis: {
              mode: 'sentinel',
              name: 'lookout',
              sentinels: ['10.0.0.5:26379', '10.0.0.6:26379'],
            },
          }),
        ),
      ),
    );
    expect(sentinel.redis).toEqual({
      mode: 'sentinel',
      name: 'lookout',
      sentinels: [
        { host: '10.0.0.5', port: 26379 },
        { host: '10.0.0.6', port: 26379 },
      ],
    });
    const cluster = optionsFromConfig(
      await loadGatewayConfig(
        await file(
          JSON.stringify({ redis: { mode: 'cluster', nodes: ['redis-1:7000'], minReplicas: 2 } }),
        ),
      ),
    );
    expect(cluster.redis).toEqual({
      mode: 'cluster',
      nodes: [{ host: 'redis-1', port: 7000 }],
      minReplicas: 2,
    });
    await expect(
      loadGatewayConfig(
        await file(JSON.stringify({ redis: { mode: 'cluster', nodes: ['redis-1'] } })),
      ),
    ).rejects.toThrow(/redis\.nodes\.0: expected host:port/);
    await expect(
      loadGatewayConfig(
        await file(
          JSON.stringify({
            bridge: true,
            redis: { mode: 'sentinel', name: 'x', sentinels: ['a:1'] },
          }),
        ),
      ),
    ).rejects.toThrow(/bridge: .*standalone/);
  });
});

describe('Redis settings from flags, environment and file', () => {
  it('flags win over the environment, which wins over the file; credentials come from the environment', () => {
    const file = { mode: 'standalone', url: 'redis://file:6379' } as const;
    expect(resolveRedisTopology({}, {}, file)).toEqual(file);
    expect(resolveRedisTopology({}, { REDIS_URL: 'redis://env:6379' }, file)).toEqual({
      mode: 'standalone',
      url: 'redis://env:6379',
    });
    expect(
      resolveRedisTopology(
        { sentinels: '127.0.0.1:26379,[::1]:26380', sentinelName: 'lookout' },
        { REDIS_PASSWORD: 'pw', REDIS_MIN_REPLICAS: '2' },
        file,
      ),
    ).toEqual({
      mode: 'sentinel',
      name: 'lookout',
      sentinels: [
        { host: '127.0.0.1', port: 26379 },
        { host: '::1', port: 26380 },
      ],
      password: 'pw',
      minReplicas: 2,
    });
    expect(resolveRedisTopology({}, { REDIS_CLUSTER_NODES: 'a:7000, b:7001' }, undefined)).toEqual({
      mode: 'cluster',
      nodes: [
        { host: 'a', port: 7000 },
        { host: 'b', port: 7001 },
      ],
    });
    expect(resolveRedisTopology({}, {}, undefined)).toBeUndefined();
  });

  it('refuses two topologies at once, Sentinel without its name, and a bad address or count', () => {
    expect(() =>
      resolveRedisTopology({ cluster: 'a:1' }, { REDIS_URL: 'redis://x' }, undefined),
    ).toThrow(/given twice.*set only one/);
    expect(() => resolveRedisTopology({ sentinels: 'a:1' }, {}, undefined)).toThrow(
      /--redis-sentinel-name/,
    );
    expect(() => resolveRedisTopology({ cluster: 'a' }, {}, undefined)).toThrow(
      /"a" is not host:port/,
    );
    expect(() =>
      resolveRedisTopology({ cluster: 'a:1', minReplicas: '-1' }, {}, undefined),
    ).toThrow(/--redis-min-replicas/);
  });
});
