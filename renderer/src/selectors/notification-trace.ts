import type { NotificationTraceEntry } from '../../../shared/model/diagnostics';

export interface TraceLine {
  at: number;
  step: NotificationTraceEntry['step'];
  label: string;
  detail: string;
  tone: 'ok' | 'warn' | 'bad' | 'neutral';
}

const LABEL: Record<NotificationTraceEntry['step'], { label: string; tone: TraceLine['tone'] }> = {
  notify: { label: 'Decided to notify', tone: 'ok' },
  delivered: { label: 'Delivered to the desktop', tone: 'ok' },
  suppress: { label: 'Not shown', tone: 'neutral' },
  coalesce: { label: 'Grouped', tone: 'warn' },
  summary: { label: 'Shown in a summary', tone: 'ok' },
  digest: { label: 'Shown in a digest', tone: 'ok' },
  failed: { label: 'Delivery failed', tone: 'bad' },
};

/** The decision trace of one event as lines a person reads, oldest first. */
export function traceLines(entries: readonly NotificationTraceEntry[]): TraceLine[] {
  return [...entries]
    .sort((a, b) => a.at - b.at)
    .map((e) => ({ at: e.at, step: e.step, detail: e.detail, ...LABEL[e.step] }));
}
