import { parseArgs } from 'node:util';
import { hashPassword } from './auth/passwords';
import { DEMO_API_KEY, DEMO_PASSWORD, DEMO_USERS } from './demo/demo-accounts';
import { BRIDGE_SOURCES, type BridgeSource } from './bridges/redis-bridge';
import { loadGatewayConfig, optionsFromConfig } from './config-file';
import { resolveRedisTopology } from './storage/redis-settings';
import { createGateway } from './gateway';
import type { GatewayOptions } from './options';
import { consoleLogger } from './logger';
import { installLastResortHandlers } from '../../shared/process/last-resort';

const USAGE = `usage: npm run gateway -- [options]
  --config FILE          config file (JSON, no secrets; docs/deployment.md); flags and the environment win
  --demo                 demo users, demo traffic, the public demo publisher key (local use only)
  --port N --host H      where to listen (default 127.0.0.1:8080)
  --drain-window MS      on SIGTERM, spread the clients' moves over this long (default 10000)
  --users FILE           users file (or LOOKOUT_USERS_FILE); re-read when it changes
  --origin URL…          browser Origins allowed to connect
  --issuer ISS --audience AUD   expected iss/aud of tokens (or LOOKOUT_JWT_ISSUER, LOOKOUT_JWT_AUDIENCE);
                         both required with a JWKS (LOOKOUT_JWKS_URL)
  --trust-proxy ADDR…    proxies (address or CIDR) whose X-Forwarded-For is believed (or LOOKOUT_TRUSTED_PROXIES)
  --redis-sentinels H:P,…  --redis-sentinel-name NAME   Redis through Sentinel (or REDIS_SENTINELS, REDIS_SENTINEL_NAME)
  --redis-cluster H:P,…  Redis Cluster, discovered from these nodes (or REDIS_CLUSTER_NODES)
  --redis-min-replicas N replicas that must hold an event before its publish is accepted
                         (default 1 with Sentinel or Cluster, 0 with one server; or REDIS_MIN_REPLICAS)
  --bridge               republish the existing backends' Redis channels (needs REDIS_URL)
  --hash-password PW     print a hash for the users file and exit
  --revoke SUB [--url URL]   revoke a user on a running gateway (default URL http://127.0.0.1:8080;
                         the operator key from LOOKOUT_OPERATOR_KEY) and exit
Signals: SIGTERM/SIGINT drain (readiness off, clients moved over the drain window) then stop; a
second one stops at once. SIGHUP reads the users file again.
Environment: REDIS_URL (one server), REDIS_USERNAME, REDIS_PASSWORD, LOOKOUT_GATEWAY_SECRET, LOOKOUT_API_KEYS and LOOKOUT_OPERATOR_KEYS
(comma-separated), LOOKOUT_USERS_FILE, LOOKOUT_JWKS_URL, LOOKOUT_JWT_ISSUER, LOOKOUT_JWT_AUDIENCE,
LOOKOUT_TRUSTED_PROXIES (comma-separated).`;

