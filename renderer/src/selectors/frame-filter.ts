import { explainCloseCode } from '../../../shared/close-codes';
import type { FrameRecord } from '../../../shared/model/connection';
import type { ConnectionMark } from '../../../shared/model/frame-log';

export interface FrameFilter {
  dir: 'all' | 'in' | 'out';
  /** Only frames that were rejected, or whose events were not applied (duplicates, copies…). */
  rejectedOnly: boolean;
  /** Data frames only: hide pings, pongs and closes. */
  hideControl: boolean;
  text: string;
  /** `text` is a regular expression (case-insensitive) rather than plain text. */
  regex: boolean;
}

export const ALL_FRAMES: FrameFilter = {
  dir: 'all',
  rejectedOnly: false,
  hideControl: false,
  text: '',
  regex: false,
};

/** The text test of a filter, or why it cannot be one (an invalid regular expression). */
export type TextMatcher =
  { ok: true; test: (text: string) => boolean } | { ok: false; error: string };

/** Build the filter's text test once; an invalid regex is reported, never thrown. */
export function textMatcher(filter: Pick<FrameFilter, 'text' | 'regex'>): TextMatcher {
  const text = filter.regex ? filter.text : filter.text.trim().toLowerCase();
  if (!text) return { ok: true, test: () => true };
  if (!filter.regex) return { ok: true, test: (s) => s.toLowerCase().includes(text) };
  try {
    const re = new RegExp(text, 'i');
    return { ok: true, test: (s) => re.test(s) };
  } catch (err) {
    return {
      ok: false,
      error: `Not a valid regular expression: ${err instanceof Error ? err.message.replace(/^Invalid regular expression: /, '') : String(err)}`,
    };
  }
}

/** Frames passing the log's filter, newest first (the log reads top-down like a feed). */
export function filterFrames(
  frames: readonly FrameRecord[],
  filter: FrameFilter,
): { frames: FrameRecord[]; error: string | null } {
  const matcher = textMatcher(filter);
  if (!matcher.ok) return { frames: [], error: matcher.error };
  const out: FrameRecord[] = [];
  for (let i = frames.length - 1; i >= 0; i -= 1) {
    const f = frames[i];
    if (!f) continue;
    if (filter.dir !== 'all' && f.dir !== filter.dir) continue;
    if (filter.rejectedOnly && !f.rejected && !f.dropped) continue;
    if (filter.hideControl && f.kind !== 'text' && f.kind !== 'binary') continue;
    if (
      !matcher.test(f.preview) &&
      !matcher.test(f.rejected ?? '') &&
      !matcher.test(f.dropped ?? '') &&
      !matcher.test(f.kind)
    )
      continue;
    out.push(f);
  }
  return { frames: out, error: null };
}

/** A row of the log: a frame, or the separator above the frames of one connection. */
export type FrameRow =
  { type: 'frame'; frame: FrameRecord } | { type: 'connection'; conn: number; label: string };

/**
 * Newest-first frames with a separator row at the top of each connection's block:
 * "connection 3, opened 14:02:11, closed 1006 Abnormal closure".
 */
export function withConnectionRows(
  frames: readonly FrameRecord[],
  marks: ReadonlyMap<number, ConnectionMark>,
  clock: (at: number) => string,
): FrameRow[] {
  const rows: FrameRow[] = [];
  let conn: number | null = null;
  for (const frame of frames) {
    if (frame.conn !== conn) {
      conn = frame.conn;
      rows.push({ type: 'connection', conn, label: connectionLabel(conn, marks.get(conn), clock) });
    }
    rows.push({ type: 'frame', frame });
  }
  return rows;
}

/** The separator's words for one connection. */
export function connectionLabel(
  conn: number,
  mark: ConnectionMark | undefined,
  clock: (at: number) => string,
): string {
  const parts = [`connection ${conn}`];
  if (mark?.openedAt != null) parts.push(`opened ${clock(mark.openedAt)}`);
  const o = mark?.outcome;
  if (mark?.endedAt != null) {
    const code =
      o?.closeCode !== undefined
        ? `${o.closeCode} ${explainCloseCode(o.closeCode).name}`
        : o?.handshakeStatus !== undefined
          ? `HTTP ${o.handshakeStatus}`
          : (o?.error ?? '');
    parts.push(`closed ${clock(mark.endedAt)}${code ? ` (${code})` : ''}`);
  } else if (mark?.openedAt != null) parts.push('open now');
  return parts.join(', ');
}
