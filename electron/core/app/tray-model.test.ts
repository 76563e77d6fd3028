import { describe, expect, it } from 'vitest';
import { trayModel } from './tray-model';

const base = { unread: 0, quiet: null, now: 1_000 };

describe('trayModel', () => {
  it('is ok when every endpoint is open', () => {
    const m = trayModel({
      ...base,
      states: [
        { name: 'a', state: 'open' },
        { name: 'b', state: 'open' },
      ],
    });
    expect(m).toMatchObject({ health: 'ok', tooltip: 'Lookout: 2 of 2 endpoints healthy' });
  });

  it('puts sign-in first, then disconnected, then degraded', () => {
    expect(
      trayModel({
        ...base,
        states: [
          { name: 'a', state: 'auth-required' },
          { name: 'b', state: 'backing-off' },
        ],
      }).health,
    ).toBe('sign-in');
    expect(
      trayModel({
        ...base,
        states: [
          { name: 'a', state: 'backing-off' },
          { name: 'b', state: 'connecting' },
        ],
      }).health,
    ).toBe('disconnected');
    expect(
      trayModel({
        ...base,
        states: [
          { name: 'a', state: 'open' },
          { name: 'b', state: 'stale' },
        ],
      }).health,
    ).toBe('degraded');
    expect(
      trayModel({ ...base, states: [{ name: 'a', state: 'open', delivery: 'degraded' }] }).health,
    ).toBe('degraded');
    expect(trayModel({ ...base, states: [] }).health).toBe('disconnected');
  });

  it('never counts a deaf or unverified endpoint as healthy, and names it', () => {
    const m = trayModel({
      ...base,
      states: [
        { name: 'chat', state: 'open', delivery: 'deaf' },
        { name: 'jobs', state: 'open', delivery: 'unverified' },
        { name: 'tasks', state: 'open', delivery: 'quiet' },
        { name: 'stats', state: 'open', delivery: 'flowing' },
        { name: 'probe', state: 'open', delivery: 'verified' },
      ],
    });
    expect(m.health).toBe('degraded');
    expect(m.tooltip).toBe(
      'Lookout: 3 of 5 endpoints healthy, 1 deaf (restart the service), 1 delivery unverified',
    );
  });

  it('shows unread and an active pause', () => {
    const m = trayModel({
      states: [{ name: 'a', state: 'open' }],
      unread: 3,
      quiet: { kind: 'paused', until: 5_000 },
      now: 1_000,
    });
    expect(m).toMatchObject({ unread: 3, notificationsPaused: true, pausedUntil: 5_000 });
    expect(m.tooltip).toMatch(
      /^Lookout: 1 of 1 endpoint healthy, 3 unread, notifications paused until \d\d:\d\d/,
    );
    expect(trayModel({ states: [], unread: 0, quiet: null, now: 1_000 }).notificationsPaused).toBe(
      false,
    );
  });

  it('names quiet hours and notifications turned off, which are not a pause to resume', () => {
    const quietHours = trayModel({
      states: [{ name: 'a', state: 'open' }],
      unread: 0,
      quiet: { kind: 'quiet-hours', until: 5_000 },
      now: 1_000,
    });
    expect(quietHours).toMatchObject({ notificationsPaused: false, pausedUntil: null });
    expect(quietHours.quiet?.kind).toBe('quiet-hours');
    expect(quietHours.tooltip).toMatch(/, quiet hours until \d\d:\d\d/);
    const off = trayModel({
      states: [{ name: 'a', state: 'open' }],
      unread: 0,
      quiet: { kind: 'off', until: null },
      now: 1_000,
    });
    expect(off.tooltip).toBe('Lookout: 1 of 1 endpoint healthy, notifications off');
  });
});
