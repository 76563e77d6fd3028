import type { GatewayAuth } from './auth';
import type { HealthMonitor } from '../health';
import type { PendingHeads } from '../http/server-guards';
import type { GatewayMetrics } from '../metrics';
import type { PrometheusExporter } from '../observability/prometheus';
import type { GatewayGauges, PublicStats } from '../options';
import type { Publisher } from '../publisher';
import type { EventLog } from '../storage/event-log';
import type { LiveHub } from './live-hub';
import type { ServingState } from './serving-state';

/** What the figures are read from. */
export interface InstanceStatsSources {
  instanceId: string;
  metrics: GatewayMetrics;
  hub: LiveHub;
  log: EventLog;
  health: HealthMonitor;
  publisher: Publisher;
  auth: GatewayAuth;
  pendingHeads: PendingHeads;
  serving: ServingState;
}

/**
 * This instance's figures, read when asked and never on the delivery path: the public view of
 * `GET /stats`, the resource gauges (operator `/stats`, `Gateway.gauges()`), and the Prometheus
 * exporter of `GET /metrics`, loaded at start unless turned off (the app's embedded gateway never
 * loads prom-client).
 */
export class InstanceStats {
  private exporter: PrometheusExporter | null = null;

  constructor(private readonly from: InstanceStatsSources) {}

  /** `GET /stats` without an operator key: enough for the app's health probe, no counters. */
  publicStats(): PublicStats {
    const { from } = this;
    const storage = from.log.health();
    return {
      instanceId: from.instanceId,
      uptimeSec: from.health.uptimeSec(),
      connections: from.hub.connections,
      subscriptions: from.hub.subscriptions(),
      channels: from.hub.channels,
      storage: { ok: storage.ok, kind: storage.kind },
    };
  }

  /** Resource use right now. */
  gauges(): GatewayGauges {
    const { from } = this;
    const buffers = from.hub.sendBuffers();
    return {
      connections: from.hub.connections,
      pendingConnections: from.pendingHeads.size,
      trackedLimiterKeys: from.auth.state.trackedKeys,
      sendBufferBytes: buffers.total,
      largestSendBufferBytes: buffers.largest,
      pendingAppends: from.publisher.pendingAppends,
    };
  }

  /** The Prometheus exporter once loaded (null in the embedded gateway). */
  get prometheus(): PrometheusExporter | null {
    return this.exporter;
  }

  /** Load the exporter and let it observe the histograms from now on. */
  async startPrometheus(): Promise<void> {
    const { from } = this;
    // Loaded here so the app's embedded gateway (prometheus: false) never loads prom-client.
    const { PrometheusExporter } = await import('../observability/prometheus');
    const exporter = new PrometheusExporter({
      instanceId: from.instanceId,
      metrics: from.metrics,
      connections: () => from.hub.connections,
      subscriptions: () => from.hub.subscriptions(),
      channels: () => from.hub.channels,
      pendingConnections: () => from.pendingHeads.size,
      pendingAppends: () => from.publisher.pendingAppends,
      sendBuffers: () => from.hub.sendBuffers(),
      lagMs: () => from.health.lagMs,
      storageUp: () => from.log.health().ok,
      draining: () => from.serving.draining,
    });
    from.metrics.setObserver((name, value) => exporter.observe(name, value));
    this.exporter = exporter;
  }

  /** Stop feeding the exporter (the instance stopped). */
  stopPrometheus(): void {
    this.from.metrics.setObserver(null);
  }
}
