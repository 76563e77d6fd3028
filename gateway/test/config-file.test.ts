import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadGatewayConfig, optionsFromConfig } from '../src/config-file';

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
});
