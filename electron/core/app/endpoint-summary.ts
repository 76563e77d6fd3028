import { endpointUrls, type EndpointConfig } from '../../../shared/config/endpoint';
import type { EndpointSummary } from '../../../shared/ipc/contract';
import type { Redactor } from '../kernel/redact';
import { subscriptionsFor, watchedTaskIds } from '../dialects';

/** What the renderer may know about an endpoint: never a secret. `embedded`: the built-in demo. */
export function endpointSummary(
  endpoint: EndpointConfig,
  hasSecret: boolean,
  redactor: Redactor,
  embedded = false,
): EndpointSummary {
  const auth = endpoint.auth;
  const authText =
    auth.method === 'none'
      ? 'no authentication'
      : auth.method === 'token'
        ? `token (${auth.send})`
        : auth.method === 'password-jwt'
          ? `password → JWT as ${auth.username}`
          : `Django session as ${auth.username}`;
  const subscriptions = [...subscriptionsFor(endpoint)];
  const watched = watchedTaskIds(endpoint.dialect, subscriptions);
  return {
    id: endpoint.id,
    name: endpoint.name,
    dialect: endpoint.dialect,
    url: redactor.url(endpointUrls(endpoint)[0] ?? ''),
    enabled: endpoint.enabled,
    auth: authText,
    authMethod: auth.method,
    hasSecret,
    subscriptions,
    watchesTasks: watched !== null,
    watchedTasks: watched ?? [],
    embedded,
  };
}
