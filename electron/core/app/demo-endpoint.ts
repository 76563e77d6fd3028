/** `DemoGateway`: the embedded demo gateway as the one endpoint while none is configured. */
import { endpointSchema, type EndpointConfig } from '../../../shared/config/endpoint';
import type { EmbeddedGateway } from './core-api';

/** Id of the endpoint that points at the embedded demo gateway (never saved to endpoints.json). */
export const DEMO_ENDPOINT_ID = 'demo';
/** Where the demo login's password is kept in the credential store. */
const DEMO_CREDENTIAL_REF = 'demo-gateway';

/**
 * The embedded demo gateway the host provides, while no endpoint is configured: started at first
 * run, stopped when the user adds their first real endpoint (or on quit).
 */
export class DemoGateway {
  private gateway: EmbeddedGateway | null = null;

  constructor(private readonly start: (() => Promise<EmbeddedGateway>) | undefined) {}

  /** Whether the host can run one at all. */
  get available(): boolean {
    return this.start !== undefined;
  }

  get running(): boolean {
    return this.gateway !== null;
  }

  /** Whether `endpoint` is the running demo's (it exists in memory only). */
  isDemo(endpoint: Pick<EndpointConfig, 'id'>): boolean {
    return endpoint.id === DEMO_ENDPOINT_ID && this.gateway !== null;
  }

  /**
   * Starts the gateway and returns its endpoint, signed in as the demo super admin (`storeSecret`
   * keeps the demo password); throws when it cannot start.
   */
  async open(storeSecret: (ref: string, secret: string) => Promise<void>): Promise<EndpointConfig> {
    if (!this.start) throw new Error('this host has no embedded gateway');
    const gw = await this.start();
    this.gateway = gw;
    const endpoint = endpointSchema.parse({
      id: DEMO_ENDPOINT_ID,
      name: 'Demo gateway (embedded)',
      dialect: 'lookout',
      url: gw.wsUrl,
      httpBase: gw.httpUrl,
      // In this process, on loopback: never through a proxy, whatever the system says.
      proxy: 'direct',
      auth: {
        method: 'password-jwt',
        username: gw.username,
        credentialRef: DEMO_CREDENTIAL_REF,
        loginUrl: `${gw.httpUrl}/auth/login`,
        refreshUrl: `${gw.httpUrl}/auth/refresh`,
      },
      subscriptions: ['dashboard', 'stats', `tasks:${gw.username}`, `notifications:${gw.username}`],
    });
    await storeSecret(DEMO_CREDENTIAL_REF, gw.password);
    return endpoint;
  }

  async stop(): Promise<void> {
    const gw = this.gateway;
    this.gateway = null;
    await gw?.stop();
  }
}
