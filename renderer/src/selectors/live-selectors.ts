import type { EndpointLive, TaskItem, TaskStatus } from '../../../shared/model/app-state';
import type { StatsSample } from '../../../shared/model/live-event';
import type { Tone } from './connection-health';

/** How long a new or changed row stays highlighted. */
export const FRESH_MS = 4_000;

/** A row that arrived in the last few seconds is highlighted. */
export function isFresh(at: number, now: number): boolean {
  return now - at >= -1_000 && now - at < FRESH_MS;
}

/**
 * Endpoints whose stats the view can show: configured ones with samples, in configuration order
 * (a removed endpoint's figures are never a default, even while its data is on its way out).
 */
export function endpointsWithStats(
  live: Record<string, EndpointLive>,
  configured: readonly string[],
): string[] {
  return configured.filter((id) => (live[id]?.statsHistory.length ?? 0) > 0);
}

/** The endpoint the stats view shows: the chosen one if it has data, else the first configured one with data. */
export function statsEndpointOf(
  live: Record<string, EndpointLive>,
  chosen: string | null,
  configured: readonly string[],
): string | null {
  const candidates = endpointsWithStats(live, configured);
  if (chosen && candidates.includes(chosen)) return chosen;
  return candidates[0] ?? null;
}

/** A stretch of time with no samples (ms): the app was not running, or no figures came. */
export interface SeriesGap {
  from: number;
  to: number;
}

/** Samples further apart than this (and than 3 × the usual spacing) are not joined by a line. */
export const MIN_GAP_MS = 5_000;

/** The gaps between consecutive sample times: spacing beyond max(MIN_GAP_MS, 3 × the median). */
export function sampleGaps(times: readonly number[]): SeriesGap[] {
  if (times.length < 2) return [];
  const steps = times.slice(1).map((t, i) => t - (times[i] ?? t));
  const median = [...steps].sort((a, b) => a - b)[Math.floor(steps.length / 2)] ?? 0;
  const limit = Math.max(MIN_GAP_MS, 3 * median);
  const gaps: SeriesGap[] = [];
  steps.forEach((step, i) => {
    if (step > limit) gaps.push({ from: times[i] ?? 0, to: times[i + 1] ?? 0 });
  });
  return gaps;
}

/**
 * uPlot columns (seconds, messages/s, queue depth) of the last `windowMs` of samples. A gap gets a
 * null point in its middle, so the chart shows it as a gap instead of a straight line across it.
 */
export function throughputSeries(
  history: readonly StatsSample[],
  windowMs = 5 * 60_000,
): [number[], Array<number | null>, Array<number | null>] {
  const last = history[history.length - 1];
  if (!last) return [[], [], []];
  const from = last.at - windowMs;
  const shown = history.filter((s) => s.at >= from);
  const gapsAfter = new Set(sampleGaps(shown.map((s) => s.at)).map((g) => g.from));
  const xs: number[] = [];
  const rate: Array<number | null> = [];
  const queue: Array<number | null> = [];
  shown.forEach((s, i) => {
    xs.push(s.at / 1_000);
    rate.push(s.messagesPerSecond);
    queue.push(s.queueDepth);
    const next = shown[i + 1];
    if (next && gapsAfter.has(s.at)) {
      xs.push((s.at + next.at) / 2 / 1_000);
      rate.push(null);
      queue.push(null);
    }
  });
  return [xs, rate, queue];
}

export interface StatCard {
  id: 'throughput' | 'queue' | 'batches' | 'progress';
  label: string;
  value: string;
  hint: string;
  /** 0–100 for a progress bar, or null. */
  percent: number | null;
  tone: Tone;
}

const fmt = new Intl.NumberFormat('en-US');

