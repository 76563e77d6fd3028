import { endpointUrls, type EndpointConfig } from '../../../shared/config/endpoint';
import type { EndpointSummary } from '../../../shared/ipc/contract';
import type { Redactor } from '../kernel/redact';
import { DIALECTS, WATCHES_TASKS } from '../dialects';

/** What the renderer may know about an endpoint: never a secret. */
export function endpointSummary(
  endpoint: EndpointConfig,
  hasSecret: boolean,
  redactor: Redactor,
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
  return {
    id: endpoint.id,
    name: endpoint.name,
    dialect: endpoint.dialect,
    url: redactor.url(endpointUrls(endpoint)[0] ?? ''),
    enabled: endpoint.enabled,
    auth: authText,
    authMethod: auth.method,
    hasSecret,
    subscriptions: endpoint.subscriptions.length
      ? endpoint.subscriptions
      : [...DIALECTS[endpoint.dialect].defaultSubscriptions],
    watchesTasks: WATCHES_TASKS.has(endpoint.dialect),
  };
}
