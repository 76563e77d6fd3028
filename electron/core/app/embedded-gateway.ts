import {
  createGateway,
  DEMO_PASSWORD,
  DEMO_USERS,
  silentGatewayLogger,
} from '../../../gateway/src';
import type { EmbeddedGateway } from './core-api';

/**
 * The default backend: our own gateway in this process, in demo mode, on a free loopback port,
 * signed in as the demo super admin. What a newcomer sees right after `npm start`.
 */
export async function startEmbeddedGateway(
  options: { port?: number } = {},
): Promise<EmbeddedGateway> {
  const gateway = createGateway({
    demo: true,
    host: '127.0.0.1',
    port: options.port ?? 0,
    logger: silentGatewayLogger,
  });
  const address = await gateway.start();
  const admin = DEMO_USERS.find((u) => u.role === 'super_admin') ?? DEMO_USERS[0];
  if (!admin) throw new Error('the demo gateway has no demo users');
  return {
    wsUrl: address.wsUrl,
    httpUrl: address.url,
    username: admin.username,
    password: DEMO_PASSWORD,
    stop: () => gateway.stop(),
  };
}
