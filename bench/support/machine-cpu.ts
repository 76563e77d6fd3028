import { readFileSync } from 'node:fs';
import { round } from './stats';

/** Idle and total jiffies of all CPUs (Linux `/proc/stat`); null elsewhere. */
export function cpuTimes(): { idle: number; total: number } | null {
  try {
    const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '')
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    const total = fields.reduce((a, b) => a + b, 0);
    return { idle: (fields[3] ?? 0) + (fields[4] ?? 0), total };
  } catch {
    return null;
  }
}

/** Share of CPU time (all cores) left idle between two readings, %; null when unknown. */
export function idlePercent(
  from: ReturnType<typeof cpuTimes>,
  to: ReturnType<typeof cpuTimes>,
): number | null {
  if (!from || !to || to.total <= from.total) return null;
  return round(((to.idle - from.idle) / (to.total - from.total)) * 100, 1);
}
