import type { EndpointConfig } from '../../../shared/config/endpoint';
import { isSecretName, isSecretQueryName } from '../../../shared/util/secret-names';
import type { Redactor } from '../kernel/redact';

/**
 * Secrets that live in an endpoint's config rather than the credential store: a password in URL
 * user-info, secret query parameters (`?apikey=`), secret-named headers (`X-Auth`) and params.
 * The core registers them with the redactor when the config is loaded or saved, and the edit form
 * receives the config with them replaced (`redactedEndpoint`); saving that form back restores them
 * (`withSecretsRestored`), so the renderer never holds them and editing never loses them.
 */
export function endpointSecrets(endpoint: EndpointConfig): string[] {
  const out: string[] = [];
  for (const url of urlsOf(endpoint)) {
    try {
      const u = new URL(url);
      if (u.password) out.push(u.password, decodeURIComponent(u.password));
      for (const [key, value] of u.searchParams) if (isSecretQueryName(key)) out.push(value);
    } catch {
      // Not a URL the schema accepted: nothing to find.
    }
  }
  for (const [key, value] of Object.entries(endpoint.headers))
    if (isSecretName(key)) out.push(value);
  for (const [key, value] of Object.entries(endpoint.params))
    if (isSecretName(key)) out.push(value);
  return out.filter((s) => s.length > 0);
}

/** The config as the edit form may see it: URLs, headers and params redacted. */
export function redactedEndpoint(endpoint: EndpointConfig, redactor: Redactor): EndpointConfig {
  const url = Array.isArray(endpoint.url)
    ? endpoint.url.map((u) => redactor.text(u))
    : redactor.text(endpoint.url);
  return {
    ...endpoint,
    url,
    headers: redactor.headers(endpoint.headers),
    params: redactor.value(endpoint.params) as Record<string, string>,
  };
}

/**
 * `incoming` (from the edit form) with every value that is exactly the redacted form of the stored
 * one put back: the user left that secret alone, so the stored secret stays.
 */
export function withSecretsRestored(
  incoming: EndpointConfig,
  stored: EndpointConfig | undefined,
  redactor: Redactor,
): EndpointConfig {
  if (!stored) return incoming;
  const shown = redactedEndpoint(stored, redactor);
  const storedUrls = urlsOf(stored);
  const shownUrls = urlsOf(shown);
  const restoreUrl = (u: string): string => {
    const i = shownUrls.indexOf(u);
    return i >= 0 && u !== storedUrls[i] ? (storedUrls[i] ?? u) : u;
  };
  const restoreRecord = (
    now: Record<string, string>,
    before: Record<string, string>,
    seen: Record<string, string>,
  ): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const [key, value] of Object.entries(now))
      out[key] = key in before && seen[key] === value ? (before[key] ?? value) : value;
    return out;
  };
  return {
    ...incoming,
    url: Array.isArray(incoming.url) ? incoming.url.map(restoreUrl) : restoreUrl(incoming.url),
    headers: restoreRecord(incoming.headers, stored.headers, shown.headers),
    params: restoreRecord(incoming.params, stored.params, shown.params),
  };
}

function urlsOf(endpoint: EndpointConfig): string[] {
  return Array.isArray(endpoint.url) ? endpoint.url : [endpoint.url];
}
