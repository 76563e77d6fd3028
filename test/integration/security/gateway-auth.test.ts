import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import {
  Fixtures,
  TEST_API_KEY,
  TEST_OPERATOR_KEY,
  TEST_SECRET,
} from '../../support/gateway-fixtures';
import { connect, http, open } from '../../support/ws-test-client';
import { hashPassword, type GatewayLogger } from '../../../gateway/src';

/**
 * Token checks the gateway's own suite leaves out (test/integration/gateway/auth.test.ts covers missing,
 * malformed, expired, alg none, wrong key, HS512, refresh-as-access, no role; channels.test.ts
 * covers another user's channel): not-yet-valid, wrong audience and issuer, claims missing or
 * wrong, RS256 key confusion, and a gateway log that never holds a token, password or API key.
 */

const fx = new Fixtures();
afterEach(() => fx.cleanup());

const key = (s: string) => new TextEncoder().encode(s);
const now = () => Math.floor(Date.now() / 1000);
const AUDIENCE = 'lookout-gateway';
const ISSUER = 'https://auth.lookout.test';

interface Claims {
  [claim: string]: unknown;
}

/** An HS256 access token with the gateway's secret, every standard claim overridable. */
async function token(
  overrides: {
    claims?: Claims;
    nbf?: number;
    aud?: string;
    iss?: string;
    exp?: number | null;
    sub?: string | null;
  } = {},
  secret = TEST_SECRET,
): Promise<string> {
  const jwt = new SignJWT({ role: 'super_admin', typ: 'access', ...overrides.claims })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt(now() - 10);
  if (overrides.sub !== null) jwt.setSubject(overrides.sub ?? 'admin@lookout.local');
  if (overrides.exp !== null) jwt.setExpirationTime(overrides.exp ?? now() + 600);
  if (overrides.nbf !== undefined) jwt.setNotBefore(overrides.nbf);
  jwt.setAudience(overrides.aud ?? AUDIENCE);
  jwt.setIssuer(overrides.iss ?? ISSUER);
  return jwt.sign(key(secret));
}

async function refusal(
  url: string,
  t: string | undefined,
): Promise<{ status: number; error: string }> {
  const result = await open(url, { token: t });
  if (result.ok) {
    fx.track(result.client);
    return { status: 101, error: 'accepted' };
  }
  return { status: result.status, error: (JSON.parse(result.body) as { error: string }).error };
}

