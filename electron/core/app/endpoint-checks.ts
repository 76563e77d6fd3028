import type { EndpointConfig } from '../../../shared/config/endpoint';
import type { ProbeResult } from '../../../shared/model/diagnostics';
import { createCredentialProvider } from '../auth/credential-provider-factory';
import { secretHarvestingFetch } from '../auth/secret-harvesting-fetch';
import type { SecretGetter } from '../auth/secrets';
import { runProbes } from '../diagnostics/probes';
import { probeRedis } from '../diagnostics/redis-probe';
import { dialectOf } from '../dialects';
import type { CredentialProvider } from '../kernel/ports';
import type { Redactor } from '../kernel/redact';
import type { Network } from '../transport/network';
import { endpointSecrets } from './endpoint-secrets';

/**
 * What the core asks of an endpoint besides its session: credentials, the HTTP health probes (the
 * last answers kept for the support bundle) and the Redis deafness probe. Everything a server
 * hands out on the way, and every secret in an endpoint's config, is registered for redaction.
 */
export class EndpointChecks {
  private readonly lastProbes = new Map<string, ProbeResult[]>();

  constructor(
    private readonly redactor: Redactor,
    /** Reads a secret from the credential store. */
    readonly getSecret: SecretGetter,
    /** Proxy and trust for every connection of every endpoint (WebSocket and HTTP alike). */
    readonly network: Network,
  ) {}

  /** Credentials for an endpoint, its secrets read (by `getSecret`) before every attempt. */
  providerFor(
    endpoint: EndpointConfig,
    getSecret: SecretGetter = this.getSecret,
  ): CredentialProvider {
    return createCredentialProvider(
      endpoint.auth,
      getSecret,
      secretHarvestingFetch(this.network.forEndpoint(endpoint, getSecret).fetch, this.redactor),
    );
  }

  /** The endpoint's HTTP health probes; the answers are kept for the support bundle. */
  async probe(endpoint: EndpointConfig): Promise<ProbeResult[]> {
    const results = await runProbes(endpoint, dialectOf(endpoint), this.redactor, {
      fetch: this.network.forEndpoint(endpoint).fetch,
    });
    this.lastProbes.set(endpoint.id, results);
    return results;
  }

  /** The last probe answers of every endpoint. */
  probes(): ProbeResult[] {
    return [...this.lastProbes.values()].flat();
  }

  /** The endpoint's Redis probe for the connection check, when one is configured. */
  redisProbeFor(endpoint: EndpointConfig, getSecret: SecretGetter = this.getSecret) {
    const config = endpoint.redisProbe;
    if (!config) return {};
    return {
      redisProbe: async (channels: readonly string[]) => {
        const password = config.credentialRef ? await getSecret(config.credentialRef) : undefined;
        this.redactor.addSecret(password);
        const result = await probeRedis({ config, channels, ...(password ? { password } : {}) });
        return { ...result, detail: this.redactor.text(result.detail) };
      },
    };
  }

  /** Secrets written into the config itself (URL user-info, `?apikey=`, `X-Auth`) are scrubbed by value too. */
  registerConfigSecrets(endpoint: EndpointConfig): void {
    for (const secret of endpointSecrets(endpoint)) this.redactor.addSecret(secret);
  }
}
