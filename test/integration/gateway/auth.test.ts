import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { LOOKOUT_CLOSE } from '../../../shared/close-codes';
import { Fixtures, TEST_SECRET } from '../../support/gateway-fixtures';
import { connect, http, open } from '../../support/ws-test-client';

const fx = new Fixtures();
afterEach(() => fx.cleanup());

const key = (s: string) => new TextEncoder().encode(s);
const now = () => Math.floor(Date.now() / 1000);

function hs(claims: Record<string, unknown>, { secret = TEST_SECRET, alg = 'HS256' } = {}) {
  return new SignJWT({ role: 'super_admin', typ: 'access', ...claims })
    .setProtectedHeader({ alg })
    .setSubject('admin@lookout.local')
    .setIssuedAt(now() - 10)
    .setExpirationTime(now() + 600)
    .sign(key(secret));
}

function b64(obj: unknown): string {
  return Buffer.from(JSON.stringify(obj)).toString('base64url');
}

describe('auth on the upgrade', () => {
  it('accepts a valid bearer token and greets with hello', async () => {
    const { gateway, address } = await fx.gateway();
    const { access } = await gateway.issueTokens({
      sub: 'admin@lookout.local',
      role: 'super_admin',
    });
    const client = fx.track(await connect(address.wsUrl, access));
    const hello = client.of('hello')[0];
    expect(hello).toMatchObject({
      user: { sub: 'admin@lookout.local', role: 'super_admin' },
      instanceId: gateway.instanceId,
    });
    expect(typeof hello?.serverTime).toBe('number');
  });

  it('accepts the documented query fallback ?token=', async () => {
    const { gateway, address } = await fx.gateway();
    const { access } = await gateway.issueTokens({ sub: 'u1', role: 'user' });
    const result = await open(`${address.wsUrl}?token=${encodeURIComponent(access)}`);
    expect(result.ok).toBe(true);
    if (result.ok) fx.track(result.client);
  });

  it('refuses missing, malformed, expired, alg none, wrong key and wrong alg tokens with 401', async () => {
    const { address } = await fx.gateway();
    const cases: Array<[string, string | undefined]> = [
      ['missing', undefined],
      ['garbage', 'not-a-jwt'],
      [
        'expired',
        await new SignJWT({ role: 'super_admin' })
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject('a')
          .setIssuedAt(now() - 100)
          .setExpirationTime(now() - 50)
          .sign(key(TEST_SECRET)),
      ],
      [
        'alg none',
        `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'a', role: 'super_admin', iat: now(), exp: now() + 600 })}.`,
      ],
      ['wrong key', await hs({}, { secret: 'another-secret-that-is-long-enough-xxxxxx' })],
      ['wrong alg HS512', await hs({}, { alg: 'HS512' })],
      ['refresh token used as access', await hs({ typ: 'refresh' })],
      ['no role', await hs({ role: undefined })],
    ];
    for (const [name, token] of cases) {
      const result = await open(address.wsUrl, { token });
      expect(result.ok, name).toBe(false);
      if (!result.ok) {
        expect(result.status, name).toBe(401);
        expect(JSON.parse(result.body).error, name).toMatch(/^token-/);
      }
    }
  });

  it('refuses an RS256 token when no JWKS is configured, accepts it when one is', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    const token = await new SignJWT({ role: 'support' })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setSubject('ext-user')
      .setIssuer('https://idp.example')
      .setAudience('lookout')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);
    const plain = await fx.gateway();
    const refused = await open(plain.address.wsUrl, { token });
    expect(refused.ok ? 0 : refused.status).toBe(401);
    const withJwks = await fx.gateway({
      jwks: { keys: [jwk] },
      issuer: 'https://idp.example',
      audience: 'lookout',
    });
    const accepted = await open(withJwks.address.wsUrl, { token });
    expect(accepted.ok).toBe(true);
    if (accepted.ok) {
      fx.track(accepted.client);
      expect(accepted.client.of('hello')[0]).toMatchObject({
        user: { sub: 'ext-user', role: 'support' },
      });
    }
  });

  it('closes with 4001 when the token expires mid-session', async () => {
    const { address } = await fx.gateway();
    const token = await new SignJWT({ role: 'super_admin', typ: 'access' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('a')
      .setIssuedAt(now() - 5)
      // Two seconds, not one: a one-second token signed late in a second has expired (whole
      // seconds) before a loaded machine finishes the upgrade, which then answers 401 instead.
      .setExpirationTime(now() + 2)
      .sign(key(TEST_SECRET));
    const client = fx.track(await connect(address.wsUrl, token));
    const closed = await client.waitClose(6_000);
    expect(closed.code).toBe(LOOKOUT_CLOSE.AUTH_EXPIRED);
  });

  it('closes with 4004 when the user is revoked', async () => {
    const { gateway, address } = await fx.gateway();
    const { access } = await gateway.issueTokens({ sub: 'u7', role: 'user' });
    const client = fx.track(await connect(address.wsUrl, access));
    expect(await gateway.revoke('u7')).toBe(1);
    expect((await client.waitClose()).code).toBe(LOOKOUT_CLOSE.TOKEN_REVOKED);
  });
});

describe('login and refresh', () => {
  it('logs a demo user in, refreshes, and the access token opens a socket', async () => {
    const { address } = await fx.gateway({ demo: true, demoTraffic: false });
    const login = await http(address.url, 'POST', '/auth/login', {
      username: 'admin@lookout.local',
      password: 'lookout-demo',
    });
    expect(login.status).toBe(200);
    expect(login.body).toMatchObject({ user: { sub: 'admin@lookout.local', role: 'super_admin' } });
    expect(typeof login.body.access).toBe('string');
    expect(login.body.expiresIn).toBeGreaterThan(0);
    const refreshed = await http(address.url, 'POST', '/auth/refresh', {
      refresh: login.body.refresh,
    });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.user).toEqual({ sub: 'admin@lookout.local', role: 'super_admin' });
    fx.track(await connect(address.wsUrl, String(refreshed.body.access)));
    // The `email` spelling of SimpleJWT-style clients works too.
    const byEmail = await http(address.url, 'POST', '/auth/login', {
      email: 'support@lookout.local',
      password: 'lookout-demo',
    });
    expect(byEmail.body).toMatchObject({ user: { role: 'support' } });
    // An access token is not a refresh token.
    expect(
      (await http(address.url, 'POST', '/auth/refresh', { refresh: login.body.access })).status,
    ).toBe(401);
  });

  it('answers 401 to bad credentials, 400 to malformed bodies, 429 after too many attempts', async () => {
    const { address } = await fx.gateway({ demo: true, demoTraffic: false });
    const bad = await http(address.url, 'POST', '/auth/login', {
      username: 'admin@lookout.local',
      password: 'nope',
    });
    expect(bad).toMatchObject({ status: 401, body: { error: 'bad-credentials' } });
    expect(
      (await http(address.url, 'POST', '/auth/login', { username: 'nobody', password: 'x' }))
        .status,
    ).toBe(401);
    expect((await http(address.url, 'POST', '/auth/login', '{not json')).status).toBe(400);
    expect((await http(address.url, 'POST', '/auth/login', { user: 'x' })).status).toBe(400);
    let limited = 0;
    for (let i = 0; i < 12 && limited === 0; i++) {
      const r = await http(address.url, 'POST', '/auth/login', {
        username: 'nobody',
        password: 'x',
      });
      if (r.status === 429) limited = r.status;
    }
    expect(limited).toBe(429);
  });
});
