import {
  createGateway,
  type Gateway,
  type GatewayAddress,
  type GatewayOptions,
} from '../../gateway/src/index';
import { silentGatewayLogger } from '../../gateway/src/logger';
import type { TestClient } from './ws-test-client';

export const TEST_SECRET = 'test-secret-that-is-long-enough-0123456789';
export const TEST_API_KEY = 'test-publisher-key';
export const TEST_OPERATOR_KEY = 'test-operator-key-0123456789';

/** Gateways and sockets a test file started, closed in afterEach. */
export class Fixtures {
  private readonly gateways: Gateway[] = [];
  private readonly clients: TestClient[] = [];

  async gateway(
    options: GatewayOptions = {},
  ): Promise<{ gateway: Gateway; address: GatewayAddress }> {
    const gateway = createGateway({
      port: 0,
      secret: TEST_SECRET,
      apiKeys: [TEST_API_KEY],
      operatorKeys: [TEST_OPERATOR_KEY],
      logger: silentGatewayLogger,
      ...options,
    });
    this.gateways.push(gateway);
    const address = await gateway.start();
    return { gateway, address };
  }

  track(client: TestClient): TestClient {
    this.clients.push(client);
    return client;
  }

  async cleanup(): Promise<void> {
    for (const c of this.clients.splice(0)) c.close();
    for (const g of this.gateways.splice(0)) await g.stop();
  }
}
