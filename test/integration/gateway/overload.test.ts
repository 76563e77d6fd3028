import { afterEach, describe, expect, it } from 'vitest';
import { RedisServer, command } from '../../support/redis-server';
import type { GatewayLogger } from '../../../gateway/src/logger';
import { Fixtures, TEST_API_KEY, TEST_OPERATOR_KEY } from '../../support/gateway-fixtures';
import { scrape } from '../../support/scrape-metrics';
import { connect, http } from '../../support/ws-test-client';

/*
 * Overload is explicit, never silent (issue 23): a burst of publishes far past what a
 * Redis-backed gateway lets wait for storage. Each publish is either accepted (202, with its seq)
 * and then delivered, or refused to its publisher (503 overloaded, Retry-After) and counted in
 * /stats, /metrics and the log with its reason. Nothing is accepted and then dropped.
 */

const fx = new Fixtures();
const servers: RedisServer[] = [];
afterEach(async () => {
  await fx.cleanup();
  for (const s of servers.splice(0)) await s.stop();
});

const admin = { sub: 'admin@lookout.local', role: 'super_admin' } as const;
const BURST = 400;

describe('overload on a Redis-backed gateway', () => {
  it('every accepted event is delivered; every refused one is told, counted and logged with its reason', async () => {
    const redis = await RedisServer.start();
    servers.push(redis);
    const warnings: Array<{ message: string; fields?: Record<string, unknown> }> = [];
    const logger: GatewayLogger = {
      info() {},
      warn: (message, fields) => warnings.push({ message, fields }),
      error: (message, fields) => warnings.push({ message, fields }),
    };
    const { gateway, address } = await fx.gateway({
      redisUrl: redis.url,
      logger,
      limits: { maxPendingAppends: 5 },
    });
    const { access } = await gateway.issueTokens(admin);
    const reader = fx.track(await connect(address.wsUrl, access));
    await reader.subscribe('dashboard');
    // Storage stalls for a second (a failover, a slow disk): the first publishes wait for it, so
    // the burst outruns the 5 that may wait however slowly a loaded machine sends it (without
    // the stall, a Redis as fast as the requests arrived refused none: seen at load 9).
    expect(await command(redis.port, 'CLIENT PAUSE 1000 WRITE')).toBe('+OK\r\n');

    // All at once: far more than 5 can wait for Redis together.
    const answers = await Promise.all(
      Array.from({ length: BURST }, (_, i) =>
        http(
          address.url,
          'POST',
          '/publish',
          { channel: 'dashboard', kind: 'alert', title: `burst ${i}`, body: 'x'.repeat(512) },
          { authorization: `Bearer ${TEST_API_KEY}` },
        ),
      ),
    );
    const accepted = answers.filter((a) => a.status === 202);
    const refused = answers.filter((a) => a.status === 503);
    expect(accepted.length + refused.length).toBe(BURST);
    expect(refused.length).toBeGreaterThan(0);
    expect(accepted.length).toBeGreaterThan(0);
    for (const r of refused) expect(r.body).toMatchObject({ error: 'overloaded' });

    // Every accepted seq reaches the reading client, in order, nothing else in between.
    const seqs = accepted.map((a) => Number(a.body.seq)).sort((x, y) => x - y);
    expect(seqs).toEqual(Array.from({ length: accepted.length }, (_, k) => k + 1));
    await reader.waitFrame((f) => f.type === 'event', accepted.length, 15_000);
    expect(reader.of('event').map((e) => e.seq)).toEqual(seqs);
    expect(reader.of('reset')).toEqual([]);

    // Counted where an operator looks, under the same number as the publishers were told.
    const stats = await http(address.url, 'GET', '/stats', undefined, {
      authorization: `Bearer ${TEST_OPERATOR_KEY}`,
    });
    expect((stats.body.counters as Record<string, number>)['publish.refused.overloaded']).toBe(
      refused.length,
    );
    const metrics = await scrape(address.url);
    expect(metrics.get('lookout_dropped_total{reason="publish_overloaded"}')).toBe(refused.length);
    expect(metrics.get('lookout_events_published_total')).toBe(accepted.length);
    // Logged with the real reason (at most once a second, so a burst is not a log storm).
    const logged = warnings.filter((w) => w.message.startsWith('publish refused'));
    expect(logged.length).toBeGreaterThanOrEqual(1);
    expect(logged.length).toBeLessThanOrEqual(refused.length);
    expect(logged[0]?.fields).toMatchObject({ reason: 'overloaded' });
    expect(String(logged[0]?.fields?.detail)).toMatch(/maxPendingAppends/);
  });
});
