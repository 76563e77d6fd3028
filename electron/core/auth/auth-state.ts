/** Verified auth, decided purely from how the last credential requests and handshakes went. */
import type { AuthConfig } from '../../../shared/config/endpoint';
import type { AttemptOutcome, ConnectionState } from '../../../shared/model/connection';
import type { AuthState } from '../../../shared/model/health';
import type { CredentialsResult } from './tracked-credentials';

export interface AuthStateInput {
  method: AuthConfig['method'];
  creds: CredentialsResult;
  state: ConnectionState;
  lastOutcome: AttemptOutcome | null;
  /** When the socket last opened with these credentials (the server accepted them), or null. */
  acceptedAt: number | null;
  /** Whether the provider signs in with a password (its `ok` is a login the server accepted). */
  signsIn: boolean;
}

/**
 * The verified auth facet, pure: `signed-in` only after the server accepted the credentials (the
 * upgrade opened, or a password login succeeded); `refused` only when the server refused them;
 * `not-signed-in` when nothing is stored; otherwise `unverified`, never "signed in" because a
 * secret happens to be stored.
 */
export function authState(input: AuthStateInput): AuthState {
  const { creds } = input;
  if (input.method === 'none')
    return { status: 'not-needed', detail: 'This endpoint needs no sign-in.', at: null };
  if (input.state === 'auth-required') {
    if (creds.kind === 'missing')
      return { status: 'not-signed-in', detail: creds.detail, at: creds.at };
    return {
      status: 'refused',
      detail:
        creds.kind === 'refused'
          ? creds.detail
          : (input.lastOutcome?.meaning ?? 'The server refused the credentials.'),
      at: creds.kind === 'none-yet' ? null : creds.at,
    };
  }
  if (creds.kind === 'refused') return { status: 'refused', detail: creds.detail, at: creds.at };
  if (creds.kind === 'missing')
    return { status: 'not-signed-in', detail: creds.detail, at: creds.at };
  if (creds.kind === 'ok' && input.acceptedAt !== null) {
    return {
      status: 'signed-in',
      detail: 'The server accepted the connection with these credentials.',
      at: input.acceptedAt,
    };
  }
  if (creds.kind === 'ok' && input.signsIn) {
    return { status: 'signed-in', detail: 'The sign-in succeeded; connecting.', at: creds.at };
  }
  if (creds.kind === 'failed') {
    return {
      status: 'unverified',
      detail: `Could not verify the sign-in: ${creds.detail}`,
      at: creds.at,
    };
  }
  return {
    status: 'unverified',
    detail: 'A secret is stored but the server has not accepted it yet.',
    at: null,
  };
}
