/** Builds what runs for one endpoint: tracked credentials, its Session and its health monitor. */
import type { EndpointConfig } from '../../../shared/config/endpoint';
import type { EndpointHealth } from '../../../shared/model/health';
import { TrackedCredentials } from '../auth/tracked-credentials';
import { Session } from '../connection/session';
import { dialectOf } from '../dialects';
import type { Clock, CredentialProvider, Logger, SystemEvents } from '../kernel/ports';
import type { Redactor } from '../kernel/redact';
import { EndpointHealthMonitor } from './endpoint-health';
import type { EndpointChecks } from './endpoint-checks';
import type { EndpointRuntime } from './session-pool';

export interface EndpointRuntimeDeps {
  clock: Clock;
  logger: Logger;
  redactor: Redactor;
  random?: () => number;
  system?: SystemEvents;
  checks: EndpointChecks;
  /** An endpoint's health changed (pushed to the views and the tray). */
  onHealth(health: EndpointHealth): void;
}

/**
 * How the session pool builds what runs for one endpoint: its credentials (tracked, so the views
 * can say how sign-in went), its `Session` and the health monitor watching it.
 */
export function endpointRuntimeFactory(
  deps: EndpointRuntimeDeps,
): (endpoint: EndpointConfig, provider?: CredentialProvider) => EndpointRuntime {
  return (endpoint, provider) => {
    const dialect = dialectOf(endpoint);
    const credentials = new TrackedCredentials(
      provider ?? deps.checks.providerFor(endpoint),
      () => deps.clock.now(),
      endpoint.auth.method === 'password-jwt' || endpoint.auth.method === 'django-session',
    );
    const session = new Session({
      endpoint,
      dialect,
      ports: {
        credentials,
        clock: deps.clock,
        ...(deps.random ? { random: deps.random } : {}),
        logger: deps.logger,
        ...(deps.system ? { system: deps.system } : {}),
        redactor: deps.redactor,
        transport: deps.checks.network.forEndpoint(endpoint),
      },
    });
    const monitor = new EndpointHealthMonitor({
      endpoint,
      dialect,
      session,
      credentials,
      clock: deps.clock,
      logger: deps.logger,
      redactor: deps.redactor,
      getSecret: deps.checks.getSecret,
      probeHttp: () => deps.checks.probe(endpoint),
      onChange: deps.onHealth,
    });
    return { session, monitor };
  };
}
