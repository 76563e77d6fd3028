import type { FrameDirection, FrameKind } from '../../../shared/model/connection';
import type { DecodeResult } from '../dialects/dialect';
import { dependsOnState, outcomeOf } from './decode-outcome';

/**
 * A row of the frame log as it is read (the inspector, the log page, the export): built when asked
 * for, from what the log keeps flat (see `FrameLog`). Never redacted or described on the hot path:
 * redaction happens when it is read, and what the frame decoded to is kept as a small code whose
 * detail the inspector re-derives from the text (`frame-detail.ts`).
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
  readonly rejected?: string;
  /** Drop reasons of the events it carried, when some were not applied. */
  readonly dropped?: string;
  /** What the dialect made of it, as flags and an event count (`decode-outcome.ts`); 0: nothing. */
  readonly outcome: number;
  /**
   * The decode result itself, kept only where the text alone cannot give it again: an outcome
   * that depended on the codec's state then (a drop, a reset, a re-subscribe) or a text cut at the
   * cap. Every other row is re-decoded when inspected, so the log keeps no event objects alive.
   */
  readonly result?: DecodeResult;
  readonly rttMs?: number;
  readonly closeCode?: number;
  readonly manual?: boolean;
}

/** What a new row carries; the log numbers it and stamps its connection. */
export interface FrameInput {
  at: number;
  dir: FrameDirection;
  kind: FrameKind;
  size: number;
  text: string;
  /**
   * The text's UTF-8 bytes, where the caller holds them anyway (a frame's buffer from the socket):
   * copied as they are instead of encoding the text again.
   */
  utf8?: Uint8Array | undefined;
  rejected?: string | undefined;
  result?: DecodeResult | undefined;
  rttMs?: number | undefined;
  closeCode?: number | undefined;
  manual?: boolean | undefined;
}

/** Bookkeeping per row beyond its text, in the byte budget (the row's columns and slot). */
export const ROW_OVERHEAD_BYTES = 96;

/** Default budget of one endpoint's log (`frameLogBytes` in endpoints.json). */
export const DEFAULT_FRAME_LOG_BYTES = 2 * 1024 * 1024;

const KINDS: readonly FrameKind[] = ['text', 'binary', 'ping', 'pong', 'close'];
const KIND_CODE: Readonly<Record<FrameKind, number>> = {
  text: 0,
  binary: 1,
  ping: 2,
  pong: 3,
  close: 4,
};
/** `flags` column: the kind in the low 3 bits, then these. */
const OUT = 8;
const HAS_EXTRA = 16;

/** What few rows carry beyond the flat columns (rejections, drops, control details, kept results). */
interface RowExtra {
  rejected?: string;
  dropped?: string;
  result?: DecodeResult;
  rttMs?: number;
  closeCode?: number;
  manual?: boolean;
}

/** Row slots allocated first; doubled as the log fills, up to what its budget can hold. */
const FIRST_SLOTS = 256;
/** Text bytes allocated first; doubled as the log fills, up to the budget plus one frame. */
const FIRST_TEXT_BYTES = 64 * 1024;
/** Most UTF-8 bytes one UTF-16 code unit takes. */
const UTF8_PER_UNIT = 3;

/**
 * One endpoint's frame log, bounded by bytes rather than a count: it keeps as many frames as fit
 * in `limitBytes` (text bytes plus a fixed overhead per row), across reconnects, oldest dropped
 * first. Ids are consecutive, so a lookup by id is an index computation.
 *
 * Kept flat, because a log of thousands of rows is exactly what outlives the young generation
 * (issue 23: per-row objects, their texts and decode results were copied by every scavenge and
 * then marked by every full collection): each row is a slot in typed-array columns (time, sizes,
 * connection, outcome code, kind and direction), its text is copied as UTF-8 into one byte ring,
 * and the few rows with more to say (a rejection, a drop, a close code, a kept result) have an
 * entry in a small map. Pushing allocates nothing that survives; a row becomes an object only when
 * it is read.
 */
