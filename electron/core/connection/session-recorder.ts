/** The bounded frame log, timeline, counters and RTT history each session keeps for diagnostics. */
import type {
  AttemptOutcome,
  AttemptRecord,
  ConnectionState,
  FrameDirection,
  FrameKind,
  FrameRecord,
  SessionCounters,
  SessionDiagnostics,
  StateChange,
  SupportActionRecord,
} from '../../../shared/model/connection';
import { FRAME_DETAIL_CHARS } from '../../../shared/model/frame-log';
import type { DecodeResult } from '../dialects/dialect';
import type { Redactor } from '../kernel/redact';
import { DEFAULT_FRAME_LOG_BYTES, FrameLog, type LoggedFrame } from './frame-log';
import { Ring } from './ring';
import { RttHistory } from './rtt-history';

/** How much of each log a session keeps: all memory is bounded. */
export interface RecorderLimits {
  timeline: number;
  attempts: number;
  /** Budget of the frame log in bytes of frame text (endpoints.json `frameLogBytes`). */
  frameLogBytes: number;
  /** Rows of the frame log in each diagnostics snapshot (the live push and the bundle). */
  snapshotFrames: number;
  previewChars: number;
  serverErrors: number;
  actions: number;
}

export const DEFAULT_RECORDER_LIMITS: RecorderLimits = {
  timeline: 200,
  attempts: 100,
  frameLogBytes: DEFAULT_FRAME_LOG_BYTES,
  snapshotFrames: 500,
  previewChars: 300,
  serverErrors: 50,
  actions: 100,
};

/** A frame log row's id, as `frameIn` returns it (for a later mark: a drop). */
export type FrameId = number;

/**
 * Records what one session did, for the diagnostics panel and the support bundle: state timeline,
 * attempts with their outcomes, RTT samples, counters, a bounded frame log, rejection reasons and
 * server error replies. Everything that leaves it goes through the session's redactor.
 */
export class SessionRecorder {
  readonly rtt = new RttHistory();
  private readonly timeline: Ring<StateChange>;
  private readonly attempts: Ring<AttemptRecord>;
  /** Every frame, bounded by bytes, across reconnects: read by the inspector and the export. */
  readonly frames: FrameLog;
  private readonly actions: Ring<SupportActionRecord>;
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
    // A frame keeps what the inspector shows plus the redactor's margin: a secret straddling the
    // inspector's cut is still redacted whole.
    this.frames = new FrameLog(limits.frameLogBytes, FRAME_DETAIL_CHARS + redactor.previewMargin);
    this.serverErrors = new Ring(limits.serverErrors);
    this.actions = new Ring(limits.actions);
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
    // Frames from now on travelled on this attempt's connection.
    this.frames.conn = full.n;
    return full;
  }

  /** The attempt records still kept, oldest first (live objects: read, never change). */
  attemptRecords(): readonly AttemptRecord[] {
    return this.attempts.toArray();
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

  /** Record an incoming frame; its row's id is returned so a later drop can be marked on it. */
  frameIn(
    at: number,
    text: string,
    size: number,
    rejected?: string,
    result?: DecodeResult,
    kind: FrameKind = 'text',
    utf8?: Uint8Array,
  ): FrameId {
    this.counters.framesIn += 1;
    this.counters.bytesIn += size;
    this.lastMessageAt = at;
    if (rejected) this.reject(rejected);
    return this.frames.push({ at, dir: 'in', kind, size, text, utf8, rejected, result });
  }

  /** An event of row `frame` was not applied as new (the row may have left the log already). */
  dropped(frame: FrameId | undefined, reason: string): void {
    this.counters.droppedEvents += 1;
    if (frame !== undefined) this.frames.markDropped(frame, reason);
  }

  frameOut(at: number, text: string, manual = false): void {
    this.counters.framesOut += 1;
    this.counters.bytesOut += text.length;
    this.frames.push({ at, dir: 'out', kind: 'text', size: text.length, text, manual });
  }

  /** A control frame (ping, pong, close) as a row of its own; not counted as data frames. */
  control(
    at: number,
    dir: FrameDirection,
    kind: 'ping' | 'pong' | 'close',
    extra: {
      text?: string;
      size?: number;
      rttMs?: number;
      closeCode?: number;
      manual?: boolean;
    } = {},
  ): void {
    const { text = '', size = text.length, ...rest } = extra;
    this.frames.push({ at, dir, kind, size, text, ...rest });
  }

  /** A support action taken from Diagnostics, for the journal (its detail redacted). */
  action(record: SupportActionRecord): void {
    this.actions.push({ ...record, detail: this.redactor.preview(record.detail, 500) });
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

  snapshot(
    base: {
      endpoint: string;
      dialect: string;
      url: string;
      state: ConnectionState;
      since: number;
      stale: boolean;
      subscriptions: string[];
    },
    withFrames: boolean,
  ): Omit<
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
    const frames = withFrames
      ? this.frames
          .tail(this.limits.snapshotFrames)
          .map((f) => frameRecord(f, redact, this.limits.previewChars))
      : undefined;
    return {
      ...base,
      url: redact.url(base.url),
      lastMessageAt: this.lastMessageAt,
      counters: { ...this.counters },
      rtt: this.rtt.summary(),
      lastOutcome: this.lastOutcome,
      timeline: this.timeline.toArray(),
      attempts: this.attempts.toArray().map((a) => structuredClone(a)),
      ...(frames ? { frames } : {}),
      // Secrets registered since a reason or error was kept are scrubbed on the way out too.
      rejections: Object.fromEntries(
        [...this.rejections].map(([reason, n]) => [redact.text(reason), n]),
      ),
      serverErrors: this.serverErrors
        .toArray()
        .map((e) => ({ ...e, message: redact.text(e.message) })),
      actions: this.actions.toArray().map((a) => ({ ...a, detail: redact.text(a.detail) })),
    };
  }
}

/** A log row as Diagnostics lists it: a redacted preview of `previewChars`, never the raw frame. */
export function frameRecord(f: LoggedFrame, redact: Redactor, previewChars: number): FrameRecord {
  return {
    id: f.id,
    conn: f.conn,
    at: f.at,
    dir: f.dir,
    kind: f.kind,
    size: f.size,
    preview: redact.preview(f.text, previewChars, f.length),
    ...(f.rejected ? { rejected: redact.text(f.rejected) } : {}),
    ...(f.dropped ? { dropped: f.dropped } : {}),
    ...(f.rttMs !== undefined ? { rttMs: f.rttMs } : {}),
    ...(f.closeCode !== undefined ? { closeCode: f.closeCode } : {}),
    ...(f.manual ? { manual: true } : {}),
  };
}
