import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DJANGO_ADMIN, type DjangoDouble, startDjangoDouble } from '../../peers/django-double';
import { freePort } from '../../support/free-port';
import { CredentialsError, systemClock } from '../../../electron/core/kernel/ports';
import { createCredentialProvider } from '../../../electron/core/auth/credential-provider-factory';
import { DjangoSessionProvider } from '../../../electron/core/auth/django-session-provider';
import { PasswordJwtProvider } from '../../../electron/core/auth/password-jwt-provider';
import { StaticTokenProvider } from '../../../electron/core/auth/static-token-provider';
import { verifySignIn } from '../../../electron/core/auth/verify-sign-in';
import { endpointSchema } from '../../../shared/config/endpoint';
import { Redactor } from '../../../electron/core/kernel/redact';
import { DIALECTS } from '../../../electron/core/dialects';
import { WsTestServer } from '../../support/ws-test-server';

let double: DjangoDouble;
const secrets: Record<string, string> = {
  admin: DJANGO_ADMIN.password,
  wrong: 'not-the-password',
  api: 'tok-123',
};
const getSecret = async (ref: string) => secrets[ref];

beforeAll(async () => {
  double = await startDjangoDouble({ accessLifetimeS: 30 });
});
afterAll(async () => {
  await double.stop();
});

const jwtOptions = (credentialRef = 'admin') => ({
  loginUrl: `${double.apiUrl}/api/auth/login/`,
  refreshUrl: `${double.apiUrl}/api/auth/refresh/`,
  username: DJANGO_ADMIN.email,
  credentialRef,
  getSecret,
});

describe('StaticTokenProvider', () => {
  it('reads the token each time and asks for one when missing', async () => {
    expect(
      await new StaticTokenProvider('api', getSecret).getCredentials({ forceRefresh: false }),
    ).toEqual({
      token: 'tok-123',
    });
    await expect(
      new StaticTokenProvider('none', getSecret).getCredentials({ forceRefresh: false }),
    ).rejects.toThrow(CredentialsError);
  });
});

