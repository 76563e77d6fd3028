import { afterEach, describe, expect, it } from 'vitest';
import { hashPassword, type UserRecord } from '../../../gateway/src';
import { Fixtures } from '../../support/gateway-fixtures';
import { http } from '../../support/ws-test-client';

/**
 * The sign-in limiter: per account (guesses at one account, from however many addresses) and per
 * client address (one address trying many accounts), behind trusted proxies by the address they
 * forward; refreshes in a bucket of their own; bounded memory that a flood cannot wipe.
 */

const fx = new Fixtures();
afterEach(() => fx.cleanup());

const PASSWORD = 'right-password-1';
let hash: string | null = null;
async function users(...names: string[]): Promise<UserRecord[]> {
  hash ??= await hashPassword(PASSWORD);
  return names.map((username) => ({
    username,
    sub: username,
    role: 'support',
    passwordHash: hash!,
  }));
}

const attempt = (base: string, username: string, password: string, from?: string) =>
  http(
    base,
    'POST',
    '/auth/login',
    { username, password },
    from ? { 'x-forwarded-for': from } : {},
  );

describe('sign-in limits', () => {
  it('limits guesses at one account from many addresses, and only that account', async () => {
    const { address } = await fx.gateway({
      users: await users('victim@acme.test', 'other@acme.test'),
      trustedProxies: ['127.0.0.1'],
    });
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++)
      statuses.push(
        (await attempt(address.url, 'victim@acme.test', `guess-${i}`, `203.0.113.${i}`)).status,
      );
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses.slice(10)).toEqual([429, 429]);
    const limited = await attempt(address.url, 'victim@acme.test', PASSWORD, '198.51.100.1');
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ error: 'rate-limited' });
    // Another account, from an address the guesses came from, is not affected.
    expect((await attempt(address.url, 'other@acme.test', PASSWORD, '203.0.113.3')).status).toBe(
      200,
    );
  });

  it('ten typos by one person behind a NAT do not lock out the others behind it', async () => {
    const { address } = await fx.gateway({
      users: await users('typo@acme.test', 'colleague@acme.test'),
    });
    for (let i = 0; i < 10; i++)
      expect((await attempt(address.url, 'typo@acme.test', `typo-${i}`)).status).toBe(401);
    expect((await attempt(address.url, 'typo@acme.test', PASSWORD)).status).toBe(429);
    expect((await attempt(address.url, 'colleague@acme.test', PASSWORD)).status).toBe(200);
  });

  it('limits one address trying many accounts', async () => {
    const { address } = await fx.gateway({ authLimits: { addressBurst: 5 } });
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++)
      statuses.push((await attempt(address.url, `user${i}@acme.test`, 'x')).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
  });

  it('believes X-Forwarded-For only from trusted proxies, walking the chain from the right', async () => {
    const direct = await fx.gateway({ authLimits: { addressBurst: 2 } });
    // Not behind a trusted proxy: a forged header changes nothing, all count for 127.0.0.1.
    const forged = [];
    for (let i = 0; i < 3; i++)
      forged.push((await attempt(direct.address.url, `a${i}`, 'x', `10.0.0.${i}`)).status);
    expect(forged).toEqual([401, 401, 429]);
    const proxied = await fx.gateway({
      authLimits: { addressBurst: 2 },
      trustedProxies: ['127.0.0.0/8', '10.1.0.0/16'],
    });
    // Behind two trusted hops, the first untrusted address from the right is the client.
    const chain = (client: string) => `${client}, 10.1.2.3`;
    const a = [];
    for (let i = 0; i < 3; i++)
      a.push((await attempt(proxied.address.url, `b${i}`, 'x', chain('192.0.2.7'))).status);
    expect(a).toEqual([401, 401, 429]);
    // A client cannot reset its budget by prepending its own entries: the right-most untrusted one counts.
    expect(
      (await attempt(proxied.address.url, 'b9', 'x', `1.2.3.4, ${chain('192.0.2.7')}`)).status,
    ).toBe(429);
    expect((await attempt(proxied.address.url, 'c0', 'x', chain('192.0.2.8'))).status).toBe(401);
  });

  it('gives refreshes their own bucket: sign-in attempts never block a refresh', async () => {
    const { address } = await fx.gateway({
      users: await users('ana@acme.test'),
      authLimits: { addressBurst: 3 },
    });
    const ok = await attempt(address.url, 'ana@acme.test', PASSWORD);
    for (let i = 0; i < 3; i++) await attempt(address.url, `nobody${i}`, 'x');
    expect((await attempt(address.url, 'ana@acme.test', PASSWORD)).status).toBe(429);
    const refreshed = await http(address.url, 'POST', '/auth/refresh', {
      refresh: ok.body.refresh,
    });
    expect(refreshed.status).toBe(200);
  });

  it('keeps a locked account locked through a flood of one-off addresses and names (bounded memory)', async () => {
    const { gateway, address } = await fx.gateway({
      users: await users('victim@acme.test'),
      trustedProxies: ['127.0.0.1'],
      authLimits: { maxTrackedKeys: 50 },
    });
    for (let i = 0; i < 10; i++)
      await attempt(address.url, 'victim@acme.test', `g${i}`, '203.0.113.1');
    expect((await attempt(address.url, 'victim@acme.test', PASSWORD, '203.0.113.2')).status).toBe(
      429,
    );
    // 600 cheap requests, each from a new address with a new name: far more keys than are kept.
    for (let i = 0; i < 600; i += 50)
      await Promise.all(
        Array.from({ length: 50 }, (_, j) =>
          http(address.url, 'POST', '/auth/login', '{"username":', {
            'x-forwarded-for': `198.18.${(i + j) >> 8}.${(i + j) & 255}`,
          }),
        ),
      );
    expect((await attempt(address.url, 'victim@acme.test', PASSWORD, '203.0.113.3')).status).toBe(
      429,
    );
    expect(gateway.gauges().trackedLimiterKeys).toBeLessThanOrEqual(50);
  });
});
