import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../support/wait';
import { Fixtures, TEST_API_KEY } from '../../support/gateway-fixtures';
import { scrape } from '../../support/scrape-metrics';
import { connect, http } from '../../support/ws-test-client';

const fx = new Fixtures();
afterEach(() => fx.cleanup());

const admin = { sub: 'admin@lookout.local', role: 'super_admin' } as const;

describe('GET /metrics (Prometheus)', () => {
  it('needs an operator key, then exposes connections, subscriptions, deliveries, drops, replays and the event loop', async () => {
    const { gateway, address } = await fx.gateway();
    expect((await http(address.url, 'GET', '/metrics')).status).toBe(401);
    expect(
      (await http(address.url, 'GET', '/metrics', undefined, { authorization: 'Bearer nope' }))
        .status,
    ).toBe(401);

    const token = (await gateway.issueTokens(admin)).access;
    await gateway.publish('dashboard', { kind: 'alert', title: 'one' });
    await gateway.publish('dashboard', { kind: 'alert', title: 'two' });
    const a = fx.track(await connect(address.wsUrl, token));
    const b = fx.track(await connect(address.wsUrl, token));
    await a.subscribe('dashboard', 0);
    await b.subscribe('dashboard');
    await b.subscribe('stats');
    await a.waitFrame((f) => f.type === 'event', 2);
    await gateway.publish('dashboard', { kind: 'alert', title: 'three' });
    await b.waitFrame((f) => f.type === 'event');
    await a.waitFrame((f) => f.type === 'event', 3);
    // A publish over HTTP with a wrong key is refused; a bad frame is answered.
    await http(
      address.url,
      'POST',
      '/publish',
      { channel: 'dashboard', kind: 'alert' },
      {
        authorization: 'Bearer wrong',
      },
    );
    expect(
      (
        await http(
          address.url,
          'POST',
          '/publish',
          { channel: 'dashboard', kind: 'alert' },
          {
            authorization: `Bearer ${TEST_API_KEY}`,
          },
        )
      ).status,
    ).toBe(202);

    const m = await scrape(address.url);
    expect(m.get('lookout_connections')).toBe(2);
    expect(m.get('lookout_subscriptions')).toBe(3);
    expect(m.get('lookout_channels')).toBe(2);
    // Two replayed to a, then "three" to both, then the HTTP publish to both.
    expect(m.get('lookout_deliveries_total')).toBe(6);
    expect(m.get('lookout_events_published_total')).toBe(4);
    expect(m.get('lookout_replay_events_count')).toBe(3);
    expect(m.get('lookout_replay_events_sum')).toBe(2);
    for (const reason of [
      'publish_overloaded',
      'publish_storage_unavailable',
      'slow_client_closed',
      'bridge_unreadable',
    ])
      expect(m.get(`lookout_dropped_total{reason="${reason}"}`)).toBe(0);
    expect(m.get('lookout_gateway_counter_total{name="publish.unauthorized"}')).toBe(1);
    expect(m.get('lookout_event_loop_lag_p99_seconds')).toBeGreaterThanOrEqual(0);
    expect(m.has('nodejs_eventloop_lag_p99_seconds')).toBe(true);
    expect(m.get('lookout_storage_up')).toBe(1);
    expect(m.get('lookout_draining')).toBe(0);
    expect(m.get('lookout_fanout_batch_seconds_count')).toBeGreaterThanOrEqual(2);

    // Scraped again: gauges follow the instance, counters only grow.
    a.close();
    await waitFor(async () => (await scrape(address.url)).get('lookout_connections') === 1, {
      what: 'one connection left',
    });
    expect((await scrape(address.url)).get('lookout_deliveries_total')).toBe(6);
  });

  it('can be public for a scraper on a private network; the embedded form serves none', async () => {
    const open = await fx.gateway({ publicMetrics: true });
    const res = await fetch(`${open.address.url}/metrics`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('lookout_connections');

    const embedded = await fx.gateway({ prometheus: false, publicMetrics: true });
    const none = await http(embedded.address.url, 'GET', '/metrics');
    expect(none).toMatchObject({ status: 404, body: { error: 'metrics-disabled' } });
  });
});
