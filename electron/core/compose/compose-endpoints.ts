/** Composition step 2: the endpoint side (network, endpoint checks, demo gateway, endpoint registry). */
import type { EndpointConfig } from '../../../shared/config/endpoint';
import type { CorePorts } from '../app/core-api';
import { DemoGateway } from '../app/demo-endpoint';
import { EndpointChecks } from '../app/endpoint-checks';
import { EndpointRegistry } from '../app/endpoint-registry';
import { endpointSummary } from '../app/endpoint-summary';
import { credentialRefOf } from '../auth/credential-provider-factory';
import { Network } from '../transport/network';
import type { CoreBase } from './core-base';
import type { DataFolder } from './open-data-folder';

/** The configured endpoints and what reaches them. */
export interface EndpointParts {
  network: Network;
  checks: EndpointChecks;
  demo: DemoGateway;
  endpoints: EndpointRegistry;
  /** Whether endpoints.json was read as written (not missing, not set aside). */
  authoritative: boolean;
}

/**
 * Builds the endpoint side of the core: the network (proxy and trust for every connection), the
 * checks (credentials and probes), the embedded demo gateway, and the registry of configured
 * endpoints, loaded from endpoints.json. `restart` reopens the sessions after the list changed
 * (the session pool is built later, from these parts).
 */
export async function composeEndpoints(
  ports: CorePorts,
  base: CoreBase,
  data: DataFolder,
  restart: (list: readonly EndpointConfig[]) => Promise<void>,
): Promise<EndpointParts> {
  const { logger, redactor, paths, push } = base;
  const { credentials } = data;
  const getSecret = async (ref: string) => (await credentials.get(ref)) ?? undefined;
  const network = new Network(ports.network ?? {}, getSecret, (secret) =>
    redactor.addSecret(secret),
  );
  const checks = new EndpointChecks(redactor, getSecret, network);
  const demo = new DemoGateway(ports.embeddedGateway);
  const endpoints = new EndpointRegistry({
    file: base.endpointsFile,
    path: paths.endpoints,
    onSaved: base.reportSave('endpoints', paths.endpoints),
    isTransient: (endpoint) => demo.isDemo(endpoint),
    onAdded: (endpoint) => checks.registerConfigSecrets(endpoint),
    summarize: async (endpoint) => {
      const ref = credentialRefOf(endpoint.auth);
      const hasSecret = ref ? (await credentials.get(ref)) !== null : false;
      return endpointSummary(endpoint, hasSecret, redactor, demo.isDemo(endpoint));
    },
    announce: (summaries) => push.push('endpoints:changed', summaries),
    restart,
  });
  endpoints.problems.push(...data.problems);
  const loaded = await endpoints.load();
  for (const problem of endpoints.problems) logger.warn('config problem', { problem });
  return { network, checks, demo, endpoints, authoritative: loaded.authoritative };
}

/**
 * Without an endpoints.json, the embedded demo gateway (when the host has one) is the one
 * endpoint, so the app shows live data out of the box; if it cannot start, the user is told why.
 */
export async function openDemoIfUnconfigured(
  parts: EndpointParts,
  data: DataFolder,
): Promise<void> {
  const { endpoints, demo } = parts;
  if (endpoints.fileExists || !demo.available) return;
  try {
    endpoints.useTransient([await demo.open((ref, secret) => data.credentials.set(ref, secret))]);
  } catch (error) {
    endpoints.problems.push(
      `The embedded demo gateway did not start (${error instanceof Error ? error.message : String(error)}). Add a backend in Settings → Endpoints.`,
    );
  }
}
