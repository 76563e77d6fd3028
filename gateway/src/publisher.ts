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
  ) {
    super(message);
  }
}

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
  publish(input: unknown): Promise<WireEvent> {
    return this.publishValidated(publishInputSchema.parse(input));
  }

  /** Store an event whose input was already validated. */
  async publishValidated(event: PublishEvent): Promise<WireEvent> {
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
