import { useCallback, useMemo } from 'react';
import type { FrameRecord } from '../../../../shared/model/connection';
import type { ConnectionMark } from '../../../../shared/model/frame-log';
import type { SessionExport } from '../../../../shared/model/session-export';
import { formatClock } from '../../selectors/format';
import { FrameList } from './frame-log';
import { Journal } from './journal';

/** Preview characters of an imported frame's row (the live log's are cut by the core alike). */
const PREVIEW_CHARS = 300;

/**
 * A session exported earlier, opened again for viewing: clearly marked as imported and
 * read-only (no actions, nothing live), with its journal, handshakes and frame log, each frame
 * inspectable from the file.
 */
export function ImportedSession({
  session,
  fileName,
  onClose,
}: {
  session: SessionExport;
  fileName: string;
  onClose: () => void;
}) {
  const h = session.header;
  const frames = useMemo<FrameRecord[]>(
    () =>
      session.frames.map((f) => {
        const decode = f.decode.find((l) => l.tone === 'bad' || l.tone === 'warn');
        return {
          id: f.id,
          conn: f.conn,
          at: f.at,
          dir: f.dir,
          kind: f.kind,
          size: f.size,
          preview:
            f.payload.length > PREVIEW_CHARS ? `${f.payload.slice(0, PREVIEW_CHARS)}…` : f.payload,
          ...(decode?.tone === 'bad' ? { rejected: decode.text } : {}),
          ...(decode?.tone === 'warn' && f.kind === 'text' ? { dropped: decode.text } : {}),
          ...(f.rttMs !== undefined ? { rttMs: f.rttMs } : {}),
          ...(f.close ? { closeCode: f.close.code } : {}),
          ...(f.manual ? { manual: true } : {}),
        };
      }),
    [session],
  );
  const marks = useMemo(() => {
    const out = new Map<number, ConnectionMark>();
    for (const a of session.attempts)
      out.set(a.n, {
        conn: a.n,
        openedAt: a.openedAt ?? null,
        endedAt: a.endedAt ?? null,
        outcome: a.outcome ?? null,
      });
    return out;
  }, [session]);
  const details = useMemo(() => new Map(session.frames.map((f) => [f.id, f])), [session]);
  const inspect = useCallback(
    (f: FrameRecord) => {
      const detail = details.get(f.id);
      if (!detail) throw new Error(`frame ${f.id} is not in the file`);
      return { detail };
    },
    [details],
  );
  return (
    <section className="imported" aria-label="Imported session">
      <div className="callout callout--info imported__banner" role="note">
        <div>
          <strong>Imported session (read-only)</strong>: {h.name} ·{' '}
          <span className="mono">{h.endpoint}</span> · {h.dialect} · exported{' '}
          {new Date(h.exportedAt).toLocaleString()} from <span className="mono">{fileName}</span>.
          Nothing here is live; the frames were redacted when exported.
        </div>
        <button type="button" className="btn btn--small" onClick={onClose}>
          Close imported session
        </button>
      </div>
      <Journal
        diag={{ attempts: session.attempts, timeline: session.states, actions: session.actions }}
      />
      <FrameList
        endpoint={`imported-${h.endpoint}`}
        frames={frames}
        marks={marks}
        inspect={inspect}
      />
      <p className="muted small">
        {session.frames.length.toLocaleString()} frames, journal of {session.attempts.length}{' '}
        attempts, first frame {session.frames[0] ? formatClock(session.frames[0].at) : '—'}.
      </p>
    </section>
  );
}
