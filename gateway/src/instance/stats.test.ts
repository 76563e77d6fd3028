import { describe, expect, it } from 'vitest';
import { GatewayMetrics } from '../metrics';
import { InstanceStats, type InstanceStatsSources } from './stats';
import { ServingState } from './serving-state';

/** Sources with known figures: each one appears under its own name, nothing is made up. */
function sources(): InstanceStatsSources {
  return {
    instanceId: 'gw-stats',
    metrics: new GatewayMetrics(),
    hub: {
      connections: 7,
      channels: 3,
      subscriptions: () => 11,
      sendBuffers: () => ({ total: 4096, largest: 1024 }),
    },
    log: { health: () => ({ ok: false, kind: 'redis', reason: 'no answer' }) },
    health: { uptimeSec: () => 42, lagMs: 5 },
    publisher: { pendingAppends: 2 },
    auth: { state: { trackedKeys: 9 } },
    pendingHeads: { size: 4 },
    serving: new ServingState(() => 7, 10),
  } as unknown as InstanceStatsSources;
}

describe('InstanceStats', () => {
  it('the public view: enough for the app’s probe, storage without its reason', () => {
    expect(new InstanceStats(sources()).publicStats()).toEqual({
      instanceId: 'gw-stats',
      uptimeSec: 42,
      connections: 7,
      subscriptions: 11,
      channels: 3,
      storage: { ok: false, kind: 'redis' },
    });
  });

  it('the gauges: each resource read from the piece that holds it', () => {
    expect(new InstanceStats(sources()).gauges()).toEqual({
      connections: 7,
      pendingConnections: 4,
      trackedLimiterKeys: 9,
      sendBufferBytes: 4096,
      largestSendBufferBytes: 1024,
      pendingAppends: 2,
    });
  });

  it('no Prometheus exporter until started (the embedded gateway never loads prom-client)', () => {
    expect(new InstanceStats(sources()).prometheus).toBeNull();
  });

  it('the Prometheus exporter reads the same sources when scraped, and stops being fed at stop', async () => {
    const from = sources();
    const stats = new InstanceStats(from);
    await stats.startPrometheus();
    from.serving.draining = true;
    const text = await stats.prometheus?.registry.metrics();
    expect(text).toMatch(/^lookout_connections\S* 7$/m);
    expect(text).toMatch(/^lookout_pending_connections\S* 4$/m);
    expect(text).toMatch(/^lookout_storage_up\S* 0$/m);
    expect(text).toMatch(/^lookout_draining\S* 1$/m);
    const observed: string[] = [];
    from.metrics.setObserver((name) => observed.push(name));
    stats.stopPrometheus();
    from.metrics.observe('fanout.seconds', 0.001);
    expect(observed).toEqual([]);
  });
});
