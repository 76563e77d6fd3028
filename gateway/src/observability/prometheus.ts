import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { GatewayMetrics } from '../metrics';

/** What the exporter reads at each scrape (never on the delivery path). */
export interface PrometheusSource {
  instanceId: string;
  metrics: GatewayMetrics;
  connections(): number;
  subscriptions(): number;
  channels(): number;
  pendingConnections(): number;
  pendingAppends(): number;
  sendBuffers(): { total: number; largest: number };
  lagMs(): number;
  storageUp(): boolean;
  draining(): boolean;
}

/**
 * Counters of `/stats` that are exported under their own Prometheus name: [stats prefix, metric,
 * help, label name, label value from the counter name's rest]. Everything else is also exported,
 * generically, as `lookout_gateway_counter_total{name}` (names come from fixed sets, so the label
 * stays bounded).
 */
const DROP_REASONS: ReadonlyArray<[prefix: string, reason: string]> = [
  ['publish.refused.overloaded', 'publish_overloaded'],
  ['publish.refused.storage-unavailable', 'publish_storage_unavailable'],
  ['bridge.dropped.', 'bridge_unreadable'],
  ['bridge.publishFailures.', 'bridge_refused'],
  ['limits.slowClient', 'slow_client_closed'],
  ['delivery.overflowed', 'catch_up_buffer_full'],
];

/**
 * `GET /metrics`: Prometheus text from prom-client, one registry per gateway (several gateways may
 * share a process in tests). Gauges and counters are read from the gateway when scraped; only the
 * histograms (replay sizes, Redis latency, fan-out batches) are observed as things happen.
 */
export class PrometheusExporter {
  readonly registry = new Registry();
  private readonly histograms: Map<string, Histogram<string>>;

  constructor(private readonly source: PrometheusSource) {
    const registers = [this.registry];
    this.registry.setDefaultLabels({ instance_id: source.instanceId });
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 20 });
    const gauge = (name: string, help: string, read: () => number) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(read());
        },
      });
    gauge('lookout_connections', 'Open client WebSockets on this instance.', source.connections);
    gauge(
      'lookout_subscriptions',
      'Channel subscriptions held by open sockets.',
      source.subscriptions,
    );
    gauge('lookout_channels', 'Distinct channels with a local subscriber.', source.channels);
    gauge(
      'lookout_pending_connections',
      'TCP connections whose request head is still arriving.',
      source.pendingConnections,
    );
    gauge('lookout_pending_appends', 'Publishes waiting for storage.', source.pendingAppends);
    gauge(
      'lookout_send_buffer_bytes',
      'Bytes queued for clients and not yet taken by them.',
      () => source.sendBuffers().total,
    );
    gauge(
      'lookout_largest_send_buffer_bytes',
      'The largest single send queue.',
      () => source.sendBuffers().largest,
    );
    gauge(
      'lookout_event_loop_lag_p99_seconds',
      'Event-loop lag p99 over the last 2 s (the figure /readyz uses).',
      () => source.lagMs() / 1000,
    );
    gauge('lookout_storage_up', '1 while storage (Redis) answers.', () =>
      source.storageUp() ? 1 : 0,
    );
    gauge('lookout_draining', '1 while the instance drains.', () => (source.draining() ? 1 : 0));

    const counters = () => source.metrics.counters;
    const counter = (
      name: string,
      help: string,
      labelNames: string[],
      fill: (inc: (labels: Record<string, string>, v: number) => void) => void,
    ) =>
      new Counter({
        name,
        help,
        labelNames,
        registers,
        collect() {
          this.reset();
          fill((labels, v) => this.inc(labels, v));
        },
      });
    const single = (name: string, help: string, key: string) =>
      counter(name, help, [], (inc) => inc({}, counters().get(key) ?? 0));
    single('lookout_deliveries_total', 'Event frames written to client sockets.', 'deliveries');
    single('lookout_events_published_total', 'Events stored (all sources).', 'eventsIn');
    single(
      'lookout_slow_client_closes_total',
      'Clients closed with 4014 for not reading (over their send budget or stalled in a replay).',
      'limits.slowClient',
    );
    single('lookout_connections_accepted_total', 'WebSockets accepted.', 'connections.accepted');
    counter(
      'lookout_dropped_total',
      'Things not delivered or not stored, by reason (each also told to its sender or client).',
      ['reason'],
      (inc) => {
        const sums = new Map<string, number>();
        for (const [name, value] of counters())
          for (const [prefix, reason] of DROP_REASONS)
            if (name === prefix || (prefix.endsWith('.') && name.startsWith(prefix)))
              sums.set(reason, (sums.get(reason) ?? 0) + value);
        for (const [, reason] of DROP_REASONS) inc({ reason }, sums.get(reason) ?? 0);
      },
    );
    counter(
      'lookout_closes_total',
      'Sockets closed by the gateway, by close code.',
      ['code'],
      (inc) => {
        for (const [name, value] of counters())
          if (name.startsWith('close.')) inc({ code: name.slice('close.'.length) }, value);
      },
    );
    counter(
      'lookout_handshake_refusals_total',
      'Upgrades refused, by reason.',
      ['reason'],
      (inc) => {
        for (const [name, value] of counters())
          if (name.startsWith('handshake.') && name !== 'handshake.socketErrors')
            inc({ reason: name.slice('handshake.'.length) }, value);
      },
    );
    counter(
      'lookout_gateway_counter_total',
      'Every counter of GET /stats, by its name there (docs/protocol.md §8).',
      ['name'],
      (inc) => {
        for (const [name, value] of counters()) inc({ name }, value);
      },
    );

    const histogram = (name: string, help: string, buckets: number[]) =>
      new Histogram({ name, help, buckets, registers });
    this.histograms = new Map([
      [
        'replay.events',
        histogram(
          'lookout_replay_events',
          'Events replayed per subscription or catch-up.',
          [0, 1, 10, 50, 100, 250, 500, 1000, 5000],
        ),
      ],
      [
        'redis.seconds',
        histogram(
          'lookout_redis_command_seconds',
          'Latency of the Redis commands on the publish and replay paths.',
          [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
        ),
      ],
      [
        'fanout.seconds',
        histogram(
          'lookout_fanout_batch_seconds',
          'Time to hand one batch of new events to every local subscriber.',
          [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25],
        ),
      ],
    ]);
  }

  /** Record one observation of a histogram named as in `GatewayMetrics.observe`. */
  observe(name: string, value: number): void {
    this.histograms.get(name)?.observe(value);
  }

  async render(): Promise<{ contentType: string; text: string }> {
    return { contentType: this.registry.contentType, text: await this.registry.metrics() };
  }
}
