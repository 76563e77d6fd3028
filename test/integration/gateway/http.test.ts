import { afterEach, describe, expect, it } from 'vitest';
import { Fixtures, TEST_API_KEY, TEST_OPERATOR_KEY } from '../../support/gateway-fixtures';
import { GatewayMetrics } from '../../../gateway/src/metrics';
import { connect, http } from '../../support/ws-test-client';

const fx = new Fixtures();
afterEach(() => fx.cleanup());
const admin = { sub: 'admin@lookout.local', role: 'super_admin' } as const;
const auth = { authorization: `Bearer ${TEST_API_KEY}` };
const operator = { authorization: `Bearer ${TEST_OPERATOR_KEY}` };

describe('HTTP endpoints', () => {
  it('POST /publish needs the API key, validates, stores and fans out', async () => {
    const { gateway, address } = await fx.gateway();
    const c = fx.track(await connect(address.wsUrl, (await gateway.issueTokens(admin)).access));
    await c.subscribe('dashboard');
    const event = {
      channel: 'dashboard',
      kind: 'alert',
      severity: 'critical',
      title: 'Disk full',
      body: 'db-1',
    };
    expect((await http(address.url, 'POST', '/publish', event)).status).toBe(401);
    expect(
      (await http(address.url, 'POST', '/publish', event, { authorization: 'Bearer wrong' }))
        .status,
    ).toBe(401);
    const ok = await http(address.url, 'POST', '/publish', event, auth);
    expect(ok).toMatchObject({
      status: 202,
      body: { channel: 'dashboard', seq: 1, id: 'dashboard:1' },
    });
    const batch = await http(
      address.url,
      'POST',
      '/publish',
      { events: [event, { ...event, title: 'Disk ok', severity: 'info' }] },
      { 'x-api-key': TEST_API_KEY },
    );
    expect(batch.body).toMatchObject({ events: [{ seq: 2 }, { seq: 3 }] });
    await c.waitFrame((f) => f.type === 'event', 3);
    expect(c.of('event')[0]).toMatchObject({
      kind: 'alert',
      severity: 'critical',
      title: 'Disk full',
    });
    for (const bad of [
      { ...event, channel: 'nope' },
      { ...event, kind: 'explode' },
      { channel: 'stats' },
      '[1]',
      'not json',
    ]) {
      const r = await http(address.url, 'POST', '/publish', bad, auth);
      expect(r.status, JSON.stringify(bad)).toBe(400);
      expect(typeof r.body.error).toBe('string');
    }
  });

  it('GET /health reports storage and event loop; GET /stats counts connections and rejections', async () => {
    const { gateway, address } = await fx.gateway();
    const health = await http(address.url, 'GET', '/health');
    expect(health).toMatchObject({
      status: 200,
      body: {
        status: 'ok',
        checks: { storage: { ok: true, kind: 'memory' }, eventLoop: { ok: true } },
      },
    });
    const c = fx.track(await connect(address.wsUrl, (await gateway.issueTokens(admin)).access));
    await c.subscribe('stats');
    await c.subscribe('dashboard');
    c.send('garbage');
    await c.waitFrame((f) => f.type === 'error');
    await gateway.publish('stats', { kind: 'stats.update', data: {} });
    const stats = await http(address.url, 'GET', '/stats', undefined, operator);
    expect(stats.status).toBe(200);
    expect(stats.body).toMatchObject({
      connections: 1,
      subscriptions: 2,
      channels: 2,
      storage: { ok: true },
    });
    expect((stats.body.counters as Record<string, number>)['badFrames.bad-json']).toBe(1);
    expect((stats.body.rates as Record<string, number>).eventsIn).toBeGreaterThan(0);
    expect((await http(address.url, 'GET', '/nope')).status).toBe(404);
  });

  it('counts requests per known route only: 2,000 distinct unknown paths add one counter, not 2,000', async () => {
    const { gateway, address } = await fx.gateway();
    const before = gateway.metrics.counters.size;
    for (let i = 0; i < 2_000; i += 50)
      await Promise.all(
        Array.from({ length: 50 }, (_, j) =>
          http(address.url, 'GET', `/probe-${i + j}?x=${i + j}`).then((r) =>
            expect(r.status).toBe(404),
          ),
        ),
      );
    await http(address.url, 'GET', '/health');
    const keys = [...gateway.metrics.counters.keys()];
    expect(keys.filter((k) => k.includes('probe'))).toEqual([]);
    expect(gateway.metrics.counters.get('http.notFound')).toBe(2_000);
    expect(gateway.metrics.counters.get('http.GET /health')).toBe(1);
    expect(gateway.metrics.counters.size - before).toBeLessThanOrEqual(2);
  });

  it('caps distinct counter names, counting what it had to drop', () => {
    const metrics = new GatewayMetrics(3);
    for (const name of ['a', 'b', 'c', 'd', 'e']) metrics.count(name);
    metrics.count('a', 2);
    expect(metrics.snapshot()).toEqual({ a: 3, b: 1, c: 1, 'metrics.droppedKeys': 2 });
  });

  it('GET /stats without a key is a short public view; counters need an operator key', async () => {
    const { gateway, address } = await fx.gateway();
    const c = fx.track(await connect(address.wsUrl, (await gateway.issueTokens(admin)).access));
    await c.subscribe('stats');
    const open = await http(address.url, 'GET', '/stats');
    expect(open.status).toBe(200);
    expect(open.body).toEqual({
      instanceId: gateway.instanceId,
      uptimeSec: expect.any(Number),
      connections: 1,
      subscriptions: 1,
      channels: 1,
      storage: { ok: true, kind: 'memory' },
    });
    const full = await http(address.url, 'GET', '/stats', undefined, operator);
    expect(full.body).toMatchObject({ counters: expect.any(Object), limits: expect.any(Object) });
    expect(full.body.gauges).toMatchObject({ connections: 1, sendBufferBytes: expect.any(Number) });
    // Any other key (a publisher's, a wrong one) is refused rather than silently downgraded.
    for (const key of [TEST_API_KEY, 'wrong'])
      expect(
        await http(address.url, 'GET', '/stats', undefined, { authorization: `Bearer ${key}` }),
      ).toMatchObject({ status: 401, body: { error: 'bad-operator-key' } });
  });
});
