/**
 * The frame inspector's reads of a session's frame log: a page of rows, and one frame's detail
 * re-derived from its text (redacted, decoded again) only when it is opened, off the hot path.
 */
import { explainCloseCode, type CodeMeaning } from '../../../shared/close-codes';
import {
  DROP_REASON_TEXT,
  DROP_REASONS,
  type AttemptRecord,
  type DropReason,
} from '../../../shared/model/connection';
import {
  FRAME_DETAIL_CHARS,
  type ConnectionMark,
  type DecodeLine,
  type FrameDetail,
  type FramePage,
} from '../../../shared/model/frame-log';
import type { DecodeResult } from '../dialects/dialect';
import type { Redactor } from '../kernel/redact';
import { hasDetail, outcomeOf, outcomeSummary } from './decode-outcome';
import type { FrameLog, LoggedFrame } from './frame-log';
import { frameRecord } from './session-recorder';

/** Rows per page of `diagnostics:frames`: a whole 2 MB log of small frames comes in a few pages. */
export const FRAME_PAGE_ROWS = 2_000;

/** What the inspector and the log page need from a session, besides its frame log. */
export interface FrameContext {
  endpoint: string;
  log: FrameLog;
  attempts: readonly AttemptRecord[];
  redactor: Redactor;
  previewChars: number;
  closeOverrides?: Readonly<Record<number, CodeMeaning>>;
  /**
   * Decode a frame's text again, with a codec of the endpoint's dialect that has seen nothing
   * before: the log keeps only an outcome code for most rows, and the detail is re-derived here.
   */
  redecode?: Redecoder;
}

/** A fresh reading of one frame's text (see `FrameContext.redecode`). */
export type Redecoder = (text: string, receivedAt: number) => DecodeResult;

/** The log's rows after `afterId` (all when null), redacted previews, with their connections. */
export function framePage(ctx: FrameContext, afterId: number | null): FramePage {
  const rows = ctx.log.after(afterId, FRAME_PAGE_ROWS + 1);
  const more = rows.length > FRAME_PAGE_ROWS;
  const page = more ? rows.slice(0, FRAME_PAGE_ROWS) : rows;
  const conns = [...new Set(page.map((f) => f.conn))];
  return {
    endpoint: ctx.endpoint,
    firstId: ctx.log.firstId,
    frames: page.map((f) => frameRecord(f, ctx.redactor, ctx.previewChars)),
    connections: conns.map((n) => connectionMark(n, ctx.attempts, ctx.redactor)),
    limitBytes: ctx.log.limitBytes,
    usedBytes: ctx.log.usedBytes,
    more,
  };
}

/** One frame for the inspector, or null when it has left the log. */
export function frameDetail(ctx: FrameContext, id: number): FrameDetail | null {
  const f = ctx.log.get(id);
  if (!f) return null;
  const openedAt = ctx.attempts.find((a) => a.n === f.conn)?.openedAt;
  const payload = ctx.redactor.preview(f.text, FRAME_DETAIL_CHARS, f.length);
  const truncated = f.length > FRAME_DETAIL_CHARS;
  return {
    endpoint: ctx.endpoint,
    id: f.id,
    conn: f.conn,
    at: f.at,
    sinceOpenMs: openedAt === undefined ? null : f.at - openedAt,
    dir: f.dir,
    kind: f.kind,
    size: f.size,
    // The preview marks a cut with `…`; the inspector says "truncated" in words instead.
    payload: truncated && payload.endsWith('…') ? payload.slice(0, -1) : payload,
    truncated,
    length: f.length,
    decode: describeDecode(f, ctx.redactor, ctx.redecode),
    ...(f.rttMs !== undefined ? { rttMs: f.rttMs } : {}),
    ...(f.closeCode !== undefined ? { close: closeOf(f, ctx) } : {}),
    ...(f.manual ? { manual: true } : {}),
  };
}

function closeOf(f: LoggedFrame, ctx: FrameContext): NonNullable<FrameDetail['close']> {
  const code = f.closeCode ?? 1005;
  const meaning = explainCloseCode(code, ctx.closeOverrides);
  return {
    code,
    name: meaning.name,
    meaning: meaning.meaning,
    ...(f.text ? { reason: ctx.redactor.text(f.text) } : {}),
  };
}

function connectionMark(
  conn: number,
  attempts: readonly AttemptRecord[],
  redactor: Redactor,
): ConnectionMark {
  const a = attempts.find((r) => r.n === conn);
  const o = a?.outcome;
  return {
    conn,
    openedAt: a?.openedAt ?? null,
    endedAt: a?.endedAt ?? null,
    outcome: o
      ? {
          meaning: redactor.text(o.meaning),
          ...(o.closeCode !== undefined ? { closeCode: o.closeCode } : {}),
          ...(o.handshakeStatus !== undefined ? { handshakeStatus: o.handshakeStatus } : {}),
          ...(o.error !== undefined ? { error: o.error } : {}),
        }
      : null,
  };
}

/** Most events listed by name in the inspector; the rest are counted. */
const MAX_EVENT_LINES = 20;

/**
 * The decode result in words: what the frame became, or why it did not. Built only on inspection,
 * from the result the row kept or, for most rows, from its text decoded again (`redecode`).
 */
