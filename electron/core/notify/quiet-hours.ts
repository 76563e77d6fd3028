/** Pure: whether a time falls in the user's quiet hours (local time injected). */
import type { NotifyPrefs } from '../../../shared/model/notify-prefs';

/** Minutes since local midnight for an epoch ms; injected so tests do not depend on the machine's zone. */
export type LocalMinutes = (epochMs: number) => number;

/** The machine's local wall clock. */
export const systemLocalMinutes: LocalMinutes = (ms) => {
  const d = new Date(ms);
  return d.getHours() * 60 + d.getMinutes();
};

function toMinutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/** True when `now` falls in the quiet-hours window; windows may wrap midnight (22:00 → 07:00). */
export function inQuietHours(
  quiet: NotifyPrefs['quietHours'],
  now: number,
  localMinutes: LocalMinutes,
): boolean {
  if (!quiet.enabled) return false;
  const start = toMinutes(quiet.start);
  const end = toMinutes(quiet.end);
  if (start === end) return false;
  const m = localMinutes(now);
  return start < end ? m >= start && m < end : m >= start || m < end;
}

/** `pausedUntil` for "pause for 1 hour". */
export function pauseForOneHour(now: number): number {
  return now + 60 * 60 * 1000;
}

/**
 * `pausedUntil` for "pause until tomorrow": tomorrow at 08:00 local time, the start of a
 * working day, rather than midnight (which would wake the user at night).
 */
export function pauseUntilTomorrow(now: number, localMinutes: LocalMinutes): number {
  const minutesLeftToday = 24 * 60 - localMinutes(now);
  const midnight = now + minutesLeftToday * 60_000 - (now % 60_000);
  return midnight + 8 * 60 * 60_000;
}