/** `npm run gateway -- …`: see USAGE. */
async function main(): Promise<void> {
  // One request must never end the process for every other client: log, count, keep serving.
  installLastResortHandlers(process, consoleLogger);
  const { values } = parseArgs({
    options: {
      config: { type: 'string' },
      demo: { type: 'boolean', default: false },
      port: { type: 'string' },
      host: { type: 'string' },
      'drain-window': { type: 'string' },
      users: { type: 'string' },
      origin: { type: 'string', multiple: true },
      bridge: { type: 'boolean', default: false },
      'redis-sentinels': { type: 'string' },
      'redis-sentinel-name': { type: 'string' },
      'redis-cluster': { type: 'string' },
      'redis-min-replicas': { type: 'string' },
      issuer: { type: 'string' },
      audience: { type: 'string' },
      'trust-proxy': { type: 'string', multiple: true },
      'hash-password': { type: 'string' },
      revoke: { type: 'string' },
      url: { type: 'string', default: 'http://127.0.0.1:8080' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (values.revoke !== undefined) {
    await revokeOnRunningGateway(values.url, values.revoke);
    return;
  }
  if (values['hash-password']) {
    console.log(await hashPassword(values['hash-password']));
    return;
  }
  const file = values.config ? optionsFromConfig(await loadGatewayConfig(values.config)) : {};
  const portText = values.port ?? process.env.PORT;
  const port = portText === undefined ? (file.port ?? 8080) : Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`bad --port ${portText}`);
  const drainText = values['drain-window'];
  const drainWindowMs = drainText === undefined ? file.drainWindowMs : Number(drainText);
  if (drainWindowMs !== undefined && !(drainWindowMs >= 0))
    throw new Error(`bad --drain-window ${drainText} (milliseconds)`);
  const redis = resolveRedisTopology(
    {
      sentinels: values['redis-sentinels'],
      sentinelName: values['redis-sentinel-name'],
      cluster: values['redis-cluster'],
      minReplicas: values['redis-min-replicas'],
    },
    process.env,
    file.redis,
  );
  if (values.bridge && redis?.mode !== 'standalone')
    throw new Error("--bridge reads the existing backends' Redis: it needs REDIS_URL (one server)");
  const trusted = [...(values['trust-proxy'] ?? []), ...list(process.env.LOOKOUT_TRUSTED_PROXIES)];
  const options: GatewayOptions = {
    ...file,
    host: values.host ?? file.host ?? '127.0.0.1',
    port,
    demo: values.demo,
    secret: process.env.LOOKOUT_GATEWAY_SECRET || undefined,
    jwksUrl: process.env.LOOKOUT_JWKS_URL || file.jwksUrl,
    issuer: values.issuer ?? (process.env.LOOKOUT_JWT_ISSUER || file.issuer),
    audience: values.audience ?? (process.env.LOOKOUT_JWT_AUDIENCE || file.audience),
    trustedProxies: trusted.length > 0 ? trusted : file.trustedProxies,
    usersFile: values.users ?? (process.env.LOOKOUT_USERS_FILE || file.usersFile),
    // The public demo key is valid here, in `--demo`, and nowhere else.
    apiKeys: [...list(process.env.LOOKOUT_API_KEYS), ...(values.demo ? [DEMO_API_KEY] : [])],
    operatorKeys: list(process.env.LOOKOUT_OPERATOR_KEYS),
    redis,
    drainWindowMs,
    allowedOrigins: values.origin ?? file.allowedOrigins,
    bridges:
      values.bridge && redis?.mode === 'standalone'
        ? { redisUrl: redis.url, sources: [...BRIDGE_SOURCES] as BridgeSource[] }
        : file.bridges,
    logger: consoleLogger,
  };
  const gateway = createGateway(options);
  const address = await gateway.start();
  console.log(`Lookout gateway ${gateway.instanceId} on ${address.wsUrl} (HTTP ${address.url})`);
  if (values.demo) {
    console.log(
      `demo users: ${DEMO_USERS.map((u) => `${u.username} (${u.role})`).join(', ')}, password "${DEMO_PASSWORD}"`,
    );
    console.log(`demo publisher API key: ${DEMO_API_KEY}`);
  }
  // First signal: drain (readiness off at once, clients moved over the window), then stop.
  // A second signal stops at once: an operator who means it is not kept waiting.
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) {
      consoleLogger.warn('stopping now, without finishing the drain', { signal });
      gateway.stop().then(
        () => process.exit(0),
        () => process.exit(1),
      );
      return;
    }
    stopping = true;
    consoleLogger.info('draining, then stopping', { signal });
    gateway
      .drain()
      .then((result) => {
        consoleLogger.info('drained', { ...result });
        return gateway.stop();
      })
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGHUP', () => {
    gateway.reloadUsers().then(
      (users) => consoleLogger.info('users file checked again (SIGHUP)', { users }),
      (error: unknown) =>
        consoleLogger.error('users file reload failed', { reason: String(error) }),
    );
  });
}

/** `--revoke SUB`: ask a running gateway (any instance: the revocation reaches all) to revoke a user. */
async function revokeOnRunningGateway(base: string, sub: string): Promise<void> {
  const key = process.env.LOOKOUT_OPERATOR_KEY;
  if (!key) throw new Error('--revoke needs an operator key in LOOKOUT_OPERATOR_KEY');
  if (!sub) throw new Error('--revoke needs the user to revoke (their sub, e.g. ops@example.com)');
  let res: Response;
  try {
    res = await fetch(new URL('/auth/revoke', base), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ sub }),
    });
  } catch (error) {
    throw new Error(
      `could not reach the gateway at ${base} (${error instanceof Error ? error.message : String(error)}); pass --url`,
      { cause: error },
    );
  }
  const body = (await res.json().catch(() => ({}))) as { closed?: number; message?: string };
  if (!res.ok)
    throw new Error(
      `the gateway refused (HTTP ${res.status}): ${body.message ?? 'no reason given'}`,
    );
  console.log(
    `revoked ${sub}: every session begun before now is ended (${body.closed ?? 0} socket(s) closed on that instance; the others close theirs)`,
  );
}

/** A comma-separated environment list (keys, addresses). */
function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
}

main().catch((error: unknown) => {
  console.error(`gateway: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
