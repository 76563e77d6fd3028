/** Wraps the credential providers' `fetch` so every secret a server hands out reaches the redactor first. */
import { isSecretName } from '../../../shared/util/secret-names';
import type { SecretSink } from '../kernel/ports';
import type { FetchLike } from './secrets';

/** Values shorter than this are not remembered: `1` or `true` would scrub half of every log. */
const MIN_HARVESTED = 8;

/**
 * The `fetch` every credential provider signs in with, wrapped so that every secret a server hands
 * out is registered with the redactor before the provider sees it: each cookie of `Set-Cookie`
 * (Django's `sessionid`, `csrftoken`) and every string under a secret-named JSON field (`access`,
 * `refresh`, `token`…). Opaque tokens then stay out of logs and diagnostics by value, whatever
 * their shape, even when a server later echoes them somewhere unexpected.
 */
export function secretHarvestingFetch(inner: FetchLike, sink: SecretSink): FetchLike {
  return async (input, init) => {
    const response = await inner(input, init);
    for (const line of response.headers.getSetCookie()) {
      const pair = line.split(';')[0] ?? '';
      const i = pair.indexOf('=');
      const value = i > 0 ? pair.slice(i + 1).trim() : '';
      if (value.length >= MIN_HARVESTED) sink.addSecret(value);
    }
    if (/json/i.test(response.headers.get('content-type') ?? '')) {
      try {
        harvestJson(JSON.parse(await response.clone().text()), sink, 0);
      } catch {
        // Not JSON after all: the provider reports that in its own words.
      }
    }
    return response;
  };
}

function harvestJson(value: unknown, sink: SecretSink, depth: number): void {
  if (depth > 8 || value === null || typeof value !== 'object') return;
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v === 'string' && isSecretName(key) && v.length >= MIN_HARVESTED) sink.addSecret(v);
    else if (typeof v === 'object') harvestJson(v, sink, depth + 1);
  }
}