export function describeDecode(
  f: LoggedFrame,
  redactor: Redactor,
  redecode?: Redecoder,
): DecodeLine[] {
  const lines: DecodeLine[] = [];
  if (f.dir === 'out') {
    lines.push({
      tone: 'info',
      text: f.manual
        ? 'Sent by hand from Diagnostics (a support action).'
        : f.kind === 'ping'
          ? 'WebSocket ping sent by Lookout (liveness and round-trip time).'
          : f.kind === 'pong'
            ? 'WebSocket pong: the automatic answer to the server’s ping.'
            : f.kind === 'close'
              ? 'Lookout ended the connection.'
              : 'Sent by Lookout (opening frame, subscription or application ping).',
    });
    return lines;
  }
  if (f.kind === 'ping')
    lines.push({ tone: 'info', text: 'WebSocket ping from the server (answered with a pong).' });
  if (f.kind === 'pong')
    lines.push({
      tone: 'ok',
      text:
        f.rttMs !== undefined
          ? `WebSocket pong: answer to Lookout’s ping after ${f.rttMs} ms.`
          : 'WebSocket pong.',
    });
  if (f.kind === 'close')
    lines.push({
      tone: f.closeCode === 1000 ? 'info' : 'warn',
      text:
        f.closeCode === 1006
          ? 'The connection ended without a close frame (1006).'
          : `The connection closed with code ${f.closeCode ?? 'none'}.`,
    });
  if (f.rejected)
    lines.push({
      tone: 'bad',
      text: `Rejected: ${redactor.text(f.rejected)} (counted, not applied).`,
    });
  if (f.result) lines.push(...resultLines(f.result, redactor));
  else if (hasDetail(f.outcome)) lines.push(...rederived(f, redactor, redecode));
  if (f.dropped) {
    for (const reason of new Set(f.dropped.split(', '))) {
      const known = (DROP_REASONS as readonly string[]).includes(reason);
      lines.push({
        tone: 'warn',
        text: `Not applied (${reason}): ${known ? DROP_REASON_TEXT[reason as DropReason] : 'see the channel counts'}.`,
      });
    }
  }
  if (lines.length === 0 && f.kind === 'text')
    lines.push({
      tone: 'info',
      text: 'Understood, no event in it (a heartbeat or a frame this protocol ignores).',
    });
  return lines;
}

/**
 * The lines of a row whose result was not kept: its text decoded again, shown only when that
 * reading has the outcome the row recorded (a codec's state may make it read otherwise now, e.g.
 * a bare payload read by the one data subscription of that time); else the recorded outcome.
 */
function rederived(f: LoggedFrame, redactor: Redactor, redecode?: Redecoder): DecodeLine[] {
  let again: DecodeResult | undefined;
  try {
    again = redecode?.(f.text, f.at);
  } catch {
    // A dialect must not throw; if one does, the recorded outcome is still shown.
    again = undefined;
  }
  if (again && outcomeOf(again) === f.outcome) return resultLines(again, redactor);
  return [
    {
      tone: 'info',
      text: `Decoded on arrival as ${outcomeSummary(f.outcome)}; its detail is read again from the frame when inspected, and this frame no longer reads the same (the protocol’s state has moved on).`,
    },
  ];
}

function resultLines(r: DecodeResult, redactor: Redactor): DecodeLine[] {
  const lines: DecodeLine[] = [];
  const events = r.events ?? [];
  for (const e of events.slice(0, MAX_EVENT_LINES)) {
    const where = [`channel ${e.channel}`, `id ${e.id}`];
    if (e.seq !== undefined) where.push(`seq ${e.seq}`);
    if (e.epoch !== undefined) where.push(`epoch ${e.epoch}`);
    lines.push({
      tone: 'ok',
      text: redactor.text(`Event ${e.kind} (${e.severity}) “${e.title}”: ${where.join(', ')}.`),
    });
  }
  if (events.length > MAX_EVENT_LINES)
    lines.push({ tone: 'ok', text: `… and ${events.length - MAX_EVENT_LINES} more events.` });
  if (r.greeting) lines.push({ tone: 'info', text: 'The server’s greeting.' });
  if (r.pong)
    lines.push({
      tone: 'ok',
      text: 'Application pong: the answer to Lookout’s application ping.',
    });
  for (const ack of r.acks ?? [])
    lines.push({ tone: 'ok', text: redactor.text(`Acknowledged: ${ack.op} ${ack.channel}.`) });
  for (const refusal of r.refused ?? [])
    lines.push({
      tone: 'bad',
      text: redactor.text(`Subscription refused: ${refusal.channel}: ${refusal.reason}`),
    });
  if (r.serverError)
    lines.push({ tone: 'bad', text: redactor.text(`Server error: ${r.serverError}`) });
  for (const reset of r.reset ?? [])
    lines.push({
      tone: 'warn',
      text: redactor.text(`History reset on ${reset.channel} (${reset.cause}).`),
    });
  for (const d of r.dropped ?? [])
    lines.push({
      tone: 'warn',
      text: redactor.text(`Dropped by the protocol on ${d.channel}: ${d.reason}.`),
    });
  if (r.resubscribe?.length)
    lines.push({
      tone: 'warn',
      text: redactor.text(`Stream broke: re-subscribing ${r.resubscribe.join(', ')}.`),
    });
  return lines;
}
