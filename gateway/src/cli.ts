import { parseArgs } from 'node:util';
import { hashPassword } from './auth/passwords';
import { DEMO_API_KEY, DEMO_PASSWORD, DEMO_USERS } from './auth/users';
import { BRIDGE_SOURCES, type BridgeSource } from './bridges/redis-bridge';
import { createGateway } from './gateway';
import { consoleLogger } from './logger';
import { installLastResortHandlers } from '../../shared/process/last-resort';

/**
 * `npm run gateway -- [--demo] [--port 8080] [--host 127.0.0.1] [--users users.json]
 *   [--origin https://app.example]… [--bridge] [--hash-password <pw>]`
 * Environment: REDIS_URL, LOOKOUT_GATEWAY_SECRET, LOOKOUT_API_KEYS and LOOKOUT_OPERATOR_KEYS
 * (comma-separated), LOOKOUT_USERS_FILE, LOOKOUT_JWKS_URL.
 */
async function main(): Promise<void> {
  // One request must never end the process for every other client: log, count, keep serving.
  installLastResortHandlers(process, consoleLogger);
  const { values } = parseArgs({
    options: {
      demo: { type: 'boolean', default: false },
      port: { type: 'string', default: process.env.PORT ?? '8080' },
      host: { type: 'string', default: '127.0.0.1' },
      users: { type: 'string' },
      origin: { type: 'string', multiple: true },
      bridge: { type: 'boolean', default: false },
      'hash-password': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(
      'usage: npm run gateway -- [--demo] [--port N] [--host H] [--users FILE] [--origin URL]… [--bridge] [--hash-password PW]',
    );
    return;
  }
  if (values['hash-password']) {
    console.log(await hashPassword(values['hash-password']));
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`bad --port ${values.port}`);
  const redisUrl = process.env.REDIS_URL || undefined;
  const gateway = createGateway({
    host: values.host,
    port,
    demo: values.demo,
    secret: process.env.LOOKOUT_GATEWAY_SECRET || undefined,
    jwksUrl: process.env.LOOKOUT_JWKS_URL || undefined,
    usersFile: values.users ?? (process.env.LOOKOUT_USERS_FILE || undefined),
    // The public demo key is valid here, in `--demo`, and nowhere else.
    apiKeys: [...list(process.env.LOOKOUT_API_KEYS), ...(values.demo ? [DEMO_API_KEY] : [])],
    operatorKeys: list(process.env.LOOKOUT_OPERATOR_KEYS),
    redisUrl,
    allowedOrigins: values.origin,
    bridges:
      values.bridge && redisUrl
        ? { redisUrl, sources: [...BRIDGE_SOURCES] as BridgeSource[] }
        : undefined,
    logger: consoleLogger,
  });
  const address = await gateway.start();
  console.log(`Lookout gateway ${gateway.instanceId} on ${address.wsUrl} (HTTP ${address.url})`);
  if (values.demo) {
    console.log(
      `demo users: ${DEMO_USERS.map((u) => `${u.username} (${u.role})`).join(', ')}, password "${DEMO_PASSWORD}"`,
    );
    console.log(`demo publisher API key: ${DEMO_API_KEY}`);
  }
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    consoleLogger.info('shutting down', { signal });
    gateway.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
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
