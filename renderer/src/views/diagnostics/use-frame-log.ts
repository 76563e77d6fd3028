import { useEffect, useRef, useState } from 'react';
import type { FrameRecord } from '../../../../shared/model/connection';
import type { ConnectionMark, FramePage } from '../../../../shared/model/frame-log';
import { useAppStore } from '../../ui/store-context';

/** How often the open log asks for new rows. */
const POLL_MS = 1_000;
/**
 * Rows read again on every poll: a frame's events are marked "not applied" by the model a moment
 * after the frame arrived, and the current connection's separator learns how it ended.
 */
const REREAD_ROWS = 50;

export interface FrameLogState {
  /** Oldest first, as the core keeps them. */
  frames: FrameRecord[];
  marks: Map<number, ConnectionMark>;
  limitBytes: number;
  usedBytes: number;
  error: string | null;
}

const EMPTY: FrameLogState = {
  frames: [],
  marks: new Map(),
  limitBytes: 0,
  usedBytes: 0,
  error: null,
};

/** Merge a page into what the view holds: rows that left the core's log leave here too. */
export function mergePage(
  state: FrameLogState,
  page: FramePage,
  after: number | null,
): FrameLogState {
  const first = page.firstId ?? Number.POSITIVE_INFINITY;
  const kept = state.frames.filter((f) => f.id >= first && (after === null || f.id <= after));
  const marks = new Map(state.marks);
  for (const m of page.connections) marks.set(m.conn, m);
  const frames = after === null ? page.frames : [...kept, ...page.frames];
  const conns = new Set(frames.map((f) => f.conn));
  for (const conn of marks.keys()) if (!conns.has(conn)) marks.delete(conn);
  return { frames, marks, limitBytes: page.limitBytes, usedBytes: page.usedBytes, error: null };
}

/**
 * One endpoint's whole frame log (bounded by bytes in the core), read incrementally about once a
 * second while shown; `paused` stops reading (what is shown stays still).
 */
export function useFrameLog(endpoint: string, paused: boolean): FrameLogState {
  const store = useAppStore();
  const [state, setState] = useState<FrameLogState>(EMPTY);
  const current = useRef(state);
  current.current = state;

  useEffect(() => {
    setState(EMPTY);
    current.current = EMPTY;
  }, [endpoint]);

  useEffect(() => {
    if (paused) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const poll = async () => {
      timer = null;
      try {
        let more = true;
        while (more && !stopped) {
          const last = current.current.frames.at(-1)?.id ?? null;
          const after = last === null ? null : Math.max(0, last - REREAD_ROWS);
          const page = await store.getState().framePage(endpoint, after);
          if (stopped) return;
          if (!page) {
            setState({ ...EMPTY, error: 'This endpoint has no connection running.' });
            return;
          }
          const next = mergePage(current.current, page, after);
          current.current = next;
          setState(next);
          more = page.more;
        }
      } catch (err) {
        if (!stopped)
          setState((s) => ({ ...s, error: err instanceof Error ? err.message : String(err) }));
      }
      if (!stopped) timer = setTimeout(() => void poll(), POLL_MS);
    };
    void poll();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  }, [endpoint, paused, store]);

  return state;
}