export class FrameLog {
  /** Slot of the oldest row, and how many rows are kept. */
  private head = 0;
  private count = 0;
  private bytes = 0;
  private nextId = 1;
  private slots = 0;
  private at = new Float64Array(0);
  private wireSize = new Float64Array(0);
  private chars = new Float64Array(0);
  /** Where each row's text starts, as an ever-growing offset (the ring position is it modulo). */
  private textAt = new Float64Array(0);
  private textLen = new Int32Array(0);
  private connOf = new Int32Array(0);
  private outcomeOf = new Int32Array(0);
  private flags = new Uint8Array(0);
  private text = Buffer.alloc(0);
  /** Where the next text goes, as an ever-growing offset. */
  private textEnd = 0;
  private readonly extras = new Map<number, RowExtra>();
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
    return this.count;
  }

  get usedBytes(): number {
    return this.bytes;
  }

  /** The oldest id still kept, or null when empty. */
  get firstId(): number | null {
    return this.count === 0 ? null : this.nextId - this.count;
  }

  /** Add a row; the oldest rows leave until it fits. Returns its id, for a later mark (a drop). */
  push(input: FrameInput): number {
    const whole = input.text;
    const text = whole.length > this.frameChars ? whole.slice(0, this.frameChars) : whole;
    const result = input.result;
    const outcome = result ? outcomeOf(result) : 0;
    const utf8 = text === whole && input.utf8 !== undefined ? input.utf8 : undefined;
    const textBytes = utf8 ? utf8.length : Buffer.byteLength(text);
    while (this.count > 0 && this.bytes + textBytes + ROW_OVERHEAD_BYTES > this.limitBytes)
      this.dropOldest();
    const start = this.place(textBytes);
    if (utf8) this.text.set(utf8, start % this.text.length);
    else this.text.write(text, start % this.text.length, textBytes, 'utf8');
    this.textEnd = start + textBytes;
    if (this.count === this.slots) this.growSlots();
    const slot = (this.head + this.count) % this.slots;
    const id = this.nextId++;
    this.count += 1;
    this.bytes += textBytes + ROW_OVERHEAD_BYTES;
    this.at[slot] = input.at;
    this.wireSize[slot] = input.size;
    this.chars[slot] = whole.length;
    this.textAt[slot] = start;
    this.textLen[slot] = textBytes;
    this.connOf[slot] = this.conn;
    this.outcomeOf[slot] = outcome;
    const cut = text !== whole;
    const keep = result !== undefined && (cut || dependsOnState(outcome));
    const extra =
      input.rejected !== undefined ||
      keep ||
      input.rttMs !== undefined ||
      input.closeCode !== undefined ||
      input.manual === true;
    this.flags[slot] =
      KIND_CODE[input.kind] | (input.dir === 'out' ? OUT : 0) | (extra ? HAS_EXTRA : 0);
    if (extra) {
      const e: RowExtra = {};
      if (input.rejected !== undefined) e.rejected = input.rejected;
      if (keep) e.result = result;
      if (input.rttMs !== undefined) e.rttMs = input.rttMs;
      if (input.closeCode !== undefined) e.closeCode = input.closeCode;
      if (input.manual === true) e.manual = true;
      this.extras.set(id, e);
    }
    return id;
  }

  /** Events of row `id` were not applied (`reason`); nothing happens once it has left the log. */
  markDropped(id: number, reason: string): void {
    const slot = this.slotOf(id);
    if (slot < 0) return;
    let e = this.extras.get(id);
    if (!e) {
      e = {};
      this.extras.set(id, e);
      this.flags[slot] = (this.flags[slot] ?? 0) | HAS_EXTRA;
    }
    e.dropped = e.dropped ? `${e.dropped}, ${reason}` : reason;
  }

  /** The row with this id, if it is still kept. */
  get(id: number): LoggedFrame | undefined {
    const slot = this.slotOf(id);
    return slot < 0 ? undefined : this.row(id, slot);
  }

  /** Up to `max` rows with an id above `afterId` (all kept rows when null), oldest first. */
  after(afterId: number | null, max: number): LoggedFrame[] {
    const first = this.firstId;
    if (first === null) return [];
    const from = afterId === null || afterId < first ? first : afterId + 1;
    const to = Math.min(this.nextId, from + Math.max(0, max));
    const rows: LoggedFrame[] = [];
    for (let id = from; id < to; id++) rows.push(this.row(id, this.slotOf(id)));
    return rows;
  }

  /** The newest `n` rows, oldest first. */
  tail(n: number): LoggedFrame[] {
    const first = this.firstId;
    if (first === null || n <= 0) return [];
    return this.after(Math.max(first, this.nextId - n) - 1, n);
  }

  private slotOf(id: number): number {
    const first = this.nextId - this.count;
    if (!Number.isInteger(id) || id < first || id >= this.nextId) return -1;
    return (this.head + (id - first)) % this.slots;
  }

  private row(id: number, slot: number): LoggedFrame {
    const flags = this.flags[slot] ?? 0;
    const start = (this.textAt[slot] ?? 0) % Math.max(1, this.text.length);
    const e = flags & HAS_EXTRA ? this.extras.get(id) : undefined;
    return {
      id,
      conn: this.connOf[slot] ?? 0,
      at: this.at[slot] ?? 0,
      dir: flags & OUT ? 'out' : 'in',
      kind: KINDS[flags & 7] ?? 'text',
      size: this.wireSize[slot] ?? 0,
      text: this.text.toString('utf8', start, start + (this.textLen[slot] ?? 0)),
      length: this.chars[slot] ?? 0,
      outcome: this.outcomeOf[slot] ?? 0,
      ...e,
    };
  }

  /**
   * Where `n` bytes of text go (an ever-growing offset), in one piece of the ring: the end of the
   * ring is skipped when they do not fit before it, and the oldest rows whose text that would
   * overwrite leave. Rare: the budget has let them go already, unless a skipped end and a frame
   * of several-byte characters add up to more than the ring's slack (one frame's worth).
   */
  private place(n: number): number {
    this.ensureText(n);
    const ring = this.text.length;
    let start = this.textEnd;
    if ((start % ring) + n > ring) start += ring - (start % ring);
    while (this.count > 0 && (this.textAt[this.head] ?? 0) < start + n - ring) this.dropOldest();
    return start;
  }

  /**
   * Grow the text ring (doubling, from a small first size, up to the budget plus one frame at its
   * cap) while the kept text, a skipped end and `n` more bytes would not fit in it.
   */
  private ensureText(n: number): void {
    const cap = this.limitBytes + this.frameChars * UTF8_PER_UNIT;
    const span = this.textEnd - this.oldestTextAt();
    const needed = span + 2 * n;
    let size = this.text.length;
    if (size >= cap || (size > 0 && needed <= size)) return;
    size = Math.max(size, Math.min(FIRST_TEXT_BYTES, cap));
    while (size < cap && size < needed) size *= 2;
    size = Math.min(size, cap);
    if (size === this.text.length) return;
    const next = Buffer.alloc(size);
    // The kept texts move to the start of the new ring, oldest first; offsets start again from 0.
    let offset = 0;
    for (let i = 0; i < this.count; i++) {
      const slot = (this.head + i) % this.slots;
      const len = this.textLen[slot] ?? 0;
      const from = (this.textAt[slot] ?? 0) % Math.max(1, this.text.length);
      this.text.copy(next, offset, from, from + len);
      this.textAt[slot] = offset;
      offset += len;
    }
    this.text = next;
    this.textEnd = offset;
  }

  private oldestTextAt(): number {
    return this.count === 0 ? this.textEnd : (this.textAt[this.head] ?? this.textEnd);
  }

  /** Double the row slots (up to what the budget can hold), oldest first from slot 0. */
  private growSlots(): void {
    const size = Math.max(FIRST_SLOTS, this.slots * 2);
    const order = (n: number) => (this.head + n) % this.slots;
    const grow = <T extends Float64Array | Int32Array | Uint8Array>(
      old: T,
      make: (n: number) => T,
    ) => {
      const next = make(size);
      for (let i = 0; i < this.count; i++) next[i] = old[order(i)] ?? 0;
      return next;
    };
    this.at = grow(this.at, (n) => new Float64Array(n));
    this.wireSize = grow(this.wireSize, (n) => new Float64Array(n));
    this.chars = grow(this.chars, (n) => new Float64Array(n));
    this.textAt = grow(this.textAt, (n) => new Float64Array(n));
    this.textLen = grow(this.textLen, (n) => new Int32Array(n));
    this.connOf = grow(this.connOf, (n) => new Int32Array(n));
    this.outcomeOf = grow(this.outcomeOf, (n) => new Int32Array(n));
    this.flags = grow(this.flags, (n) => new Uint8Array(n));
    this.head = 0;
    this.slots = size;
  }

  private dropOldest(): void {
    if (this.count === 0) return;
    const slot = this.head;
    const id = this.nextId - this.count;
    this.bytes -= (this.textLen[slot] ?? 0) + ROW_OVERHEAD_BYTES;
    if ((this.flags[slot] ?? 0) & HAS_EXTRA) this.extras.delete(id);
    this.head = (this.head + 1) % this.slots;
    this.count -= 1;
  }
}
