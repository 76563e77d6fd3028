import { describe, expect, it } from 'vitest';
import { nextQuietChange, quietState, type QuietPrefs } from './pause-presets';

const at = (h: number, m = 0) => new Date(2026, 10, 30, h, m).getTime();
const prefs = (over: Partial<QuietPrefs> = {}): QuietPrefs => ({
  enabled: true,
  pausedUntil: null,
  quietHours: { enabled: true, start: '22:00', end: '07:00' },
  ...over,
});

describe('quiet state and its next change', () => {
  it('outside quiet hours: quiet hours begin next, at their start', () => {
    expect(quietState(prefs(), at(21))).toBeNull();
    expect(nextQuietChange(prefs(), at(21))).toBe(at(22));
  });

  it('inside quiet hours that wrap midnight: they end next morning', () => {
    expect(quietState(prefs(), at(23))).toEqual({
      kind: 'quiet-hours',
      until: new Date(2026, 11, 1, 7, 0).getTime(),
    });
    expect(nextQuietChange(prefs(), at(23))).toBe(new Date(2026, 11, 1, 7, 0).getTime());
  });

  it('a pause ending before quiet hours begin comes first', () => {
    const p = prefs({ pausedUntil: at(21, 30) });
    expect(quietState(p, at(21))?.kind).toBe('paused');
    expect(nextQuietChange(p, at(21))).toBe(at(21, 30));
  });

  it('nothing changes by the clock when notifications are off or nothing is set', () => {
    expect(nextQuietChange(prefs({ enabled: false }), at(21))).toBeNull();
    const none = prefs({ quietHours: { enabled: false, start: '22:00', end: '07:00' } });
    expect(nextQuietChange(none, at(21))).toBeNull();
    const empty = prefs({ quietHours: { enabled: true, start: '22:00', end: '22:00' } });
    expect(nextQuietChange(empty, at(21))).toBeNull();
  });
});
