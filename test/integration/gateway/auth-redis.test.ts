import { afterEach, describe, expect, it } from 'vitest';
import { LOOKOUT_CLOSE } from '../../../shared/close-codes';
import { useRedisServer } from '../../support/redis-server';
import { hashPassword, type UserRecord } from '../../../gateway/src';
import { Fixtures, TEST_OPERATOR_KEY } from '../../support/gateway-fixtures';
import { connect, http, open } from '../../support/ws-test-client';

/**
 * Sessions, revocations and sign-in limits live in Redis when the gateway uses it, so every
 * instance behind the balancer honours them: a revocation on one closes the user's sockets on all
 * and refuses their tokens everywhere; a refresh token rotated on one is spent on all; guesses
 * spread over instances share one budget.
 */

const fx = new Fixtures();
const redis = useRedisServer();
afterEach(() => fx.cleanup());

const PASSWORD = 'shared-pass-1';
async function two(names: string[]) {
  const hash = await hashPassword(PASSWORD);
  const users: UserRecord[] = names.map((username) => ({
    username,
    sub: username,
    role: 'support',
    passwordHash: hash,
  }));
  return [
    await fx.gateway({ redisUrl: redis.url, users }),
    await fx.gateway({ redisUrl: redis.url, users }),
  ] as const;
}
const login = (base: string, username: string, password = PASSWORD) =>
  http(base, 'POST', '/auth/login', { username, password });
const refresh = (base: string, token: unknown) =>
  http(base, 'POST', '/auth/refresh', { refresh: token });

describe('auth state shared through Redis', () => {
  it('a revocation on one instance closes the sockets and refuses the tokens on the others', async () => {
    const [a, b] = await two(['rita@acme.test', 'sam@acme.test']);
    const rita = await login(a.address.url, 'rita@acme.test');
    const sam = await login(a.address.url, 'sam@acme.test');
    const onB = fx.track(await connect(b.address.wsUrl, String(rita.body.access)));
    const samOnB = fx.track(await connect(b.address.wsUrl, String(sam.body.access)));
    const res = await http(
      a.address.url,
      'POST',
      '/auth/revoke',
      { sub: 'rita@acme.test' },
      { authorization: `Bearer ${TEST_OPERATOR_KEY}` },
    );
    expect(res.status).toBe(200);
    expect((await onB.waitClose()).code).toBe(LOOKOUT_CLOSE.TOKEN_REVOKED);
    const again = await open(b.address.wsUrl, { token: String(rita.body.access) });
    expect(again.ok ? 101 : again.status).toBe(401);
    expect(await refresh(b.address.url, rita.body.refresh)).toMatchObject({ status: 401 });
    expect(samOnB.closed).toBeNull();
    // An instance that starts after the revocation knows it too.
    const late = await fx.gateway({ redisUrl: redis.url });
    const lateTry = await open(late.address.wsUrl, { token: String(rita.body.access) });
    expect(lateTry.ok ? 101 : lateTry.status).toBe(401);
  });

  it('a refresh token spent on one instance is spent on all; its replay revokes the session everywhere', async () => {
    const [a, b] = await two(['tia@acme.test']);
    const first = await login(a.address.url, 'tia@acme.test');
    const socketOnA = fx.track(await connect(a.address.wsUrl, String(first.body.access)));
    const second = await refresh(b.address.url, first.body.refresh);
    expect(second.status).toBe(200);
    expect(await refresh(a.address.url, first.body.refresh)).toMatchObject({
      status: 401,
      body: { error: 'refresh-reused' },
    });
    expect(await refresh(b.address.url, second.body.refresh)).toMatchObject({
      status: 401,
      body: { error: 'revoked' },
    });
    expect((await socketOnA.waitClose()).code).toBe(LOOKOUT_CLOSE.TOKEN_REVOKED);
  });

  it('guesses spread over instances share one budget per account', async () => {
    const [a, b] = await two(['uma@acme.test']);
    for (let i = 0; i < 5; i++) {
      expect((await login(a.address.url, 'uma@acme.test', `a${i}`)).status).toBe(401);
      expect((await login(b.address.url, 'uma@acme.test', `b${i}`)).status).toBe(401);
    }
    expect((await login(a.address.url, 'uma@acme.test')).status).toBe(429);
    expect((await login(b.address.url, 'uma@acme.test')).status).toBe(429);
  });
});
