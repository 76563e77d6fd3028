/**
 * The ways to be quiet for a while, offered alike by the header, the bell and the tray. Pure: the
 * end of each preset follows from `now` and the local clock, so every surface agrees on it.
 */

export const PAUSE_PRESETS = ['30m', '1h', '2h', 'tomorrow'] as const;
export type PausePreset = (typeof PAUSE_PRESETS)[number];

/** Menu labels, the same words everywhere. */
export const PAUSE_PRESET_LABELS: Record<PausePreset, string> = {
  '30m': 'For 30 minutes',
  '1h': 'For 1 hour',
  '2h': 'For 2 hours',
  tomorrow: 'Until tomorrow morning',
};

/** The working day starts here: "until tomorrow morning" ends at this local time. */
export const MORNING_HOUR = 9;

/** When a preset started at `now` ends (epoch ms). */
export function pauseEnd(preset: PausePreset, now: number): number {
  switch (preset) {
    case '30m':
      return now + 30 * 60_000;
    case '1h':
      return now + 60 * 60_000;
    case '2h':
      return now + 2 * 60 * 60_000;
    case 'tomorrow':
      return nextMorning(now);
  }
}

/**
 * The next local `MORNING_HOUR`:00 after `now` that is on a later day (a pause started at 02:00
 * ends at 09:00 the same calendar day only if that is still "tomorrow morning" to the user: at
 * night, before 05:00, it is).
 */
export function nextMorning(now: number): number {
  const d = new Date(now);
  const morning = new Date(d.getFullYear(), d.getMonth(), d.getDate(), MORNING_HOUR, 0, 0, 0);
  if (d.getHours() < 5 && morning.getTime() > now) return morning.getTime();
  const next = new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1, MORNING_HOUR, 0, 0, 0);
  return next.getTime();
}

/**
 * A custom pause end from a local `HH:MM` the user typed: the next time the clock shows it
 * (today if still ahead, else tomorrow). Null for text that is not a time.
 */
export function pauseUntilClock(hhmm: string, now: number): number | null {
  const match = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(hhmm.trim());
  if (!match) return null;
  const d = new Date(now);
  const at = new Date(
    d.getFullYear(),
    d.getMonth(),
    d.getDate(),
    Number(match[1]),
    Number(match[2]),
    0,
    0,
  );
  if (at.getTime() <= now) at.setDate(at.getDate() + 1);
  return at.getTime();
}

/** Quiet hours as the prefs hold them. */
export interface QuietHoursSetting {
  enabled: boolean;
  start: string;
  end: string;
}

const minutesOf = (hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
};

/**
 * When the quiet hours in force at `now` end (epoch ms, local clock), or null when it is not
 * quiet time. Windows may wrap midnight (22:00 → 07:00).
 */
export function quietHoursEnd(quiet: QuietHoursSetting, now: number): number | null {
  if (!quiet.enabled) return null;
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  if (start === end) return null;
  const d = new Date(now);
  const m = d.getHours() * 60 + d.getMinutes();
  const inside = start < end ? m >= start && m < end : m >= start || m < end;
  if (!inside) return null;
  const at = new Date(d.getFullYear(), d.getMonth(), d.getDate(), Math.floor(end / 60), end % 60);
  if (at.getTime() <= now) at.setDate(at.getDate() + 1);
  return at.getTime();
}

/** Why notifications are held right now, and until when (null: until turned back on). */
export interface QuietState {
  kind: 'off' | 'paused' | 'quiet-hours';
  until: number | null;
}

/** The prefs that decide whether it is quiet. */
export interface QuietPrefs {
  pausedUntil: number | null;
  quietHours: QuietHoursSetting;
  enabled: boolean;
}

/** What the header and the tray say about being quiet, or null when notifications are on. */
export function quietState(prefs: QuietPrefs, now: number): QuietState | null {
  if (!prefs.enabled) return { kind: 'off', until: null };
  if (prefs.pausedUntil !== null && prefs.pausedUntil > now)
    return { kind: 'paused', until: prefs.pausedUntil };
  const quietEnd = quietHoursEnd(prefs.quietHours, now);
  return quietEnd === null ? null : { kind: 'quiet-hours', until: quietEnd };
}

/**
 * The next time the quiet state may change by the clock alone (a pause ends, quiet hours begin or
 * end), or null when only a user's change can change it. Lets a display re-read the state exactly
 * then instead of polling.
 */
export function nextQuietChange(prefs: QuietPrefs, now: number): number | null {
  if (!prefs.enabled) return null;
  const times: number[] = [];
  if (prefs.pausedUntil !== null && prefs.pausedUntil > now) times.push(prefs.pausedUntil);
  const quiet = prefs.quietHours;
  const end = quietHoursEnd(quiet, now);
  if (end !== null) times.push(end);
  else if (quiet.enabled && minutesOf(quiet.start) !== minutesOf(quiet.end)) {
    const start = minutesOf(quiet.start);
    const d = new Date(now);
    const at = new Date(
      d.getFullYear(),
      d.getMonth(),
      d.getDate(),
      Math.floor(start / 60),
      start % 60,
    );
    if (at.getTime() <= now) at.setDate(at.getDate() + 1);
    times.push(at.getTime());
  }
  return times.length === 0 ? null : Math.min(...times);
}
