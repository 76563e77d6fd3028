/** The notification policy's "why" trace: what happened to each event on its way to the OS. */
import type { EventKind } from '../../../shared/model/live-event';

/** What happened to an event on its way to (or not to) the OS, in order. */
export type TraceStep =
  'notify' | 'suppress' | 'coalesce' | 'summary' | 'digest' | 'delivered' | 'failed';

/** One line of "why did / didn't I get this notification?". */
export interface TraceEntry {
  eventId: string;
  at: number;
  endpoint: string;
  kind: EventKind | 'summary' | 'digest' | 'incident';
  step: TraceStep;
  /** Machine-readable reason (`quiet-hours`, `rate-cap`…). */
  reason: string;
  /** The sentence the diagnostics panel shows. */
  detail: string;
}

/** A bounded ring of trace entries, oldest dropped first. */
export class DecisionTrace {
  private readonly entries: TraceEntry[] = [];
  private start = 0;

  constructor(readonly capacity = 2_000) {}

  record(entry: TraceEntry): void {
    if (this.entries.length < this.capacity) {
      this.entries.push(entry);
    } else {
      this.entries[this.start] = entry;
      this.start = (this.start + 1) % this.capacity;
    }
  }

  /** All kept entries, oldest first. */
  list(): TraceEntry[] {
    return [...this.entries.slice(this.start), ...this.entries.slice(0, this.start)];
  }

  /** Everything recorded about one event, oldest first. */
  explain(eventId: string): TraceEntry[] {
    return this.list().filter((e) => e.eventId === eventId);
  }
}
