/**
 * Times as a person reads them on their own clock: `09:00 tomorrow`, `in 25 min`. Every surface
 * that says when something ends (a pause, a mute, quiet hours) uses these, so none shows raw UTC.
 * The time zone is the machine's (`Date`'s local methods); tests pass a fixed zone through `TZ`.
 */

const pad = (v: number) => String(v).padStart(2, '0');

/** `09:05`: local wall-clock time, 24 h. */
export function localClock(at: number): string {
  const d = new Date(at);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Local calendar days from `now`'s day to `at`'s day (0 = today, 1 = tomorrow). */
function dayOffset(at: number, now: number): number {
  const a = new Date(at);
  const n = new Date(now);
  const day = (d: Date) => Date.UTC(d.getFullYear(), d.getMonth(), d.getDate());
  return Math.round((day(a) - day(n)) / 86_400_000);
}

/** `09:00`, `09:00 tomorrow`, `09:00 Tue 3 Dec`: when `at` is, seen from `now`. */
export function localWhen(at: number, now: number): string {
  const days = dayOffset(at, now);
  const time = localClock(at);
  if (days === 0) return time;
  if (days === 1) return `${time} tomorrow`;
  if (days === -1) return `${time} yesterday`;
  const d = new Date(at);
  return `${time} ${DAYS[d.getDay()]} ${d.getDate()} ${MONTHS[d.getMonth()]}`;
}

/** `in 25 min`, `in 2 h 5 min`, `in 40 s`; `now` for anything under a second away or past. */
export function relativeIn(at: number, now: number): string {
  const ms = at - now;
  if (ms < 1_000) return 'now';
  const s = Math.round(ms / 1_000);
  if (s < 60) return `in ${s} s`;
  const m = Math.round(s / 60);
  if (m < 60) return `in ${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 ? `in ${h} h ${m % 60} min` : `in ${h} h`;
  return `in ${Math.round(h / 24)} days`;
}

/** `until 09:00 tomorrow (in 14 h 3 min)`: the words for the end of a pause or a mute. */
export function untilPhrase(at: number, now: number): string {
  return `until ${localWhen(at, now)} (${relativeIn(at, now)})`;
}
