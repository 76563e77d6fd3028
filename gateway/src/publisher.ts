import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import {
  publishInputSchema,
  type PublishEvent,
  type WireEvent,
} from '../../shared/protocol/lookout-wire';
import type { GatewayLogger } from './logger';
import type { GatewayMetrics } from './metrics';
import { StorageUnavailableError, type EventLog } from './storage/event-log';

/** Why a publish was refused: it was not stored, and the publisher is told so. */
export class PublishRefusedError extends Error {
  override readonly name = 'PublishRefusedError';
  constructor(
    /** `overloaded`: too many publishes waiting for storage; `storage-unavailable`: storage failed. */
    readonly reason: 'overloaded' | 'storage-unavailable',
    message: string,
    /** The copies of a publish on several channels that were stored before the refusal. */
    readonly stored: WireEvent[] = [],
  ) {
    super(message);
  }
}

/** A publish as validated: on one channel, or one occurrence on several (`channels`). */
export type PublishRequest = z.output<typeof publishInputSchema>;

/**
 * Every way an event enters the gateway (`POST /publish`, the demo source, the bridges, an
 * embedding host) ends here. Input is validated once, at the edge that received it
 * (`publishValidated` takes what is already checked); storage is the only thing awaited.
 *
 * Overload is explicit: at most `maxPending` publishes wait for storage at once. Past that a
 * publish is refused at once (`overloaded`), never queued until a timeout drops it unseen; a
 * storage failure is refused too (`storage-unavailable`). Either way nothing was stored, the
 * caller knows, and both are counted (`publish.refused.<reason>`) and logged with the reason.
 */
export class Publisher {
  private pending = 0;
  private lastWarnAt = 0;

  constructor(
    private readonly log: EventLog,
    private readonly metrics: GatewayMetrics,
    private readonly logger: GatewayLogger,
    private readonly maxPending: number,
  ) {}

  /** Publishes waiting for storage right now. */
  get pendingAppends(): number {
    return this.pending;
  }

  /** Validate, then store (embedders and the demo source pass raw input). */
  publish(input: unknown): Promise<WireEvent[]> {
    return this.publishValidated(publishInputSchema.parse(input));
  }

  /**
   * Store a publish whose input was already validated: on its channel, or on each of its
   * channels. Copies of one occurrence share an origin (the publisher's `id` when it gave one,
   * else one drawn here), so a client shows them as one notification listing every channel.
   */
  async publishValidated(request: PublishRequest): Promise<WireEvent[]> {
    const { channel, channels, ...fields } = request;
    const targets = channels ? [...new Set(channels)] : channel ? [channel] : [];
    const origin = fields.id ?? (targets.length > 1 ? `o-${randomUUID()}` : undefined);
    const stored: WireEvent[] = [];
    for (const target of targets) {
      try {
        stored.push(
          await this.store({ ...fields, channel: target, ...(origin ? { origin } : {}) }),
        );
      } catch (error) {
        if (error instanceof PublishRefusedError)
          throw new PublishRefusedError(error.reason, error.message, stored);
        throw error;
      }
    }
    return stored;
  }

  /** Store one event on one channel, unless storage is full or failing. */
  private async store(event: PublishEvent): Promise<WireEvent> {
    if (this.pending >= this.maxPending) {
      this.refused(
        'overloaded',
        `${this.pending} publishes already wait for storage (maxPendingAppends)`,
      );
      throw new PublishRefusedError(
        'overloaded',
        'the gateway is storing as many events as it can; retry shortly',
      );
    }
    this.pending += 1;
    try {
      const wire = await this.log.append(event);
      this.metrics.mark('eventsIn');
      return wire;
    } catch (error) {
      if (!(error instanceof StorageUnavailableError)) throw error;
      this.refused('storage-unavailable', error.message);
      throw new PublishRefusedError('storage-unavailable', error.message);
    } finally {
      this.pending -= 1;
    }
  }

  private refused(reason: 'overloaded' | 'storage-unavailable', detail: string): void {
    this.metrics.count(`publish.refused.${reason}`);
    // One line a second at most: an overload must not become a logging storm as well.
    const now = Date.now();
    if (now - this.lastWarnAt < 1_000) return;
    this.lastWarnAt = now;
    this.logger.warn('publish refused: nothing stored, the publisher is told', {
      reason,
      detail,
      pendingAppends: this.pending,
    });
  }
}
