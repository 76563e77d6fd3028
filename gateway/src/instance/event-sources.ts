import type { RedisBridge } from '../bridges/redis-bridge';
import { DemoSource } from '../demo/demo-source';
import type { GatewayLogger } from '../logger';
import type { GatewayMetrics } from '../metrics';
import type { GatewayOptions } from '../options';
import type { Publisher } from '../publisher';

/** Where the sources publish, and what they report to. */
export interface EventSourcesDeps {
  publisher: Publisher;
  logger: GatewayLogger;
  metrics: GatewayMetrics;
}

/**
 * The sources of events inside the instance, besides `POST /publish` and the embedder: the demo
 * traffic and the Redis bridges. Both publish through the one `Publisher`, start once the server
 * listens and stop first, so nothing they publish races a stopping log.
 */
export class EventSources {
  /** The demo traffic of a demo gateway (tests drive it), null otherwise. */
  readonly demo: DemoSource | null;
  private bridge: RedisBridge | null = null;

  constructor(
    private readonly options: Pick<
      GatewayOptions,
      'demo' | 'demoTickMs' | 'demoTraffic' | 'bridges'
    >,
    private readonly deps: EventSourcesDeps,
  ) {
    const { publisher, logger } = deps;
    this.demo = options.demo
      ? new DemoSource((e) => publisher.publish(e), logger, options.demoTickMs)
      : null;
  }

  async start(): Promise<void> {
    const { bridges } = this.options;
    const { publisher, logger, metrics } = this.deps;
    if (bridges) {
      // Loaded here so a gateway without bridges never loads the Redis client.
      const { RedisBridge } = await import('../bridges/redis-bridge');
      this.bridge = new RedisBridge(bridges, (e) => publisher.publish(e), logger, metrics);
      await this.bridge.start();
    }
    if (this.demo && this.options.demoTraffic !== false) this.demo.start();
  }

  /** Stop the demo traffic (a drain: the instance publishes nothing new while it leaves). */
  stopDemo(): void {
    this.demo?.stop();
  }

  async stop(): Promise<void> {
    this.demo?.stop();
    await this.bridge?.stop();
    this.bridge = null;
  }
}
