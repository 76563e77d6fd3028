import { createClient } from '@redis/client';
import type { Json } from '../../../shared/model/live-event';
import type { PublishInput } from '../../../shared/protocol/lookout-wire';
import type { GatewayLogger } from '../logger';
import type { GatewayMetrics } from '../metrics';

/** Redis pub/sub channels of the existing backends that can be republished as Lookout channels. */
export const BRIDGE_SOURCES = [
  'task_status_updates',
  'chat_updates',
  'batch_notifications',
] as const;
export type BridgeSource = (typeof BRIDGE_SOURCES)[number];

export interface BridgeOptions {
  redisUrl: string;
  sources?: BridgeSource[];
}

type Publish = (event: PublishInput) => Promise<unknown>;

/**
 * Listens to the existing backends' Redis pub/sub channels and republishes each message as a
 * Lookout event (with a seq, replayable), so their data reaches Lookout clients with resume:
 * - `task_status_updates` `{task_id,status,progress,message}` → `task:<task_id>`
 * - `chat_updates` (sakura, forwarded verbatim) → `dashboard`, kind `chat.message`
 * - `batch_notifications` `{type:"persisted",batch_id,batch_size,…}` → `stats`, kind `stats.batch`
 * Messages it cannot read are counted and dropped.
 */
export class RedisBridge {
  private readonly client: ReturnType<typeof createClient>;

  constructor(
    private readonly options: BridgeOptions,
    private readonly publish: Publish,
    private readonly logger: GatewayLogger,
    private readonly metrics: GatewayMetrics,
  ) {
    this.client = createClient({
      url: options.redisUrl,
      socket: { reconnectStrategy: (retries: number) => Math.min(100 + retries * 100, 1_000) },
    });
    this.client.on('error', () => this.metrics.count('bridge.redisErrors'));
  }

  async start(): Promise<void> {
    await this.client.connect();
    for (const source of this.options.sources ?? BRIDGE_SOURCES) {
      await this.client.subscribe(source, (message) => this.onMessage(source, message));
    }
    this.logger.info('bridges subscribed', { sources: this.options.sources ?? BRIDGE_SOURCES });
  }

  async stop(): Promise<void> {
    try {
      this.client.destroy();
    } catch {
      // already closed
    }
  }

  private onMessage(source: BridgeSource, message: string): void {
    let payload: unknown;
    try {
      payload = JSON.parse(message);
    } catch {
      payload = undefined;
    }
    const event =
      payload && typeof payload === 'object' && !Array.isArray(payload)
        ? translate(source, payload as Record<string, Json>)
        : null;
    if (!event) {
      this.metrics.count(`bridge.dropped.${source}`);
      return;
    }
    this.metrics.count(`bridge.in.${source}`);
    this.publish(event).catch(() => this.metrics.count(`bridge.publishFailures.${source}`));
  }
}

/** One backend message → one Lookout event, or null when it carries nothing usable. */
export function translate(source: BridgeSource, p: Record<string, Json>): PublishInput | null {
  switch (source) {
    case 'task_status_updates': {
      const id =
        typeof p.task_id === 'string' || typeof p.task_id === 'number' ? String(p.task_id) : null;
      if (!id || !/^[A-Za-z0-9._-]{1,128}$/.test(id)) return null;
      const status = typeof p.status === 'string' ? p.status : 'processing';
      const progress = typeof p.progress === 'number' ? p.progress : 0;
      const message = typeof p.message === 'string' ? p.message : '';
      const kind =
        status === 'completed'
          ? 'task.completed'
          : status === 'failed'
            ? 'task.failed'
            : status === 'pending'
              ? 'task.updated'
              : 'task.progress';
      return {
        channel: `task:${id}`,
        kind,
        severity: status === 'failed' ? 'warning' : 'info',
        title: `Task ${id}`,
        body: message || `${status} ${progress} %`,
        link: `tasks/${id}`,
        data: { task_id: id, status, progress, message },
      };
    }
    case 'chat_updates': {
      const data = p.data && typeof p.data === 'object' && !Array.isArray(p.data) ? p.data : p;
      return {
        channel: 'dashboard',
        kind: 'chat.message',
        title: 'Chat update',
        body: '',
        data: { ...data },
      };
    }
    case 'batch_notifications': {
      if (p.type !== 'persisted') return null;
      const size = typeof p.batch_size === 'number' ? p.batch_size : 0;
      return {
        channel: 'stats',
        kind: 'stats.batch',
        title: 'Batch persisted',
        body: `Batch ${typeof p.batch_id === 'string' ? p.batch_id : '?'} persisted (${size} messages)`,
        data: { ...p },
      };
    }
  }
}
