import { afterEach, describe, expect, it } from 'vitest';
import { Fixtures, TEST_OPERATOR_KEY } from '../../support/gateway-fixtures';
import { connect, http, open } from '../../support/ws-test-client';
import { rawRequest, requestHead } from '../../support/raw-http';

/**
 * The class behind "every distinct path became a permanent /stats counter": no string a client
 * chooses may become something the gateway keeps. Each input an unauthenticated (or any
 * authenticated) client controls is flooded with distinct values; the counters the gateway keeps
 * and the limiter's memory must stay within fixed bounds.
 */

const fx = new Fixtures();
afterEach(() => fx.cleanup());

const N = 400;
const admin = { sub: 'admin@lookout.local', role: 'super_admin' } as const;
const unique = (prefix: string, i: number) => `${prefix}-${i}-${(i * 2654435761) % 99991}`;

async function inBatches(n: number, fn: (i: number) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < n; i += 25)
    await Promise.all(Array.from({ length: Math.min(25, n - i) }, (_, j) => fn(i + j)));
}

describe('no client-chosen string becomes state the gateway keeps', () => {
  it('floods paths, queries, methods, forwarded addresses, names, origins, tokens, channels and frame types', async () => {
    const { gateway, address } = await fx.gateway({
      trustedProxies: ['127.0.0.1'],
      allowedOrigins: ['https://app.example'],
      authLimits: { maxTrackedKeys: 100 },
      // Every frame must reach the parser here (the rate limit is tested elsewhere).
      limits: { ratePerSecond: 100_000, rateBurst: 100_000 },
    });
    const keysBefore = gateway.metrics.counters.size;
    const port = address.port;
    await inBatches(N, (i) => http(address.url, 'GET', `/${unique('path', i)}`));
    await inBatches(N, (i) => http(address.url, 'GET', `/health?${unique('q', i)}=${i}`));
    await inBatches(N, (i) =>
      rawRequest(
        port,
        requestHead(
          `${['PROPFIND', 'MKCOL', 'PURGE', 'SEARCH'][i % 4]} /${unique('m', i)} HTTP/1.1`,
          ['Host: x', 'Connection: close'],
        ),
      ),
    );
    // Cheap sign-in requests from distinct forwarded addresses (a malformed body costs no hash).
    await inBatches(N, (i) =>
      http(address.url, 'POST', '/auth/login', '{"username":', {
        'x-forwarded-for': `198.18.${i >> 8}.${i & 255}`,
      }),
    );
    // Distinct account names (each costs a hash: fewer of them).
    await inBatches(60, (i) =>
      http(
        address.url,
        'POST',
        '/auth/login',
        { username: unique('user', i), password: 'x' },
        { 'x-forwarded-for': `198.19.0.${i}` },
      ),
    );
    await inBatches(N / 4, (i) =>
      open(address.wsUrl, { headers: { Origin: `https://${unique('o', i)}.example` } }),
    );
    await inBatches(N / 4, (i) => open(address.wsUrl, { token: unique('token', i) }));
    await inBatches(N / 4, (i) =>
      http(address.url, 'GET', '/stats', undefined, { authorization: `Bearer ${unique('k', i)}` }),
    );
    const client = fx.track(
      await connect(address.wsUrl, (await gateway.issueTokens(admin)).access),
    );
    for (let i = 0; i < N; i++) {
      client.send({ type: 'subscribe', channel: unique('chan', i) });
      client.send({ type: unique('type', i) });
      if (i % 20 === 19) await client.waitFrame((f) => f.type === 'error', 2 * (i + 1), 10_000);
    }
    const grown = gateway.metrics.counters.size - keysBefore;
    const keys = [...gateway.metrics.counters.keys()];
    expect(keys.filter((k) => /path-|q-|m-|user-|o-|token-|chan-|type-|198\.1/.test(k))).toEqual(
      [],
    );
    expect(grown).toBeLessThan(40);
    expect(gateway.gauges().trackedLimiterKeys).toBeLessThanOrEqual(100);
    // The JSON of /stats (what an operator downloads) stays small too.
    const stats = await http(address.url, 'GET', '/stats', undefined, {
      authorization: `Bearer ${TEST_OPERATOR_KEY}`,
    });
    expect(JSON.stringify(stats.body).length).toBeLessThan(8_000);
  }, 120_000);
});
