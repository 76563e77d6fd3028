import { describe, expect, it } from 'vitest';
import { authState, type AuthStateInput } from './auth-state';

const base: AuthStateInput = {
  method: 'django-session',
  creds: { kind: 'none-yet' },
  state: 'connecting',
  lastOutcome: null,
  acceptedAt: null,
  signsIn: true,
};

describe('authState (verified, never "a secret is stored")', () => {
  it('needs no sign-in without auth', () => {
    expect(authState({ ...base, method: 'none', state: 'open' }).status).toBe('not-needed');
  });

  it('is unverified until the server said something', () => {
    expect(authState(base)).toMatchObject({ status: 'unverified', at: null });
    expect(
      authState({ ...base, creds: { kind: 'failed', at: 5, detail: 'ECONNREFUSED' } }),
    ).toMatchObject({ status: 'unverified', detail: 'Could not verify the sign-in: ECONNREFUSED' });
  });

  it('is signed in after a login the server accepted, or an upgrade it let through', () => {
    expect(authState({ ...base, creds: { kind: 'ok', at: 5 } })).toMatchObject({
      status: 'signed-in',
      at: 5,
    });
    // A token is only verified by the server letting the connection in.
    expect(
      authState({ ...base, method: 'token', signsIn: false, creds: { kind: 'ok', at: 5 } }).status,
    ).toBe('unverified');
    expect(
      authState({
        ...base,
        method: 'token',
        signsIn: false,
        creds: { kind: 'ok', at: 5 },
        state: 'open',
        acceptedAt: 9,
      }),
    ).toMatchObject({ status: 'signed-in', at: 9 });
  });

  it('tells "refused" from "not signed in"', () => {
    expect(
      authState({
        ...base,
        state: 'auth-required',
        creds: { kind: 'missing', at: 1, detail: 'No password is stored' },
      }),
    ).toMatchObject({ status: 'not-signed-in', detail: 'No password is stored' });
    expect(
      authState({
        ...base,
        state: 'auth-required',
        creds: { kind: 'refused', at: 1, detail: 'Invalid credentials' },
      }),
    ).toMatchObject({ status: 'refused', detail: 'Invalid credentials' });
    // Credentials obtained, but the server refused them on the upgrade even after a renewal.
    expect(
      authState({
        ...base,
        state: 'auth-required',
        creds: { kind: 'ok', at: 1 },
        lastOutcome: { handshakeStatus: 403, meaning: 'not a super admin', action: 'sign-in' },
      }),
    ).toMatchObject({ status: 'refused', detail: 'not a super admin' });
  });
});