/** The four stat cards of one sample; trend against a sample ~1 minute older. */
export function statCards(sample: StatsSample | null, previous: StatsSample | null): StatCard[] {
  if (!sample) return [];
  const trend = (now: number, before: number | undefined) => {
    if (before === undefined || before === 0) return '';
    const pct = Math.round(((now - before) / before) * 100);
    return pct === 0
      ? 'flat vs 1 min ago'
      : `${pct > 0 ? '▲' : '▼'} ${Math.abs(pct)}% vs 1 min ago`;
  };
  const degraded = sample.degraded;
  return [
    {
      id: 'throughput',
      label: 'Throughput',
      value: `${fmt.format(Math.round(sample.messagesPerSecond))} msg/s`,
      hint: degraded
        ? 'Degraded: figures are not real'
        : trend(sample.messagesPerSecond, previous?.messagesPerSecond) ||
          `${fmt.format(sample.totalMessages)} total`,
      percent: null,
      tone: degraded ? 'warn' : 'ok',
    },
    {
      id: 'queue',
      label: 'Queue depth',
      value: fmt.format(sample.queueDepth),
      hint: trend(sample.queueDepth, previous?.queueDepth) || 'messages waiting',
      percent: null,
      tone: sample.queueDepth > 1_000 ? 'warn' : 'info',
    },
    {
      id: 'batches',
      label: 'Batches',
      value: fmt.format(sample.totalBatches),
      hint: `avg ${fmt.format(Math.round(sample.avgBatchSize))} per batch · ${sample.batchesReady} ready`,
      percent: null,
      tone: 'info',
    },
    {
      id: 'progress',
      label: 'Batch progress',
      value: `${Math.round(sample.batchProgressPercent)}%`,
      hint: `${fmt.format(sample.batchProgress)} of ${fmt.format(sample.batchThreshold)}`,
      percent: Math.max(0, Math.min(100, sample.batchProgressPercent)),
      tone: 'info',
    },
  ];
}

/** A sample about `agoMs` before the newest, for trends. */
export function sampleBefore(history: readonly StatsSample[], agoMs = 60_000): StatsSample | null {
  const last = history[history.length - 1];
  if (!last) return null;
  for (let i = history.length - 1; i >= 0; i -= 1) {
    const s = history[i];
    if (s && s.at <= last.at - agoMs) return s;
  }
  return null;
}

export const TASK_TONES: Record<TaskStatus, Tone> = {
  created: 'muted',
  pending: 'muted',
  processing: 'info',
  updated: 'info',
  completed: 'ok',
  failed: 'bad',
  unknown: 'warn',
};

export interface TaskCounts {
  active: number;
  completed: number;
  failed: number;
}

export function taskCounts(tasks: readonly TaskItem[]): TaskCounts {
  let active = 0;
  let completed = 0;
  let failed = 0;
  for (const t of tasks) {
    if (t.status === 'completed') completed += 1;
    else if (t.status === 'failed') failed += 1;
    else active += 1;
  }
  return { active, completed, failed };
}

/** Key fields of a business's data shown as chips (strings and numbers, first few). */
export function keyFields(data: Record<string, unknown>, max = 4): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const [k, v] of Object.entries(data)) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
      if (/token|secret|password|cookie/i.test(k)) continue;
      out.push([k, String(v)]);
      if (out.length >= max) break;
    }
  }
  return out;
}

export interface InboxCard {
  key: string;
  /** `agent-inbox-active` → `Agent inbox active`. */
  label: string;
  count: number;
}

/** One card per inbox of an `unread.counts` report, the unified inbox first, then by name. */
export function inboxCards(counts: Readonly<Record<string, number>> | null): InboxCard[] {
  if (!counts) return [];
  const label = (key: string) => {
    const words = key.replace(/[-_]+/g, ' ').trim();
    return words ? words.charAt(0).toUpperCase() + words.slice(1) : key;
  };
  return Object.entries(counts)
    .map(([key, count]) => ({ key, label: label(key), count }))
    .sort((a, b) =>
      a.key === 'unified-inbox'
        ? -1
        : b.key === 'unified-inbox'
          ? 1
          : a.label.localeCompare(b.label),
    );
}
