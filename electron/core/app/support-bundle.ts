/** The support bundle: one redacted JSON of everything support needs to explain a connection. */
import type { EndpointConfig } from '../../../shared/config/endpoint';
import type { SessionDiagnostics } from '../../../shared/model/connection';
import type { NotificationTraceEntry, ProbeResult } from '../../../shared/model/diagnostics';
import type { EndpointHealth } from '../../../shared/model/health';
import type { HostInfo } from '../../../shared/model/settings';
import type { Redactor } from '../kernel/redact';

export interface SupportBundleInput {
  generatedAt: number;
  host: HostInfo;
  endpoints: EndpointConfig[];
  connections: SessionDiagnostics[];
  /** Health facets per endpoint: delivery (deaf, unverified…), verified auth, ranked causes. */
  health: EndpointHealth[];
  probes: ProbeResult[];
  notifications: { counters: unknown; trace: NotificationTraceEntry[] };
  configProblems: string[];
  credentialStore: { persistent: boolean; backend: string; reason: string };
  /** Where the system proxy comes from and which authorities are trusted (no secrets). */
  network?: { proxySource: string; trust: string[] };
  /** The end of the log file (already redacted when written, and again with the bundle). */
  logExcerpt?: { maxBytes: number; bytes: number; lines: string };
}

/**
 * Per endpoint, the route its last connection took (or tried) and the certificate chain the
 * server presented: what a network team needs first. Facts only (proxies are host:port).
 */
function effectiveTransport(input: SupportBundleInput) {
  return input.connections.map((c) => {
    const last = [...c.attempts].reverse().find((a) => a.transport)?.transport;
    const config = input.endpoints.find((e) => e.id === c.endpoint);
    return {
      endpoint: c.endpoint,
      proxySetting: config?.proxy ?? 'system',
      ...(config?.proxyAuth ? { proxyUser: config.proxyAuth.username } : {}),
      ...(config?.tls ? { tlsSettings: config.tls } : {}),
      ...(last
        ? { target: last.target, route: last.route, ...(last.tls ? { tls: last.tls } : {}) }
        : { route: null }),
    };
  });
}

/**
 * The support bundle: everything the diagnostics panel knows, as one pretty JSON text a customer
 * can paste into a ticket. Passed through the redactor as a whole at the end, so a secret that
 * slipped into any field (a reason, a header, a preview) is scrubbed too.
 */
export function buildSupportBundle(input: SupportBundleInput, redactor: Redactor): string {
  const bundle = {
    kind: 'lookout-support-bundle',
    version: 1,
    generatedAt: new Date(input.generatedAt).toISOString(),
    host: input.host,
    credentialStore: input.credentialStore,
    network: { ...input.network, endpoints: effectiveTransport(input) },
    configProblems: input.configProblems,
    endpoints: input.endpoints.map((e) => ({ ...e, headers: redactor.headers(e.headers) })),
    health: input.health,
    connections: input.connections,
    probes: input.probes,
    notifications: input.notifications,
    ...(input.logExcerpt ? { logExcerpt: input.logExcerpt } : {}),
  };
  return `${JSON.stringify(redactor.value(bundle), null, 2)}\n`;
}
