/** The bounded frame log, timeline, counters and RTT history each session keeps for diagnostics. */
import type {
  AttemptOutcome,
  AttemptRecord,
  ConnectionState,
  FrameDirection,
  FrameRecord,
  SessionCounters,
  SessionDiagnostics,
  StateChange,
} from '../../../shared/model/connection';
import type { Redactor } from '../kernel/redact';
import { Ring } from './ring';
import { RttHistory } from './rtt-history';

/** How much of each log a session keeps: all memory is bounded. */
export interface RecorderLimits {
  timeline: number;
  attempts: number;
  frames: number;
  previewChars: number;
  serverErrors: number;
}

export const DEFAULT_RECORDER_LIMITS: RecorderLimits = {
  timeline: 200,
  attempts: 100,
  frames: 500,
  previewChars: 300,
  serverErrors: 50,
};

/**
 * A frame as kept in memory: the preview is redacted when diagnostics are read, not on the hot
 * path. The head runs past the preview length by the redactor's margin, so a secret straddling
 * the preview's end is redacted whole before the preview is cut.
 */
export interface RawFrame {
  at: number;
  dir: FrameDirection;
  size: number;
  head: string;
  /** Characters of the whole frame (the head may be shorter). */
  length: number;
  rejected?: string;
  /** Drop reasons of the events it carried, when some were not applied. */
  dropped?: string;
}

/**
 * Records what one session did, for the diagnostics panel and the support bundle: state timeline,
 * attempts with their outcomes, RTT samples, counters, a bounded frame log, rejection reasons and
 * server error replies. Everything that leaves it goes through the session's redactor.
 */
export class SessionRecorder {
  readonly rtt = new RttHistory();
  private readonly timeline: Ring<StateChange>;
  private readonly attempts: Ring<AttemptRecord>;
  private readonly frames: Ring<RawFrame>;
  private readonly serverErrors: Ring<{ at: number; message: string }>;
  private readonly rejections = new Map<string, number>();
  private attemptCount = 0;
  lastMessageAt: number | null = null;
  lastOutcome: AttemptOutcome | null = null;
  readonly counters: SessionCounters = {
    framesIn: 0,
    framesOut: 0,
    bytesIn: 0,
    bytesOut: 0,
    rejectedFrames: 0,
    reconnects: 0,
    events: 0,
    droppedEvents: 0,
  };

  constructor(
    private readonly redactor: Redactor,
    private readonly limits: RecorderLimits = DEFAULT_RECORDER_LIMITS,
  ) {
    this.timeline = new Ring(limits.timeline);
    this.attempts = new Ring(limits.attempts);
    this.frames = new Ring(limits.frames);
    this.serverErrors = new Ring(limits.serverErrors);
  }

  state(change: StateChange): void {
    this.timeline.push(change);
  }

  /** Start a new attempt record; the caller fills `openedAt`, headers and `outcome` as it goes. */
  attempt(record: Omit<AttemptRecord, 'n'>): AttemptRecord {
    this.attemptCount += 1;
    if (this.attemptCount > 1) this.counters.reconnects += 1;
    const full: AttemptRecord = {
      n: this.attemptCount,
      ...record,
      url: this.redactor.url(record.url),
    };
    this.attempts.push(full);
    return full;
  }

  currentAttempt(): AttemptRecord | undefined {
    return this.attempts.last();
  }

  ended(record: AttemptRecord, outcome: AttemptOutcome, at: number): void {
    record.endedAt = at;
    record.outcome = {
      ...outcome,
      ...(outcome.closeReason ? { closeReason: this.redactor.text(outcome.closeReason) } : {}),
    };
    this.lastOutcome = record.outcome;
  }

  /** Record an incoming frame; the record is returned so a later drop can be marked on it. */
  frameIn(at: number, text: string, size: number, rejected?: string): RawFrame {
    this.counters.framesIn += 1;
    this.counters.bytesIn += size;
    this.lastMessageAt = at;
    if (rejected) this.reject(rejected);
    const frame: RawFrame = { at, dir: 'in', size, ...this.head(text), rejected };
    this.frames.push(frame);
    return frame;
  }

  /** An event of `frame` was not applied as new (the frame may have left the log already). */
  dropped(frame: RawFrame | undefined, reason: string): void {
    this.counters.droppedEvents += 1;
    if (!frame) return;
    frame.dropped = frame.dropped ? `${frame.dropped}, ${reason}` : reason;
  }

  frameOut(at: number, text: string): void {
    this.counters.framesOut += 1;
    this.counters.bytesOut += text.length;
    this.frames.push({ at, dir: 'out', size: text.length, ...this.head(text) });
  }

  private head(text: string): { head: string; length: number } {
    const keep = this.limits.previewChars + this.redactor.previewMargin;
    return { head: text.length > keep ? text.slice(0, keep) : text, length: text.length };
  }

  /** Count a rejected frame by its reason (`non-json`, `oversized`, `unknown-type: x`…). */
  reject(reason: string): void {
    this.counters.rejectedFrames += 1;
    // Reasons can quote the server (`unknown-type: …`): redacted before they are cut.
    const key = this.redactor.preview(reason, 80);
    this.rejections.set(key, (this.rejections.get(key) ?? 0) + 1);
  }

  serverError(at: number, message: string): void {
    this.serverErrors.push({ at, message: this.redactor.preview(message, 500) });
  }

  events(count: number): void {
    this.counters.events += count;
  }

  snapshot(base: {
    endpoint: string;
    dialect: string;
    url: string;
    state: ConnectionState;
    since: number;
    stale: boolean;
    subscriptions: string[];
  }): Omit<
    SessionDiagnostics,
    | 'clockSkewMs'
    | 'keepalive'
    | 'nextAttemptAt'
    | 'channels'
    | 'lastDataAt'
    | 'lastFrameAt'
    | 'recoveredAt'
  > {
    const redact = this.redactor;
    const frames: FrameRecord[] = this.frames.toArray().map((f) => ({
      at: f.at,
      dir: f.dir,
      size: f.size,
      preview: redact.preview(f.head, this.limits.previewChars, f.length),
      ...(f.rejected ? { rejected: redact.text(f.rejected) } : {}),
      ...(f.dropped ? { dropped: f.dropped } : {}),
    }));
    return {
      ...base,
      url: redact.url(base.url),
      lastMessageAt: this.lastMessageAt,
      counters: { ...this.counters },
      rtt: this.rtt.summary(),
      lastOutcome: this.lastOutcome,
      timeline: this.timeline.toArray(),
      attempts: this.attempts.toArray().map((a) => structuredClone(a)),
      frames,
      // Secrets registered since a reason or error was kept are scrubbed on the way out too.
      rejections: Object.fromEntries(
        [...this.rejections].map(([reason, n]) => [redact.text(reason), n]),
      ),
      serverErrors: this.serverErrors
        .toArray()
        .map((e) => ({ ...e, message: redact.text(e.message) })),
    };
  }
}
