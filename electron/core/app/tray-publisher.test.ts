import { describe, expect, it } from 'vitest';
import type { TrayModel } from './core-api';
import { TrayPublisher } from './tray-publisher';
import type { TrayEndpoint } from './tray-model';

describe('TrayPublisher', () => {
  it('publishes a model only when it differs from the last one', () => {
    let endpoints: TrayEndpoint[] = [{ name: 'Prod', state: 'open' }];
    let unread = 0;
    const published: TrayModel[] = [];
    const tray = new TrayPublisher(
      {
        endpoints: () => endpoints,
        unread: () => unread,
        pausedUntil: () => null,
        now: () => 1_000,
      },
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
});
