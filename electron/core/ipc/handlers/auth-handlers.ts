import { credentialRefOf } from '../../auth/credential-provider-factory';
import { verifySignIn } from '../../auth/verify-sign-in';
import type { CoreParts } from '../../app/core-parts';
import { dialectOf } from '../../dialects';
import type { InvokeHandlers } from '../ipc-router';

/** Signing in to an endpoint (only a secret the server accepted is stored) and out again. */
export function authHandlers(p: CoreParts): Pick<InvokeHandlers, 'auth:sign-in' | 'auth:sign-out'> {
  return {
    'auth:sign-in': async ({ endpoint: id, secret }) => {
      const endpoint = p.endpoints.get(id);
      const ref = credentialRefOf(endpoint.auth);
      if (!ref) return { ok: false, errors: [`${endpoint.name} needs no sign-in.`] };
      // The real login first: only what the server accepted is stored; a refusal stays in place.
      const verdict = await verifySignIn({
        endpoint,
        dialect: dialectOf(endpoint),
        secret,
        redactor: p.redactor,
        clock: p.clock,
        transport: p.network.forEndpoint(endpoint),
      });
      if (!verdict.ok) {
        p.logger.info('sign-in refused or not verified', { endpoint: id, why: verdict.errors });
        return verdict;
      }
      await p.credentials.set(ref, secret);
      // A fresh session with the provider that just signed in (no second login), none of the old
      // secret's tokens or cookies.
      await p.sessions.close(id);
      p.sessions.open(endpoint, verdict.provider);
      await p.endpoints.announce();
      return { ok: true };
    },
    'auth:sign-out': async ({ endpoint: id }) => {
      const endpoint = p.endpoints.get(id);
      const ref = credentialRefOf(endpoint.auth);
      if (ref) await p.credentials.delete(ref);
      await p.sessions.close(id);
      p.sessions.open(endpoint);
      await p.endpoints.announce();
      return { ok: true };
    },
  };
}
