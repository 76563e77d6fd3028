import type { FrameRecord } from '../../../shared/model/connection';

export interface FrameFilter {
  dir: 'all' | 'in' | 'out';
  /** Only frames that were rejected, or whose events were not applied (duplicates, copies…). */
  rejectedOnly: boolean;
  text: string;
}

export const ALL_FRAMES: FrameFilter = { dir: 'all', rejectedOnly: false, text: '' };

/** Frames passing the log's filter, newest first (the log reads top-down like a feed). */
export function filterFrames(frames: readonly FrameRecord[], filter: FrameFilter): FrameRecord[] {
  const text = filter.text.trim().toLowerCase();
  const out: FrameRecord[] = [];
  for (let i = frames.length - 1; i >= 0; i -= 1) {
    const f = frames[i];
    if (!f) continue;
    if (filter.dir !== 'all' && f.dir !== filter.dir) continue;
    if (filter.rejectedOnly && !f.rejected && !f.dropped) continue;
    if (
      text &&
      !f.preview.toLowerCase().includes(text) &&
      !(f.rejected ?? '').toLowerCase().includes(text) &&
      !(f.dropped ?? '').toLowerCase().includes(text)
    )
      continue;
    out.push(f);
  }
  return out;
}
