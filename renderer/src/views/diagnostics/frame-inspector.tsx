import { useEffect, useMemo, useState } from 'react';
import type { FrameDetail } from '../../../../shared/model/frame-log';
import { formatBytes, formatClockMs, formatDuration } from '../../selectors/format';
import { copyText } from '../../ui/clipboard';
import { Dialog } from '../../ui/common';
import { JsonTree, parseJson } from '../../ui/json-tree';
import { ServerText } from '../../ui/server-text';
import { useAppStore } from '../../ui/store-context';

/** Which frame is being inspected: fetched live from the core, or given (an imported session). */
export type InspectTarget =
  { endpoint: string; id: number; detail?: undefined } | { detail: FrameDetail };

type Loaded =
  { phase: 'gone' } | { phase: 'error'; message: string } | { phase: 'ready'; detail: FrameDetail };

const KIND_LABEL: Record<FrameDetail['kind'], string> = {
  text: 'Text frame',
  binary: 'Binary frame',
  ping: 'Ping',
  pong: 'Pong',
  close: 'Close',
};

/**
 * The frame inspector: the whole payload (bounded and redacted by the core) as a JSON tree or
 * text, with copy; when it travelled relative to its connection's start, its size, and what the
 * decoder made of it (the events it became, or why it was rejected or not applied). A modal
 * dialog: Escape closes it and focus returns to the row that opened it.
 */
export function FrameInspector({
  target,
  onClose,
}: {
  target: InspectTarget | null;
  onClose: () => void;
}) {
  const store = useAppStore();
  const [fetched, setFetched] = useState<{ for: InspectTarget; state: Loaded } | null>(null);

  useEffect(() => {
    if (!target || target.detail) return;
    let live = true;
    store
      .getState()
      .frameDetail(target.endpoint, target.id)
      .then(
        (detail) =>
          live &&
          setFetched({
            for: target,
            state: detail ? { phase: 'ready', detail } : { phase: 'gone' },
          }),
        (err: unknown) =>
          live &&
          setFetched({
            for: target,
            state: { phase: 'error', message: err instanceof Error ? err.message : String(err) },
          }),
      );
    return () => {
      live = false;
    };
  }, [target, store]);

  // An imported session's frame comes with its details; a live one is loading until fetched.
  const state: Loaded | { phase: 'loading' } = target?.detail
    ? { phase: 'ready', detail: target.detail }
    : fetched && fetched.for === target
      ? fetched.state
      : { phase: 'loading' };
  const title = state.phase === 'ready' ? titleOf(state.detail) : 'Frame';
  return (
    <Dialog open={target !== null} onClose={onClose} title={title} wide>
      {state.phase === 'loading' ? (
        <p className="muted" aria-busy="true">
          Loading the frame…
        </p>
      ) : state.phase === 'gone' ? (
        <p className="callout callout--warn">
          This frame has left the log since it was listed (the log keeps the newest frames up to its
          size limit, set per endpoint as frameLogBytes).
        </p>
      ) : state.phase === 'error' ? (
        <p className="callout callout--bad" role="alert">
          Could not load the frame: {state.message}
        </p>
      ) : (
        <FrameDetailView detail={state.detail} />
      )}
    </Dialog>
  );
}

function titleOf(d: FrameDetail): string {
  if (d.kind === 'close')
    return d.close?.code === 1006
      ? `Connection lost #${d.id} (no close frame)`
      : `Close #${d.id} ${d.dir === 'in' ? 'from the server' : 'by Lookout'}`;
  return `${KIND_LABEL[d.kind]} #${d.id} ${d.dir === 'in' ? 'received' : 'sent'}`;
}

function FrameDetailView({ detail }: { detail: FrameDetail }) {
  const store = useAppStore();
  const parsed = useMemo(
    () => (detail.kind === 'text' && !detail.truncated ? parseJson(detail.payload) : null),
    [detail],
  );
  const [copied, setCopied] = useState<'idle' | 'ok' | 'failed'>('idle');
  const copy = async () => {
    const ok = await copyText(detail.payload);
    setCopied(ok ? 'ok' : 'failed');
    if (ok) store.getState().announce('Frame payload copied.');
  };
  return (
    <div className="inspector">
      <dl className="kv inspector__facts">
        <dt>Time</dt>
        <dd className="mono">
          {formatClockMs(detail.at)}
          {detail.sinceOpenMs !== null
            ? ` · ${formatDuration(detail.sinceOpenMs)} after connection ${detail.conn} opened`
            : ` · connection ${detail.conn}`}
        </dd>
        <dt>Size</dt>
        <dd className="mono">
          {formatBytes(detail.size)} on the wire · {detail.length.toLocaleString()} characters
        </dd>
        {detail.rttMs !== undefined ? (
          <>
            <dt>Round trip</dt>
            <dd className="mono">{detail.rttMs} ms</dd>
          </>
        ) : null}
        {detail.close ? (
          <>
            <dt>Close</dt>
            <dd>
              <code>{detail.close.code}</code> <strong>{detail.close.name}</strong> —{' '}
              {detail.close.meaning}
              {detail.close.reason ? (
                <>
                  {' '}
                  Reason given: “<ServerText text={detail.close.reason} max={200} />
                  ”.
                </>
              ) : null}
            </dd>
          </>
        ) : null}
      </dl>
      <h3 className="subhead">What Lookout made of it</h3>
      {detail.decode.length === 0 ? (
        <p className="muted">Nothing to report.</p>
      ) : (
        <ul className="decode" aria-label="Decode result">
          {detail.decode.map((line, i) => (
            <li key={i} className={`decode__line text-${line.tone}`}>
              <ServerText text={line.text} max={400} />
            </li>
          ))}
        </ul>
      )}
      <div className="inspector__payload-head">
        <h3 className="subhead">Payload</h3>
        <span className="muted small">Redacted: secrets are replaced by [redacted].</span>
        <button
          type="button"
          className="btn btn--small"
          onClick={() => void copy()}
          disabled={!detail.payload}
        >
          Copy payload
        </button>
        {copied === 'ok' ? (
          <span className="text-ok small" role="status">
            ✓ Copied
          </span>
        ) : copied === 'failed' ? (
          <span className="text-bad small" role="alert">
            The clipboard is not available here: select the text below instead.
          </span>
        ) : null}
      </div>
      {detail.truncated ? (
        <p className="callout callout--warn small">
          Truncated: showing the first {detail.payload.length.toLocaleString()} of{' '}
          {detail.length.toLocaleString()} characters.
        </p>
      ) : null}
      {!detail.payload ? (
        <p className="muted">No payload.</p>
      ) : parsed?.ok ? (
        <JsonTree value={parsed.value} label="Payload as a JSON tree" />
      ) : (
        <pre className="pre inspector__text" tabIndex={0} aria-label="Payload text">
          <ServerText text={detail.payload} max={70_000} />
        </pre>
      )}
    </div>
  );
}
