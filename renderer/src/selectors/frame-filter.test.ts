import { describe, expect, it } from 'vitest';
import type { FrameRecord } from '../../../shared/model/connection';
import type { ConnectionMark } from '../../../shared/model/frame-log';
import { ALL_FRAMES, filterFrames, withConnectionRows } from './frame-filter';

const frame = (id: number, conn: number, preview: string, extra: Partial<FrameRecord> = {}) =>
  ({
    id,
    conn,
    at: id * 1_000,
    dir: 'in',
    kind: 'text',
    size: preview.length,
    preview,
    ...extra,
  }) as FrameRecord;

const frames = [
  frame(1, 1, '{"type":"hello"}'),
  frame(2, 1, '', { kind: 'close', closeCode: 1006 }),
  frame(3, 2, '{"type":"event","seq":41}'),
  frame(4, 2, '', { kind: 'ping', dir: 'out' }),
  frame(5, 2, '', { kind: 'pong', rttMs: 3 }),
  frame(6, 2, '{"type":"event","seq":42}'),
];

describe('frame log filter', () => {
  it('matches a regular expression, case-insensitive, newest first', () => {
    const { frames: rows, error } = filterFrames(frames, {
      ...ALL_FRAMES,
      regex: true,
      text: '"SEQ":4[12]',
    });
    expect(error).toBeNull();
    expect(rows.map((f) => f.id)).toEqual([6, 3]);
  });

  it('says an invalid regular expression is one instead of throwing, and shows nothing', () => {
    const result = filterFrames(frames, { ...ALL_FRAMES, regex: true, text: '"seq":(4' });
    expect(result.frames).toEqual([]);
    expect(result.error).toMatch(/^Not a valid regular expression: .*(unterminated|\()/i);
  });

  it('takes regex characters literally when the regex box is off', () => {
    const rows = filterFrames([frame(1, 1, 'a(b'), frame(2, 1, 'ab')], {
      ...ALL_FRAMES,
      text: 'a(b',
    }).frames;
    expect(rows.map((f) => f.id)).toEqual([1]);
  });

  it('hides control frames on request and finds them by kind otherwise', () => {
    expect(
      filterFrames(frames, { ...ALL_FRAMES, hideControl: true }).frames.map((f) => f.id),
    ).toEqual([6, 3, 1]);
    expect(filterFrames(frames, { ...ALL_FRAMES, text: 'pong' }).frames.map((f) => f.id)).toEqual([
      5,
    ]);
  });
});

describe('connection separators', () => {
  it('puts a separator above each connection’s frames, saying how it ended', () => {
    const marks = new Map<number, ConnectionMark>([
      [
        1,
        {
          conn: 1,
          openedAt: 1_000,
          endedAt: 2_000,
          outcome: { closeCode: 1006, meaning: 'dropped' },
        },
      ],
      [2, { conn: 2, openedAt: 3_000, endedAt: null, outcome: null }],
    ]);
    const newestFirst = filterFrames(frames, ALL_FRAMES).frames;
    const rows = withConnectionRows(newestFirst, marks, (at) => `t${at / 1_000}`);
    const labels = rows.flatMap((r) => (r.type === 'connection' ? [r.label] : []));
    expect(labels).toEqual([
      'connection 2, opened t3, open now',
      'connection 1, opened t1, closed t2 (1006 Abnormal closure)',
    ]);
    expect(rows[0]).toMatchObject({ type: 'connection', conn: 2 });
    expect(rows.filter((r) => r.type === 'frame')).toHaveLength(6);
  });
});
