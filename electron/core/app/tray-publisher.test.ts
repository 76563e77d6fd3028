import { describe, expect, it } from 'vitest';
import type { QuietPrefs } from '../../../shared/model/pause-presets';
import { ManualClock } from '../../../test/support/manual-clock';
import type { TrayModel } from './core-api';
import { TrayPublisher } from './tray-publisher';
import type { TrayEndpoint } from './tray-model';

const noQuiet = (): QuietPrefs => ({
  enabled: true,
  pausedUntil: null,
  quietHours: { enabled: false, start: '22:00', end: '07:00' },
});

describe('TrayPublisher', () => {
  it('publishes a model only when it differs from the last one', () => {
    let endpoints: TrayEndpoint[] = [{ name: 'Prod', state: 'open' }];
    let unread = 0;
    const published: TrayModel[] = [];
    const tray = new TrayPublisher(
      { endpoints: () => endpoints, unread: () => unread, quiet: noQuiet },
      new ManualClock(1_000),
      (model) => published.push(model),
    );
    tray.update();
    tray.update();
    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject({ health: 'ok', unread: 0 });
    unread = 2;
    tray.update();
    endpoints = [{ name: 'Prod', state: 'backing-off' }];
    tray.update();
    tray.update();
    expect(published.map((m) => [m.health, m.unread])).toEqual([
      ['ok', 0],
      ['ok', 2],
      ['disconnected', 2],
    ]);
    expect(tray.model()).toEqual(published[2]);
  });

  it('wakes by itself when a pause ends and when quiet hours begin, with no other event', () => {
    const clock = new ManualClock(new Date(2026, 10, 30, 21, 0).getTime());
    const prefs: QuietPrefs = {
      enabled: true,
      pausedUntil: clock.now() + 30 * 60_000,
      quietHours: { enabled: true, start: '22:00', end: '07:00' },
    };
    const published: TrayModel[] = [];
    const tray = new TrayPublisher(
      { endpoints: () => [{ name: 'Prod', state: 'open' }], unread: () => 0, quiet: () => prefs },
      clock,
      (model) => published.push(model),
    );
    tray.update();
    expect(published.at(-1)?.quiet?.kind).toBe('paused');
    clock.advance(30 * 60_000 + 1);
    expect(published.at(-1)?.quiet).toBeNull();
    expect(published.at(-1)?.notificationsPaused).toBe(false);
    clock.advance(30 * 60_000);
    expect(published.at(-1)?.quiet?.kind).toBe('quiet-hours');
    expect(published).toHaveLength(3);
    tray.close();
    clock.advance(24 * 3_600_000);
    expect(published).toHaveLength(3);
  });
});
