/** The sign-in dialog's check: the real login runs first, and only a secret the server accepted is kept. */
import type { EndpointConfig } from '../../../shared/config/endpoint';
import { type Clock, type CredentialProvider, CredentialsError } from '../kernel/ports';
import { runConnectionCheck } from '../diagnostics/connection-check';
import type { Redactor } from '../kernel/redact';
import type { Dialect } from '../dialects/dialect';
import { createCredentialProvider } from './credential-provider-factory';
import type { FetchLike } from './secrets';
import type { EndpointTransport } from '../transport/network';

export type SignInVerdict =
  /** The server accepted the secret; `provider` already holds the session or token it issued. */
  { ok: true; provider: CredentialProvider } | { ok: false; errors: string[] };

/**
 * The sign-in dialog's real check, before anything is stored: a password is exchanged at the
 * login endpoint (the django admin form, or the JWT login), and a token is presented on an
 * upgrade. A refusal comes back in the server's words; an unreachable server is said to be
 * unreachable, never taken as a refusal, and nothing is stored in either case.
 */
export async function verifySignIn(input: {
  endpoint: EndpointConfig;
  dialect: Dialect;
  secret: string;
  redactor: Redactor;
  /** The core's clock: the token check's timeouts run on it. */
  clock: Clock;
  fetch?: FetchLike;
  /** The endpoint's route and trust (its fetch is used when `fetch` is absent). */
  transport?: EndpointTransport;
  /** Per network step of a token check (default 5 s). */
  stepTimeoutMs?: number;
}): Promise<SignInVerdict> {
  const { endpoint, secret, redactor } = input;
  const auth = endpoint.auth;
  redactor.addSecret(secret);
  if (auth.method === 'none') {
    return {
      ok: false,
      errors: [`${endpoint.name} uses no authentication, so there is nothing to sign in to.`],
    };
  }
  const provider = createCredentialProvider(
    auth,
    async () => secret,
    input.fetch ?? input.transport?.fetch,
  );
  if (auth.method === 'token') {
    const report = await runConnectionCheck({
      endpoint,
      dialect: input.dialect,
      credentials: provider,
      redactor,
      clock: input.clock,
      stopAfterAuth: true,
      ...(input.transport ? { transport: input.transport } : {}),
      ...(input.stepTimeoutMs ? { stepTimeoutMs: input.stepTimeoutMs } : {}),
    });
    if (report.ok) return { ok: true, provider };
    const failed = report.steps.find((s) => s.status === 'failed');
    return {
      ok: false,
      errors: [
        failed?.id === 'auth'
          ? `The server refused the token: ${failed.detail}`
          : `Could not check the token (${failed?.detail ?? report.summary}). Nothing was stored: try again when the server answers.`,
      ],
    };
  }
  try {
    await provider.getCredentials({ forceRefresh: true });
    return { ok: true, provider };
  } catch (error) {
    const message = redactor.text(error instanceof Error ? error.message : String(error));
    if (error instanceof CredentialsError) return { ok: false, errors: [message] };
    return {
      ok: false,
      errors: [
        `Could not reach the sign-in service to check the password (${message}). Nothing was stored: try again when ${new URL(auth.loginUrl).host} answers.`,
      ],
    };
  }
}
