import type { EndpointConfig } from '../../../../shared/config/endpoint';
import type { SaveResult } from '../../../../shared/ipc/contract';
import { credentialRefOf } from '../../auth/credential-provider-factory';
import type { CoreParts } from '../../app/core-parts';
import { DEMO_ENDPOINT_ID } from '../../app/demo-endpoint';
import { redactedEndpoint, withSecretsRestored } from '../../app/endpoint-secrets';
import { runConnectionCheck } from '../../diagnostics/connection-check';
import { runProbes } from '../../diagnostics/probes';
import { dialectOf } from '../../dialects';
import type { InvokeHandlers } from '../ipc-router';

type EndpointChannel =
  'endpoints:list' | 'endpoints:get' | 'endpoints:save' | 'endpoints:remove' | 'endpoints:test';

/** The endpoint list: read, edit (secrets stay in the main process), remove, test a draft. */
export function endpointHandlers(p: CoreParts): Pick<InvokeHandlers, EndpointChannel> {
  return {
    'endpoints:list': async () => p.endpoints.summaries(),
    'endpoints:get': async ({ id }) => {
      const found = p.endpoints.find(id);
      return found ? redactedEndpoint(found, p.redactor) : null;
    },
    'endpoints:save': async ({ endpoint, secret, redisSecret, proxySecret }) =>
      saveEndpoint(p, endpoint, { secret, redisSecret, proxySecret }),
    'endpoints:remove': async ({ id }) => {
      if (!p.endpoints.has(id)) return { ok: false, errors: [`No endpoint "${id}".`] };
      const saved = await p.endpoints.persist((list) => list.filter((e) => e.id !== id));
      if (!saved.ok) return saved;
      await p.sessions.close(id);
      p.model.removeEndpoint(id);
      p.tray.update();
      return { ok: true };
    },
    'endpoints:test': async ({ endpoint: edited, secret, redisSecret, proxySecret }) => {
      const endpoint = withSecretsRestored(edited, p.endpoints.find(edited.id), p.redactor);
      p.checks.registerConfigSecrets(endpoint);
      const redisRef = endpoint.redisProbe?.credentialRef;
      const proxyRef = endpoint.proxyAuth?.credentialRef;
      // The draft's secrets first, the stored ones for what the form left alone.
      const getSecret = async (ref: string) =>
        (ref === redisRef ? redisSecret : ref === proxyRef ? proxySecret : secret) ??
        (await p.checks.getSecret(ref));
      if (secret) p.redactor.addSecret(secret);
      p.redactor.addSecret(redisSecret);
      p.redactor.addSecret(proxySecret);
      const dialect = dialectOf(endpoint);
      const transport = p.network.forEndpoint(endpoint, getSecret);
      return runConnectionCheck({
        endpoint,
        dialect,
        credentials: p.checks.providerFor(endpoint, getSecret),
        redactor: p.redactor,
        clock: p.clock,
        probeHttp: () => runProbes(endpoint, dialect, p.redactor, { fetch: transport.fetch }),
        transport,
        ...p.checks.redisProbeFor(endpoint, getSecret),
      });
    },
  };
}

/** The secrets typed in the form with an endpoint; each is stored under its own credentialRef. */
interface TypedSecrets {
  secret?: string | undefined;
  redisSecret?: string | undefined;
  proxySecret?: string | undefined;
}

async function saveEndpoint(
  p: CoreParts,
  edited: EndpointConfig,
  { secret, redisSecret, proxySecret }: TypedSecrets,
): Promise<SaveResult> {
  // The edit form saw config secrets redacted: the ones it left alone are kept as stored.
  const endpoint = withSecretsRestored(edited, p.endpoints.find(edited.id), p.redactor);
  p.checks.registerConfigSecrets(endpoint);
  const ref = credentialRefOf(endpoint.auth);
  if (secret && !ref)
    return {
      ok: false,
      errors: ['auth: this endpoint uses no authentication, so no password or token is needed.'],
    };
  const redisRef = endpoint.redisProbe?.credentialRef;
  if (redisSecret && !redisRef)
    return {
      ok: false,
      errors: ['redisProbe: name a credentialRef for the Redis password (or leave it empty).'],
    };
  const proxyRef = endpoint.proxyAuth?.credentialRef;
  if (proxySecret && !proxyRef)
    return {
      ok: false,
      errors: ['proxyAuth: name the proxy user for the proxy password (or leave it empty).'],
    };
  // The first real endpoint replaces the embedded demo, and the demo's live data goes with it.
  const replacesDemo = p.demo.running && endpoint.id !== DEMO_ENDPOINT_ID;
  const saved = await p.endpoints.persist((list) => {
    const kept = replacesDemo ? list.filter((e) => e.id !== DEMO_ENDPOINT_ID) : list;
    return kept.some((e) => e.id === endpoint.id)
      ? kept.map((e) => (e.id === endpoint.id ? endpoint : e))
      : [...kept, endpoint];
  });
  if (!saved.ok) return saved;
  if (secret && ref) await p.credentials.set(ref, secret);
  if (redisSecret && redisRef) await p.credentials.set(redisRef, redisSecret);
  if (proxySecret && proxyRef) await p.credentials.set(proxyRef, proxySecret);
  if (replacesDemo) {
    await p.sessions.close(DEMO_ENDPOINT_ID);
    p.model.removeEndpoint(DEMO_ENDPOINT_ID);
    await p.demo.stop();
  }
  await p.sessions.close(endpoint.id);
  p.sessions.open(endpoint);
  p.tray.update();
  return { ok: true };
}
