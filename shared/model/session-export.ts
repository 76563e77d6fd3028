import { z } from 'zod';
import {
  CLOSE_ACTIONS,
  CONNECTION_STATES,
  SUPPORT_ACTIONS,
  type AttemptRecord,
  type StateChange,
  type SupportActionRecord,
} from './connection';
import { FRAME_DETAIL_CHARS, type FrameDetail } from './frame-log';

/**
 * One endpoint's session exported from Diagnostics as JSON lines (`.jsonl`): a header line, then
 * the reconnect journal (attempts with their handshakes, state changes, support actions) and
 * every frame of the log with its detail (payload redacted and bounded, decode result). Lookout
 * opens such a file again, read-only, to look at what a customer saw. Everything in it was
 * redacted by the core before it was written.
 */

export const SESSION_EXPORT_KIND = 'lookout-session';
export const SESSION_EXPORT_VERSION = 1;

/** Most lines a session file may have (a 256 MiB log of tiny frames stays under it). */
const MAX_LINES = 2_000_000;

const text = (max: number) => z.string().max(max);
const time = z.number().finite();

const headerSchema = z.object({
  kind: z.literal(SESSION_EXPORT_KIND),
  version: z.literal(SESSION_EXPORT_VERSION),
  endpoint: text(64),
  name: text(200),
  dialect: text(64),
  url: text(4_096),
  exportedAt: time,
  frameLogBytes: z.number().int().nonnegative(),
});
export type SessionExportHeader = z.infer<typeof headerSchema>;

const headers = z.record(z.string().max(200), z.string().max(16_384));

const attemptSchema = z.object({
  n: z.number().int().positive(),
  trigger: text(32),
  delayMs: z.number().nonnegative(),
  url: text(4_096),
  startedAt: time,
  openedAt: time.optional(),
  endedAt: time.optional(),
  handshakeHeaders: headers.optional(),
  sent: z.unknown().optional(),
  transport: z
    .looseObject({
      target: text(300),
      route: z.looseObject({ via: text(300), source: text(32), why: text(2_000) }),
      tls: z
        .looseObject({
          servername: text(300),
          trusted: z.boolean(),
          protocol: text(32).optional(),
          verifyError: text(300).optional(),
        })
        .optional(),
    })
    .optional(),
  handshake: z
    .object({
      request: z.object({ method: text(16), target: text(8_192), headers }).optional(),
      response: z
        .object({
          status: z.number().int(),
          statusText: text(200),
          headers,
          body: text(4_096).optional(),
          bodyTruncated: z.boolean().optional(),
        })
        .optional(),
    })
    .optional(),
  outcome: z
    .object({
      handshakeStatus: z.number().int().optional(),
      closeCode: z.number().int().optional(),
      closeReason: text(1_000).optional(),
      error: text(200).optional(),
      meaning: text(2_000),
      advice: text(2_000).optional(),
      action: z.enum(CLOSE_ACTIONS),
    })
    .optional(),
});

const stateSchema = z.object({
  endpoint: text(64),
  from: z.enum(CONNECTION_STATES),
  to: z.enum(CONNECTION_STATES),
  reason: text(2_000),
  at: time,
});

const actionSchema = z.object({
  at: time,
  action: z.enum(SUPPORT_ACTIONS),
  ok: z.boolean(),
  detail: text(2_000),
});

const frameSchema = z.object({
  endpoint: text(64),
  id: z.number().int().positive(),
  conn: z.number().int().nonnegative(),
  at: time,
  sinceOpenMs: z.number().nullable(),
  dir: z.enum(['in', 'out']),
  kind: z.enum(['text', 'binary', 'ping', 'pong', 'close']),
  size: z.number().int().nonnegative(),
  payload: text(FRAME_DETAIL_CHARS),
  truncated: z.boolean(),
  length: z.number().int().nonnegative(),
  decode: z
    .array(z.object({ tone: z.enum(['ok', 'warn', 'bad', 'info']), text: text(2_000) }))
    .max(50),
  rttMs: z.number().optional(),
  close: z
    .object({
      code: z.number().int(),
      name: text(200),
      meaning: text(1_000),
      reason: text(1_000).optional(),
    })
    .optional(),
  manual: z.boolean().optional(),
});

const lineSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('attempt'), attempt: attemptSchema }),
  z.object({ kind: z.literal('state'), change: stateSchema }),
  z.object({ kind: z.literal('action'), action: actionSchema }),
  z.object({ kind: z.literal('frame'), frame: frameSchema }),
]);

/** A session as written and as read back. */
export interface SessionExport {
  header: SessionExportHeader;
  attempts: AttemptRecord[];
  states: StateChange[];
  actions: SupportActionRecord[];
  frames: FrameDetail[];
}

/** The file's text: one JSON object per line, header first. */
export function formatSessionExport(session: SessionExport): string {
  const lines: unknown[] = [
    session.header,
    ...session.attempts.map((attempt) => ({ kind: 'attempt', attempt })),
    ...session.states.map((change) => ({ kind: 'state', change })),
    ...session.actions.map((action) => ({ kind: 'action', action })),
    ...session.frames.map((frame) => ({ kind: 'frame', frame })),
  ];
  return `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`;
}

/** A file read back, or the first reason it cannot be (with its line number). */
export type ParsedSession = { ok: true; session: SessionExport } | { ok: false; error: string };

/**
 * Read a session file, validating every line; the first problem is reported in words that say
 * where it is and what to do. Never throws.
 */
export function parseSessionExport(fileText: string): ParsedSession {
  const lines = fileText.split('\n').filter((l) => l.trim() !== '');
  if (lines.length === 0) return { ok: false, error: 'The file is empty.' };
  if (lines.length > MAX_LINES)
    return {
      ok: false,
      error: `The file has ${lines.length} lines; a session has at most ${MAX_LINES}.`,
    };
  const first = json(lines[0] ?? '');
  const header = first.ok ? headerSchema.safeParse(first.value) : null;
  if (!header?.success)
    return {
      ok: false,
      error:
        'This is not a Lookout session export: its first line should be the session header (export one from Diagnostics → Export session).',
    };
  const session: SessionExport = {
    header: header.data,
    attempts: [],
    states: [],
    actions: [],
    frames: [],
  };
  for (let i = 1; i < lines.length; i += 1) {
    const parsed = json(lines[i] ?? '');
    if (!parsed.ok) return { ok: false, error: `Line ${i + 1} is not JSON (${parsed.error}).` };
    const line = lineSchema.safeParse(parsed.value);
    if (!line.success) {
      const issue = line.error.issues[0];
      const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
      return {
        ok: false,
        error: `Line ${i + 1} does not fit the session format${where}: ${issue?.message ?? 'invalid'}.`,
      };
    }
    const v = line.data;
    if (v.kind === 'attempt') session.attempts.push(v.attempt as AttemptRecord);
    else if (v.kind === 'state') session.states.push(v.change);
    else if (v.kind === 'action') session.actions.push(v.action);
    else session.frames.push(v.frame);
  }
  return { ok: true, session };
}

function json(line: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(line) as unknown };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}
