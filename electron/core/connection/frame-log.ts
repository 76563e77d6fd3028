import type { FrameDirection, FrameKind } from '../../../shared/model/connection';
import type { DecodeResult } from '../dialects/dialect';
import { dependsOnState, outcomeOf } from './decode-outcome';

/**
 * A frame as the log keeps it: the raw text (bounded, the very string the decoder parsed: never
 * copied unless longer than the cap) and flat facts, never redacted or described on the hot path.
 * Redaction happens when it is read; what the frame decoded to is kept as a small code, and the
 * inspector re-derives the detail from the text when the row is opened (`frame-detail.ts`).
 */
export interface LoggedFrame {
  readonly id: number;
  readonly conn: number;
  readonly at: number;
  readonly dir: FrameDirection;
  readonly kind: FrameKind;
  /** Bytes on the wire. */
  readonly size: number;
  /** The frame's text, at most the log's per-frame cap (the whole frame when shorter). */
  readonly text: string;
  /** Characters of the whole frame. */
  readonly length: number;
  rejected?: string;
  /** Drop reasons of the events it carried, when some were not applied. */
  dropped?: string;
  /** What the dialect made of it, as flags and an event count (`decode-outcome.ts`); 0: nothing. */
  readonly outcome: number;
  /**
   * The decode result itself, kept only where the text alone cannot give it again: an outcome
   * that depended on the codec's state then (a drop, a reset, a re-subscribe) or a text cut at the
   * cap. Every other row is re-decoded when inspected, so the log keeps no event objects alive.
   */
  result?: DecodeResult;
  rttMs?: number;
  closeCode?: number;
  manual?: boolean;
}

/** What a new row carries; the log numbers it and stamps its connection. */
export type FrameInput = Omit<LoggedFrame, 'id' | 'conn' | 'length' | 'dropped' | 'outcome'>;

/** Bookkeeping per row beyond its text, in the byte budget (object, fields, the ring slot). */
export const ROW_OVERHEAD_BYTES = 96;

/** Default budget of one endpoint's log (`frameLogBytes` in endpoints.json). */
export const DEFAULT_FRAME_LOG_BYTES = 2 * 1024 * 1024;

/**
 * One endpoint's frame log, bounded by bytes rather than a count: it keeps as many frames as fit
 * in `limitBytes` (text plus a fixed overhead per row), across reconnects, oldest dropped first.
 * Ids are consecutive, so a lookup by id is an index computation. Pushing is O(1) amortised: rows
 * leave from the front by moving a start index, and the array is compacted once half of it is gone.
 */
export class FrameLog {
  private rows: LoggedFrame[] = [];
  private start = 0;
  private bytes = 0;
  private nextId = 1;
  /** The connection (attempt number) new rows belong to. */
  conn = 0;

  /**
   * @param limitBytes the budget of the whole log.
   * @param frameChars the most of one frame kept (a longer frame keeps its head).
   */
  constructor(
    readonly limitBytes: number,
    readonly frameChars: number,
  ) {
    if (!(limitBytes > 0) || !(frameChars > 0))
      throw new RangeError('FrameLog needs a positive byte budget and frame size');
  }

  get size(): number {
    return this.rows.length - this.start;
  }

  get usedBytes(): number {
    return this.bytes;
  }

  /** The oldest id still kept, or null when empty. */
  get firstId(): number | null {
    return this.rows[this.start]?.id ?? null;
  }

  /** Add a row; the oldest rows leave until it fits. Returns it, for a later mark (a drop). */
  push(input: FrameInput): LoggedFrame {
    const cut = input.text.length > this.frameChars;
    const text = cut ? copyHead(input.text, this.frameChars) : input.text;
    const result = input.result;
    const outcome = result ? outcomeOf(result) : 0;
    // Every field named, in one order: rows share one shape (an object spread here cost ~60×
    // more per frame, measured: V8 leaves the fast path when a spread key is overwritten).
    const row: LoggedFrame = {
      id: this.nextId++,
      conn: this.conn,
      at: input.at,
      dir: input.dir,
      kind: input.kind,
      size: input.size,
      text,
      length: input.text.length,
      rejected: input.rejected,
      dropped: undefined,
      outcome,
      result: result && (cut || dependsOnState(outcome)) ? result : undefined,
      rttMs: input.rttMs,
      closeCode: input.closeCode,
      manual: input.manual,
    };
    const cost = costOf(row);
    while (this.size > 0 && this.bytes + cost > this.limitBytes) this.dropOldest();
    this.rows.push(row);
    this.bytes += cost;
    return row;
  }

  /** The row with this id, if it is still kept. */
  get(id: number): LoggedFrame | undefined {
    const first = this.firstId;
    if (first === null || !Number.isInteger(id) || id < first) return undefined;
    return this.rows[this.start + (id - first)];
  }

  /** Up to `max` rows with an id above `afterId` (all kept rows when null), oldest first. */
  after(afterId: number | null, max: number): LoggedFrame[] {
    const first = this.firstId;
    if (first === null) return [];
    const from = afterId === null || afterId < first ? 0 : afterId - first + 1;
    return this.rows.slice(this.start + from, this.start + from + max);
  }

  /** The newest `n` rows, oldest first. */
  tail(n: number): LoggedFrame[] {
    return this.rows.slice(Math.max(this.start, this.rows.length - n));
  }

  private dropOldest(): void {
    const row = this.rows[this.start];
    if (!row) return;
    this.bytes -= costOf(row);
    this.start += 1;
    if (this.start >= 1_024 && this.start * 2 >= this.rows.length) {
      this.rows = this.rows.slice(this.start);
      this.start = 0;
    }
  }
}

function costOf(row: LoggedFrame): number {
  return row.text.length + ROW_OVERHEAD_BYTES;
}

/**
 * The first `chars` characters as a string of their own: `slice` alone may keep the whole parent
 * string alive (V8's sliced strings), which would defeat the byte budget for a megabyte frame.
 * Only frames longer than the cap pay for the copy.
 */
function copyHead(text: string, chars: number): string {
  return Buffer.from(text.slice(0, chars), 'utf16le').toString('utf16le');
}
