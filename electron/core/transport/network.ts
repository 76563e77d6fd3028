import {
  endpointNetwork,
  type EndpointConfig,
  type EndpointNetwork,
} from '../../../shared/config/endpoint';
import type { TransportFacts } from '../../../shared/model/transport';
import { agentFetch } from './agent-fetch';
import { directResolver, type SystemProxyResolver } from './proxy-rules';
import { TransportAgent, type SecretGetter } from './transport-agent';
import { TrustStore, type CertificateSet } from './trust-store';

/**
 * What a host tells the core about the network (the transport-options port): how the system
 * proxies a URL and what the OS trusts. Absent parts mean "direct" and "what Node can read".
 */
export interface NetworkPorts {
  /** Electron's session (system settings, PAC) or the `*_PROXY` environment; direct when absent. */
  resolveSystemProxy?: SystemProxyResolver;
  /** In words, for the support bundle: "Electron session (system settings, PAC)", "environment"… */
  proxySource?: string;
  /** Where `NODE_EXTRA_CA_CERTS` is read where the runtime cannot say (Node 20); none when absent. */
  env?: Readonly<Record<string, string | undefined>>;
  /** The OS trust store, replacing what `systemCertificates()` finds (tests). */
  systemCertificates?: () => CertificateSet;
}

/** The transport of one endpoint: an agent for each connection, and a fetch over the same route. */
export interface EndpointTransport {
  readonly network: EndpointNetwork;
  /** A fresh agent (its `facts` then belong to the connection it makes). */
  agent(connectTimeoutMs?: number): TransportAgent;
  /** `fetch` through this endpoint's route and trust (sign-in, refresh, probes). */
  readonly fetch: typeof fetch;
  /** The route and certificate facts of this endpoint's latest HTTP call, if any. */
  lastFetchFacts(): TransportFacts | null;
}

/**
 * The core's one place for proxy and trust decisions: every WebSocket and every HTTP call of an
 * endpoint gets its agent here, built from the endpoint's settings and the host's ports.
 */
export class Network {
  private readonly trust: TrustStore;

  constructor(
    private readonly ports: NetworkPorts,
    private readonly getSecret: SecretGetter,
    private readonly onSecret: (secret: string) => void,
  ) {
    this.trust = new TrustStore({
      ...(ports.env ? { env: ports.env } : {}),
      ...(ports.systemCertificates ? { system: ports.systemCertificates } : {}),
    });
  }

  /** `getSecret`: where the proxy password is read (the form's unsaved one, for a test). */
  forEndpoint(
    endpoint: Pick<EndpointConfig, 'proxy' | 'proxyAuth' | 'tls'>,
    getSecret: SecretGetter = this.getSecret,
  ): EndpointTransport {
    const network = endpointNetwork(endpoint);
    let last: TransportFacts | null = null;
    const agent = (connectTimeoutMs?: number) =>
      new TransportAgent({
        network,
        resolveSystemProxy: this.ports.resolveSystemProxy ?? directResolver,
        trust: this.trust,
        getSecret,
        onSecret: this.onSecret,
        ...(connectTimeoutMs ? { connectTimeoutMs } : {}),
      });
    const fetch = agentFetch(() =>
      trackFacts(agent(), (facts) => {
        last = facts;
      }),
    );
    return { network, agent, fetch, lastFetchFacts: () => last };
  }

  /** For the support bundle: where proxy settings come from and which authorities are trusted. */
  describe(): { proxySource: string; trust: string[] } {
    return {
      proxySource: this.ports.proxySource ?? 'none configured by the host (direct)',
      trust: this.trust.describe(),
    };
  }
}

/** Report an agent's facts once its connection is made or has failed. */
function trackFacts(
  agent: TransportAgent,
  report: (facts: TransportFacts) => void,
): TransportAgent {
  const connect = agent.connect.bind(agent);
  agent.connect = async (req, opts) => {
    try {
      return await connect(req, opts);
    } finally {
      if (agent.facts) report(agent.facts);
    }
  };
  return agent;
}
