import { CredentialsError } from '../../kernel/ports';
import { errorText, type CheckStepRunner } from './check-step';

/**
 * Whether the server accepted our credentials: no credentials at all, a refusal of them on the
 * upgrade (with the Origin we sent, the usual suspect), or in. `stopAfterAuth` ends the check here.
 */
export const authStep = {
  id: 'auth',
  async run(ctx) {
    if (!ctx.credentials) {
      const error = ctx.credentialsError;
      const userMustAct = error instanceof CredentialsError;
      return {
        status: 'failed',
        detail: userMustAct ? error.message : `Could not get credentials: ${errorText(error)}`,
        advice: userMustAct
          ? 'Sign in from Settings → Endpoints.'
          : 'Check that the login service is reachable.',
      };
    }
    if (ctx.refusal) {
      const origin = ctx.sent?.origin;
      return {
        status: 'failed',
        detail: ctx.refusal.meaning,
        advice: origin
          ? `Lookout sent Origin: ${origin}. Sign in again, or check the account\u2019s rights and the Origin header in Settings → Endpoints.`
          : 'Sign in again, or check the account\u2019s rights and the Origin header in Settings → Endpoints.',
      };
    }
    const { token, cookie } = ctx.credentials;
    return {
      status: 'ok',
      detail:
        token || cookie
          ? 'The server accepted our credentials.'
          : 'This endpoint needs no credentials, and the server let us in.',
      ...(ctx.options.stopAfterAuth
        ? { haltReason: 'Not run: only the sign-in was checked.' }
        : {}),
    };
  },
} satisfies CheckStepRunner;
