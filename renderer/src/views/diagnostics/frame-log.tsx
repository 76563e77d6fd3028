import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useMemo, useRef, useState, type ReactNode } from 'react';
import { explainCloseCode } from '../../../../shared/close-codes';
import type { FrameRecord } from '../../../../shared/model/connection';
import type { ConnectionMark } from '../../../../shared/model/frame-log';
import { formatBytes, formatClock, formatClockMs } from '../../selectors/format';
import {
  ALL_FRAMES,
  filterFrames,
  withConnectionRows,
  type FrameFilter,
  type FrameRow,
} from '../../selectors/frame-filter';
import { EmptyState, Panel } from '../../ui/common';
import { ServerText } from '../../ui/server-text';
import { FrameInspector, type InspectTarget } from './frame-inspector';
import { useFrameLog } from './use-frame-log';

const ROW = 26;

/** The live frame log of one endpoint, read from the core's byte-bounded log. */
export function FrameLog({ endpoint }: { endpoint: string }) {
  const [paused, setPaused] = useState(false);
  const log = useFrameLog(endpoint, paused);
  return (
    <FrameList
      endpoint={endpoint}
      frames={log.frames}
      marks={log.marks}
      footer={
        <>
          {log.error ? (
            <p className="text-bad small" role="alert">
              {log.error}
            </p>
          ) : null}
          <p className="muted small">
            Keeps {formatBytes(log.usedBytes)} of {formatBytes(log.limitBytes)} (frameLogBytes in
            endpoints.json), across reconnects.
            {paused ? ' Paused: new frames are still recorded and appear when you resume.' : ''}
          </p>
        </>
      }
      pause={{ paused, toggle: () => setPaused(!paused) }}
    />
  );
}

/**
 * A virtualised, filterable list of frames, newest first, with a separator row above each
 * connection's frames; a row opens the inspector. Used live and for an imported session, where
 * `inspect` gives the frame's details from the file instead of asking the core.
 */
export function FrameList({
  endpoint,
  frames,
  marks,
  footer,
  pause,
  inspect,
}: {
  endpoint: string;
  frames: readonly FrameRecord[];
  marks: ReadonlyMap<number, ConnectionMark>;
  footer?: ReactNode;
  pause?: { paused: boolean; toggle: () => void };
  inspect?: (frame: FrameRecord) => InspectTarget;
}) {
  const [filter, setFilter] = useState<FrameFilter>(ALL_FRAMES);
  const [target, setTarget] = useState<InspectTarget | null>(null);
  const filtered = useMemo(() => filterFrames(frames, filter), [frames, filter]);
  const rows = useMemo(
    () => withConnectionRows(filtered.frames, marks, formatClock),
    [filtered, marks],
  );
  const scroller = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW,
    overscan: 12,
    // Keyed by frame, not position: new frames arrive on top, and a row (the one focus returns to
    // when the inspector closes) must stay the same element for the same frame.
    getItemKey: (index) => {
      const row = rows[index];
      return !row ? index : row.type === 'frame' ? `f${row.frame.id}` : `c${row.conn}`;
    },
  });
  const open = useCallback(
    (f: FrameRecord) => setTarget(inspect ? inspect(f) : { endpoint, id: f.id }),
    [endpoint, inspect],
  );

  return (
    <Panel
      title={
        <>
          Frame log <span className="count">{filtered.frames.length}</span>
        </>
      }
      actions={
        <div className="toolbar toolbar--tight">
          <label className="field field--inline">
            <span className="sr-only">Direction</span>
            <select
              value={filter.dir}
              onChange={(e) => setFilter({ ...filter, dir: e.target.value as FrameFilter['dir'] })}
            >
              <option value="all">Both directions</option>
              <option value="in">Received</option>
              <option value="out">Sent</option>
            </select>
          </label>
          <label className="field field--inline">
            <span className="sr-only">Filter frames</span>
            <input
              type="search"
              placeholder={filter.regex ? 'Regular expression…' : 'Filter text…'}
              value={filter.text}
              aria-invalid={filtered.error ? 'true' : undefined}
              aria-describedby={filtered.error ? `framelog-error-${endpoint}` : undefined}
              onChange={(e) => setFilter({ ...filter, text: e.target.value })}
            />
          </label>
          <label className="check">
            <input
              type="checkbox"
              checked={filter.regex}
              onChange={(e) => setFilter({ ...filter, regex: e.target.checked })}
            />
            Regex
          </label>
          <label className="check">
            <input
              type="checkbox"
              checked={filter.rejectedOnly}
              onChange={(e) => setFilter({ ...filter, rejectedOnly: e.target.checked })}
            />
            Rejected or not applied only
          </label>
          <label className="check">
            <input
              type="checkbox"
              checked={filter.hideControl}
              onChange={(e) => setFilter({ ...filter, hideControl: e.target.checked })}
            />
            Hide pings and pongs
          </label>
          {pause ? (
            <button
              type="button"
              className={`btn btn--small${pause.paused ? ' btn--primary' : ''}`}
              aria-pressed={pause.paused}
              onClick={pause.toggle}
            >
              {pause.paused ? 'Resume' : 'Pause'}
            </button>
          ) : null}
        </div>
      }
    >
      {filtered.error ? (
        <p className="text-bad small" role="alert" id={`framelog-error-${endpoint}`}>
          {filtered.error}
        </p>
      ) : null}
      {rows.length === 0 ? (
        <EmptyState
          title={frames.length === 0 ? 'No frames recorded' : 'No frame matches'}
          icon="⇅"
        >
          {frames.length === 0
            ? 'Frames appear here once the connection opens. Previews are redacted and truncated.'
            : 'Change the filter to see more.'}
        </EmptyState>
      ) : (
        <div
          ref={scroller}
          className="framelog"
          role="list"
          aria-label="Frames, newest first; open one to inspect it"
        >
          <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
            {virtual.getVirtualItems().map((v) => {
              const row = rows[v.index];
              if (!row) return null;
              return (
                <div
                  key={v.key}
                  role="listitem"
                  className="framelog__slot"
                  style={{ transform: `translateY(${v.start}px)`, height: ROW }}
                >
                  <Row row={row} onOpen={open} />
                </div>
              );
            })}
          </div>
        </div>
      )}
      {footer}
      <FrameInspector target={target} onClose={() => setTarget(null)} />
    </Panel>
  );
}

