import { describe, expect, it } from 'vitest';
import type { FrameRecord } from '../../../../shared/model/connection';
import type { FramePage } from '../../../../shared/model/frame-log';
import { mergePage, type FrameLogState } from './use-frame-log';

const frame = (id: number, conn = 1, extra: Partial<FrameRecord> = {}): FrameRecord => ({
  id,
  conn,
  at: id,
  dir: 'in',
  kind: 'text',
  size: 1,
  preview: `#${id}`,
  ...extra,
});

const page = (firstId: number, frames: FrameRecord[]): FramePage => ({
  endpoint: 'gw',
  firstId,
  frames,
  connections: [...new Set(frames.map((f) => f.conn))].map((conn) => ({
    conn,
    openedAt: 0,
    endedAt: null,
    outcome: null,
  })),
  limitBytes: 100,
  usedBytes: 50,
  more: false,
});

const empty: FrameLogState = {
  frames: [],
  marks: new Map(),
  limitBytes: 0,
  usedBytes: 0,
  error: null,
};

describe('the frame log view merging pages from the core', () => {
  it('appends new rows, replaces the re-read ones (a later "not applied" mark shows up)', () => {
    const first = mergePage(empty, page(1, [frame(1), frame(2), frame(3)]), null);
    const next = mergePage(first, page(1, [frame(3, 1, { dropped: 'duplicate' }), frame(4)]), 2);
    expect(next.frames.map((f) => [f.id, f.dropped ?? null])).toEqual([
      [1, null],
      [2, null],
      [3, 'duplicate'],
      [4, null],
    ]);
  });

  it('drops rows that left the core’s log, and the marks of connections no row belongs to', () => {
    const first = mergePage(empty, page(1, [frame(1, 1), frame(2, 2), frame(3, 2)]), null);
    expect([...first.marks.keys()]).toEqual([1, 2]);
    const next = mergePage(first, page(3, [frame(4, 2)]), 3);
    expect(next.frames.map((f) => f.id)).toEqual([3, 4]);
    expect([...next.marks.keys()]).toEqual([2]);
  });
});