describe('PasswordJwtProvider against the django double', () => {
  it('signs in with email and password and reuses the access token', async () => {
    const p = new PasswordJwtProvider({ ...jwtOptions(), refreshMarginMs: 1_000 });
    const first = await p.getCredentials({ forceRefresh: false });
    expect(decodeJwt(first.token ?? '')).toMatchObject({
      user_id: DJANGO_ADMIN.id,
      token_type: 'access',
    });
    expect((await p.getCredentials({ forceRefresh: false })).token).toBe(first.token);
  });

  it('refreshes on forceRefresh and when exp is near', async () => {
    let now = Date.now();
    const p = new PasswordJwtProvider({ ...jwtOptions(), now: () => now, refreshMarginMs: 5_000 });
    const first = (await p.getCredentials({ forceRefresh: false })).token;
    const forced = (await p.getCredentials({ forceRefresh: true })).token;
    expect(forced).not.toBe(first);
    now += 29_000; // access lives 30 s: within the margin now
    const near = (await p.getCredentials({ forceRefresh: false })).token;
    expect(near).not.toBe(forced);
    expect(decodeJwt(near ?? '').token_type).toBe('access');
  });

  it('turns a wrong password into a CredentialsError that says what to do', async () => {
    const p = new PasswordJwtProvider(jwtOptions('wrong'));
    const error = await p.getCredentials({ forceRefresh: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CredentialsError);
    expect((error as Error).message).toMatch(/check the email and password/);
    expect((error as Error).message).not.toContain(secrets.wrong);
  });

  it('reports an unreachable server as a plain error (the engine backs off)', async () => {
    const port = await freePort();
    const p = new PasswordJwtProvider({
      ...jwtOptions(),
      loginUrl: `http://localhost:${port}/api/auth/login/`,
    });
    const error = await p.getCredentials({ forceRefresh: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(CredentialsError);
  });
});

describe('DjangoSessionProvider against the django double', () => {
  it('gets a sessionid through the admin login form with CSRF', async () => {
    const p = new DjangoSessionProvider({
      loginUrl: `${double.apiUrl}/admin/login/`,
      username: DJANGO_ADMIN.email,
      credentialRef: 'admin',
      getSecret,
    });
    const { cookie } = await p.getCredentials({ forceRefresh: false });
    expect(cookie).toMatch(/^sessionid=[0-9a-f]{32}$/);
    expect((await p.getCredentials({ forceRefresh: false })).cookie).toBe(cookie);
    expect((await p.getCredentials({ forceRefresh: true })).cookie).not.toBe(cookie);
  });

  it('says what to do on a wrong password', async () => {
    const p = createCredentialProvider(
      {
        method: 'django-session',
        username: DJANGO_ADMIN.email,
        credentialRef: 'wrong',
        loginUrl: `${double.apiUrl}/admin/login/`,
      },
      getSecret,
    );
    await expect(p.getCredentials({ forceRefresh: false })).rejects.toThrow(
      /check the email and password/,
    );
    await expect(p.getCredentials({ forceRefresh: false })).rejects.toBeInstanceOf(
      CredentialsError,
    );
  });

  it('explains a login URL on 127.0.0.1 (read as a tenant host, 404)', async () => {
    const p = new DjangoSessionProvider({
      loginUrl: `${double.httpUrl}/admin/login/`,
      username: DJANGO_ADMIN.email,
      credentialRef: 'admin',
      getSecret,
    });
    await expect(p.getCredentials({ forceRefresh: false })).rejects.toThrow(/use localhost/);
  });
});

describe('DjangoSessionProvider checks its session before using it again', () => {
  it('reuses a live session, and signs in again when the server deleted it', async () => {
    const p = new DjangoSessionProvider({
      loginUrl: `${double.apiUrl}/admin/login/`,
      username: DJANGO_ADMIN.email,
      credentialRef: 'admin',
      getSecret,
    });
    expect(await p.checkSession()).toMatchObject({ status: 'unknown' });
    const first = (await p.getCredentials({ forceRefresh: false })).cookie;
    expect(await p.checkSession()).toMatchObject({ status: 'live' });
    const logins = double.logins;
    expect((await p.getCredentials({ forceRefresh: false })).cookie).toBe(first);
    expect(double.logins).toBe(logins);
    double.expireSessions();
    expect(await p.checkSession()).toMatchObject({ status: 'dead' });
    const renewed = (await p.getCredentials({ forceRefresh: false })).cookie;
    expect(renewed).not.toBe(first);
    expect(double.logins).toBe(logins + 1);
  });
});

describe('verifySignIn (the sign-in dialog: the real login before anything is stored)', () => {
  const redactor = new Redactor();
  const endpoint = (auth: Record<string, unknown>, url = double.url) =>
    endpointSchema.parse({ id: 'e', name: 'E', dialect: 'django-channels', url, auth });
  const session = () => ({
    method: 'django-session',
    username: DJANGO_ADMIN.email,
    credentialRef: 'x',
    loginUrl: `${double.apiUrl}/admin/login/`,
  });

  it('accepts a good password with a provider that already holds the session', async () => {
    const logins = double.logins;
    const verdict = await verifySignIn({
      endpoint: endpoint(session()),
      dialect: DIALECTS['django-channels'],
      secret: DJANGO_ADMIN.password,
      redactor,
      clock: systemClock,
    });
    expect(verdict.ok).toBe(true);
    if (!verdict.ok) return;
    expect(double.logins).toBe(logins + 1);
    await verdict.provider.getCredentials({ forceRefresh: false });
    expect(double.logins).toBe(logins + 1);
  });

  it("refuses a wrong password in the server's words, and an unreachable server as unreachable", async () => {
    const jwt = {
      method: 'password-jwt',
      username: DJANGO_ADMIN.email,
      credentialRef: 'x',
      loginUrl: `${double.apiUrl}/api/auth/login/`,
    };
    expect(
      await verifySignIn({
        endpoint: endpoint(jwt),
        dialect: DIALECTS['django-channels'],
        secret: 'wrong-one',
        redactor,
        clock: systemClock,
      }),
    ).toEqual({
      ok: false,
      errors: [expect.stringMatching(/was refused \(HTTP 401: Invalid credentials\)/)],
    });
    const port = await freePort();
    const down = await verifySignIn({
      endpoint: endpoint({ ...session(), loginUrl: `http://localhost:${port}/admin/login/` }),
      dialect: DIALECTS['django-channels'],
      secret: 'whatever-secret',
      redactor,
      clock: systemClock,
    });
    expect(down.ok).toBe(false);
    if (down.ok) return;
    expect(down.errors[0]).toMatch(/^Could not reach the sign-in service/);
    expect(down.errors[0]).toMatch(/Nothing was stored/);
    expect(down.errors[0]).not.toContain('whatever-secret');
  });

  it('checks a token on the upgrade, and has nothing to do without auth', async () => {
    const server = await new WsTestServer({
      onUpgrade: (req) =>
        req.headers.authorization === 'Bearer good-token' ? { accept: true } : { status: 401 },
    }).start();
    try {
      const tokenEndpoint = endpointSchema.parse({
        id: 't',
        name: 'T',
        dialect: 'lookout',
        url: server.url,
        auth: { method: 'token', credentialRef: 't' },
      });
      const dialect = DIALECTS.lookout;
      expect(
        (
          await verifySignIn({
            endpoint: tokenEndpoint,
            dialect,
            secret: 'good-token',
            redactor,
            clock: systemClock,
          })
        ).ok,
      ).toBe(true);
      const bad = await verifySignIn({
        endpoint: tokenEndpoint,
        dialect,
        secret: 'bad-token',
        redactor,
        clock: systemClock,
      });
      expect(bad).toEqual({
        ok: false,
        errors: [expect.stringMatching(/^The server refused the token: /)],
      });
    } finally {
      await server.stop();
    }
    const none = await verifySignIn({
      endpoint: endpoint({ method: 'none' }),
      dialect: DIALECTS['django-channels'],
      secret: 'x',
      redactor,
      clock: systemClock,
    });
    expect(none).toEqual({ ok: false, errors: [expect.stringMatching(/uses no authentication/)] });
  });
});
