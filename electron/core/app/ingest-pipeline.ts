/**
 * `IngestPipeline`: the hot path from the sessions' events into the model and the notification
 * policy, once per scheduler turn.
 */
import type { EndpointConfig } from '../../../shared/config/endpoint';
import type { ChannelReset, DropReason } from '../../../shared/model/connection';
import type { LiveEvent } from '../../../shared/model/live-event';
import type { Clock, Logger, Scheduler } from '../kernel/ports';
import type { AppModel } from '../state/app-model';
import { HistoryNotices, clockTime } from './history-notices';

/** The model as the pipeline feeds it. */
export type IngestModel = Pick<AppModel, 'apply' | 'markTasksUnknown' | 'forgetIncarnation'>;

export interface IngestPipelineOptions {
  model: IngestModel;
  /** Events of endpoints no longer configured are dropped here (they must not bring data back). */
  isConfigured(endpointId: string): boolean;
  /** An event the model did not take: counted on the session that received it. */
  noteDropped(event: LiveEvent, reason: DropReason): void;
  /** What the model accepted as new, for the notification policy. */
  notify(fresh: LiveEvent[]): Promise<void>;
  /** Runs the queued work once per turn (production: the next turn of the event loop). */
  schedule: Scheduler;
  clock: Clock;
  logger: Logger;
}

/**
 * The hot path: events from the sessions into the model and the notification policy. Frames of one
 * socket read arrive back to back; they are queued and applied together once per turn of the
 * scheduler, so a flood costs one model update and one policy pass per read, not per frame.
 */
export class IngestPipeline {
  private readonly inbox: LiveEvent[] = [];
  private scheduled = false;
  private readonly notices = new HistoryNotices();

  constructor(private readonly o: IngestPipelineOptions) {}

  ingest(events: readonly LiveEvent[]): void {
    for (const event of events) this.inbox.push(event);
    if (this.scheduled) return;
    this.scheduled = true;
    this.o.schedule(() => this.drain());
  }

  /** Apply everything queued now (before a snapshot is read, a reset is applied, or on stop). */
  drain(): void {
    this.scheduled = false;
    if (this.inbox.length === 0) return;
    // The model deduplicates (replays after a reconnect, and what the saved bell already holds);
    // the policy is given only what it accepted. What it did not take is counted on the session
    // that received it (Diagnostics, frame log): received but not shown is never silent.
    const fresh: LiveEvent[] = [];
    const dropped: Array<{ event: LiveEvent; reason: DropReason }> = [];
    const batch = this.inbox.splice(0);
    const live = batch.filter((e) => this.o.isConfigured(e.endpoint));
    this.o.model.apply(live, fresh, dropped);
    for (const { event, reason } of dropped) this.o.noteDropped(event, reason);
    if (fresh.length > 0) {
      this.o
        .notify(fresh)
        .catch((error: unknown) =>
          this.o.logger.error('notification pipeline failed', { error: String(error) }),
        );
    }
  }

  /**
   * The server could not replay a channel's history. Where it lost it (a new epoch), nothing of
   * the old incarnation can come again, so the model forgets it; either way the user is told in
   * a bell entry which of the two happened, from when events may be missing.
   */
  historyReset(endpoint: Pick<EndpointConfig, 'id' | 'name'>, resets: ChannelReset[]): void {
    const now = this.o.clock.now();
    // What arrived before the reset is applied first: it belongs to the history now gone.
    this.drain();
    if (resets.some((r) => r.cause === 'history-lost')) {
      this.o.model.markTasksUnknown(
        endpoint.id,
        now,
        `No news since ${clockTime(now)}: the gateway lost its history, so this task's outcome may never be reported.`,
      );
    }
    for (const reset of resets) {
      if (reset.cause === 'history-lost' && reset.leftEpoch !== undefined)
        this.o.model.forgetIncarnation(endpoint.id, reset.channel, reset.leftEpoch);
      this.o.logger.warn(
        reset.cause === 'history-lost'
          ? 'gateway lost its history: events from before now may be missing'
          : 'history too old to replay: events from before now may be missing',
        { endpoint: endpoint.id, channel: reset.channel, cause: reset.cause },
      );
    }
    this.ingest(this.notices.eventsFor(endpoint, resets, now));
  }
}
