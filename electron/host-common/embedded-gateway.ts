import { randomBytes } from 'node:crypto';
import { createGateway, DEMO_USERS, silentGatewayLogger } from '../../gateway/src';
import type { EmbeddedGateway } from '../core/app/core-api';

/**
 * The default backend: our own gateway in this process, in demo mode, on a free loopback port,
 * signed in as the demo super admin. What a newcomer sees right after `npm start`.
 *
 * It listens on loopback, where any local process (or a web page's `<img>` / `fetch`) can reach
 * it, so it trusts nothing public: no API key at all (`POST /publish` answers 403; the demo
 * traffic is published in-process), and a demo password made for this launch, known only to the
 * app (which stores it for the demo endpoint), instead of the documented `lookout-demo`.
 */
export async function startEmbeddedGateway(
  options: { port?: number } = {},
): Promise<EmbeddedGateway> {
  const password = randomBytes(24).toString('base64url');
  const gateway = createGateway({
    demo: true,
    demoPassword: password,
    host: '127.0.0.1',
    port: options.port ?? 0,
    // prom-client is not in the desktop app; nobody scrapes a gateway inside it.
    prometheus: false,
    logger: silentGatewayLogger,
  });
  const address = await gateway.start();
  const admin = DEMO_USERS.find((u) => u.role === 'super_admin') ?? DEMO_USERS[0];
  if (!admin) throw new Error('the demo gateway has no demo users');
  return {
    wsUrl: address.wsUrl,
    httpUrl: address.url,
    username: admin.username,
    password,
    stop: () => gateway.stop(),
  };
}