describe('gateway token checks beyond the basics', () => {
  it('refuses not-yet-valid, wrong audience or issuer, missing exp/sub, and bad roles with 401', async () => {
    const { address } = await fx.gateway({ audience: AUDIENCE, issuer: ISSUER });
    expect(await refusal(address.wsUrl, await token())).toEqual({ status: 101, error: 'accepted' });
    const cases: Array<[string, string]> = [
      ['not yet valid (nbf in an hour)', await token({ nbf: now() + 3_600 })],
      ['wrong audience', await token({ aud: 'another-service' })],
      ['wrong issuer', await token({ iss: 'https://evil.test' })],
      ['no exp', await token({ exp: null })],
      ['unknown role', await token({ claims: { role: 'root' } })],
      ['role of the wrong type', await token({ claims: { role: ['super_admin'] } })],
      ['empty sub', await token({ sub: '' })],
      ['no sub', await token({ sub: null })],
      [
        'prototype keys in the claims',
        await token({ claims: { __proto__: { role: 'super_admin' }, role: undefined } }),
      ],
    ];
    for (const [name, t] of cases) {
      const r = await refusal(address.wsUrl, t);
      expect(r.status, name).toBe(401);
      expect(r.error, name).toMatch(/^token-/);
    }
    const stats = await http(address.url, 'GET', '/stats', undefined, {
      authorization: `Bearer ${TEST_OPERATOR_KEY}`,
    });
    expect(JSON.stringify(stats)).toMatch(/unauthorized/);
  });

  it('accepts RS256 only from the configured key; refuses another key and HS256 signed with the public key', async () => {
    const trusted = await generateKeyPair('RS256', { extractable: true });
    const stranger = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(trusted.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    const { address } = await fx.gateway({
      jwks: { keys: [jwk] },
      issuer: ISSUER,
      audience: AUDIENCE,
    });
    const rs = (signer: typeof trusted.privateKey) =>
      new SignJWT({ role: 'support' })
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setSubject('ext-user')
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt(now() - 5)
        .setExpirationTime(now() + 600)
        .sign(signer);
    expect((await refusal(address.wsUrl, await rs(trusted.privateKey))).status).toBe(101);
    expect(await refusal(address.wsUrl, await rs(stranger.privateKey))).toEqual({
      status: 401,
      error: 'token-invalid',
    });
    // Key confusion: the public key's bytes used as an HMAC secret.
    const publicPem = JSON.stringify(jwk);
    const confused = await new SignJWT({ role: 'super_admin' })
      .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
      .setSubject('attacker')
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(now())
      .setExpirationTime(now() + 600)
      .sign(key(publicPem));
    expect(await refusal(address.wsUrl, confused)).toEqual({ status: 401, error: 'token-invalid' });
    // Same identity provider, same key, minted for another application (or by another issuer).
    const forOther = (iss: string, aud: string) =>
      new SignJWT({ role: 'super_admin' })
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setSubject('ext-user')
        .setIssuer(iss)
        .setAudience(aud)
        .setIssuedAt(now() - 5)
        .setExpirationTime(now() + 600)
        .sign(trusted.privateKey);
    for (const [iss, aud] of [
      [ISSUER, 'another-app'],
      ['https://other-idp.test', AUDIENCE],
    ] as const)
      expect((await refusal(address.wsUrl, await forOther(iss, aud))).status, `${iss} ${aud}`).toBe(
        401,
      );
  });

  it('refuses to start with a JWKS unless issuer and audience are both set', async () => {
    const { publicKey } = await generateKeyPair('RS256');
    const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256' }] };
    for (const partial of [{}, { issuer: ISSUER }, { audience: AUDIENCE }])
      await expect(fx.gateway({ jwks, ...partial }), JSON.stringify(partial)).rejects.toThrow(
        /issuer and an audience/,
      );
    await expect(
      fx.gateway({ jwksUrl: 'https://idp.invalid/jwks.json', issuer: ISSUER }),
    ).rejects.toThrow(/issuer and an audience/);
  });

  it('never logs a token, a password or an API key, whatever is attempted', async () => {
    const lines: string[] = [];
    const put = (level: string) => (message: string, fields?: Record<string, unknown>) =>
      lines.push(`${level} ${message} ${JSON.stringify(fields ?? {})}`);
    const logger: GatewayLogger = { info: put('info'), warn: put('warn'), error: put('error') };
    const password = 'Logged-Never-Pa55-91b2';
    const { gateway, address } = await fx.gateway({
      logger,
      users: [
        {
          username: 'ops@acme.test',
          sub: 'ops@acme.test',
          role: 'super_admin',
          passwordHash: await hashPassword(password),
        },
      ],
    });
    const login = await http(address.url, 'POST', '/auth/login', {
      username: 'ops@acme.test',
      password,
    });
    expect(login.status).toBe(200);
    const access = login.body.access as string;
    const refresh = login.body.refresh as string;
    const refreshed = await http(address.url, 'POST', '/auth/refresh', { refresh });
    expect(refreshed.status).toBe(200);
    const bad = await token({ nbf: now() + 60 });
    const operator = { authorization: `Bearer ${TEST_OPERATOR_KEY}` };
    const attempts = [
      http(address.url, 'GET', '/stats', undefined, operator),
      http(address.url, 'GET', '/stats', undefined, { authorization: 'Bearer wrong-operator-9' }),
      http(address.url, 'POST', '/auth/revoke', { sub: 'nobody@acme.test' }, operator),
      http(
        address.url,
        'POST',
        '/auth/revoke',
        { sub: 'x' },
        { authorization: 'Bearer wrong-operator-9' },
      ),
      http(address.url, 'POST', '/auth/login', {
        username: 'ops@acme.test',
        password: `${password}x`,
      }),
      http(address.url, 'POST', '/auth/refresh', { refresh: `${refresh}x` }),
      http(address.url, 'POST', '/auth/refresh', { refresh: access }),
      http(
        address.url,
        'POST',
        '/publish',
        { channel: 'dashboard', kind: 'alert', title: 't' },
        {
          authorization: `Bearer ${TEST_API_KEY}`,
        },
      ),
      http(
        address.url,
        'POST',
        '/publish',
        { channel: 'dashboard' },
        { authorization: 'Bearer wrong-api-key-123' },
      ),
      http(address.url, 'POST', '/publish', 'not json', {
        authorization: `Bearer ${TEST_API_KEY}`,
      }),
    ];
    await Promise.all(attempts);
    const client = fx.track(await connect(address.wsUrl, access));
    await client.subscribe('dashboard');
    await open(`${address.wsUrl}?token=${encodeURIComponent(bad)}`);
    await open(address.wsUrl, { token: refresh });
    await open(`${address.wsUrl}?access_token=${encodeURIComponent(access)}x`);
    await gateway.stop();
    expect(lines.length).toBeGreaterThan(0);
    const log = lines.join('\n');
    for (const secret of [
      password,
      access,
      refresh,
      bad,
      TEST_API_KEY,
      TEST_SECRET,
      TEST_OPERATOR_KEY,
      'wrong-api-key-123',
      'wrong-operator-9',
      String(refreshed.body.refresh),
      String(refreshed.body.access),
    ])
      expect(log.includes(secret), `a secret in the gateway log`).toBe(false);
    expect(log).not.toMatch(/eyJ[A-Za-z0-9_-]{8,}\./);
  });
});
