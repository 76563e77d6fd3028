import { useVirtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef, useState } from 'react';
import type { FrameRecord } from '../../../../shared/model/connection';
import { formatBytes, formatClockMs } from '../../selectors/format';
import { ALL_FRAMES, filterFrames, type FrameFilter } from '../../selectors/frame-filter';
import { EmptyState, Panel } from '../../ui/common';
import { ServerText } from '../../ui/server-text';

const ROW = 26;

/** The live frame log: virtualised, pausable, filterable. Previews are redacted by main. */
export function FrameLog({ frames }: { frames: FrameRecord[] }) {
  const [paused, setPaused] = useState<FrameRecord[] | null>(null);
  const [filter, setFilter] = useState<FrameFilter>(ALL_FRAMES);
  const source = paused ?? frames;
  const rows = useMemo(() => filterFrames(source, filter), [source, filter]);
  const scroller = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW,
    overscan: 12,
  });

  return (
    <Panel
      title={
        <>
          Frame log <span className="count">{rows.length}</span>
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
              placeholder="Filter text…"
              value={filter.text}
              onChange={(e) => setFilter({ ...filter, text: e.target.value })}
            />
          </label>
          <label className="check">
            <input
              type="checkbox"
              checked={filter.rejectedOnly}
              onChange={(e) => setFilter({ ...filter, rejectedOnly: e.target.checked })}
            />
            Rejected or not applied only
          </label>
          <button
            type="button"
            className={`btn btn--small${paused ? ' btn--primary' : ''}`}
            aria-pressed={paused !== null}
            onClick={() => setPaused(paused ? null : frames)}
          >
            {paused ? 'Resume' : 'Pause'}
          </button>
        </div>
      }
    >
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
        <div ref={scroller} className="framelog" tabIndex={0} aria-label="Frames, newest first">
          <div
            style={{ height: virtual.getTotalSize(), position: 'relative' }}
            role="table"
            aria-rowcount={rows.length}
          >
            {virtual.getVirtualItems().map((v) => {
              const f = rows[v.index];
              if (!f) return null;
              return (
                <div
                  key={v.key}
                  role="row"
                  className={`frame frame--${f.dir}${f.rejected ? ' frame--rejected' : ''}${f.dropped ? ' frame--dropped' : ''}`}
                  style={{ transform: `translateY(${v.start}px)`, height: ROW }}
                >
                  <span
                    role="cell"
                    className="frame__dir"
                    aria-label={f.dir === 'in' ? 'received' : 'sent'}
                  >
                    {f.dir === 'in' ? '↓' : '↑'}
                  </span>
                  <span role="cell" className="frame__time">
                    {formatClockMs(f.at)}
                  </span>
                  <span role="cell" className="frame__size">
                    {formatBytes(f.size)}
                  </span>
                  <span role="cell" className="frame__preview">
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
                </div>
              );
            })}
          </div>
        </div>
      )}
      {paused ? (
        <p className="muted small">
          Paused: new frames are still recorded and appear when you resume.
        </p>
      ) : null}
    </Panel>
  );
}