const KIND_BADGE: Partial<Record<FrameRecord['kind'], string>> = {
  ping: 'PING',
  pong: 'PONG',
  close: 'CLOSE',
  binary: 'BINARY',
};

function Row({ row, onOpen }: { row: FrameRow; onOpen: (f: FrameRecord) => void }) {
  if (row.type === 'connection')
    return (
      <div className="frame frame--separator" aria-label={row.label}>
        <span className="frame__separator">{row.label}</span>
      </div>
    );
  const f = row.frame;
  const dir = f.dir === 'in' ? 'received' : 'sent';
  return (
    <button
      type="button"
      className={`frame frame--${f.dir} frame--${f.kind}${f.rejected ? ' frame--rejected' : ''}${f.dropped ? ' frame--dropped' : ''}`}
      onClick={() => onOpen(f)}
      aria-label={`${dir} ${f.kind} frame ${f.id} at ${formatClockMs(f.at)}: open the inspector`}
    >
      <span className="frame__dir" aria-hidden="true">
        {f.dir === 'in' ? '↓' : '↑'}
      </span>
      <span className="frame__time">{formatClockMs(f.at)}</span>
      <span className="frame__size">{formatBytes(f.size)}</span>
      <span className="frame__preview">
        {KIND_BADGE[f.kind] ? (
          <span className="badge badge--muted frame__kind">{KIND_BADGE[f.kind]}</span>
        ) : null}
        {f.manual ? <span className="badge badge--info">by hand</span> : null}
        {f.kind === 'pong' && f.rttMs !== undefined ? (
          <span className="frame__rtt">RTT {f.rttMs} ms</span>
        ) : null}
        {f.kind === 'close' && f.closeCode !== undefined ? (
          <span className="frame__close">
            {f.closeCode} {explainCloseCode(f.closeCode).name}
          </span>
        ) : null}
        {f.rejected ? (
          <span className="badge badge--bad">
            <ServerText text={f.rejected} max={80} />
          </span>
        ) : null}
        {f.dropped ? (
          <span
            className="badge badge--warn"
            title="The frame arrived, but its event was not applied as new (see the channel's counts in the table above)"
          >
            not applied: {f.dropped}
          </span>
        ) : null}{' '}
        <ServerText text={f.preview} max={120} />
      </span>
    </button>
  );
}
