import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AutoUpdateController, updateLabel } from '../../electron/desktop/auto-update';

class FakeUpdater extends EventEmitter {
  autoDownload = false;
  autoInstallOnAppQuit = false;
  feeds: unknown[] = [];
  checks = 0;
  fail: Error | null = null;
  setFeedURL(options: unknown): void {
    this.feeds.push(options);
  }
  checkForUpdates(): Promise<unknown> {
    this.checks += 1;
    return this.fail ? Promise.reject(this.fail) : Promise.resolve(null);
  }
  quitAndInstall(): void {}
}

const logger = { info: () => {}, warn: () => {}, error: () => {} };
const off = { autoUpdate: false, updateFeedUrl: null };

describe('AutoUpdateController', () => {
  afterEach(() => vi.useRealTimers());

  it('never loads the updater while the setting is off', () => {
    const create = vi.fn(() => new FakeUpdater());
    const controller = new AutoUpdateController({
      createUpdater: create,
      isPackaged: true,
      logger,
    });
    controller.apply(off);
    expect(create).not.toHaveBeenCalled();
    expect(controller.state).toEqual({ status: 'off', reason: 'Automatic updates are off.' });
  });

  it('says why it is off in development builds', () => {
    const create = vi.fn(() => new FakeUpdater());
    const controller = new AutoUpdateController({
      createUpdater: create,
      isPackaged: false,
      logger,
    });
    controller.apply({ autoUpdate: true, updateFeedUrl: null });
    expect(create).not.toHaveBeenCalled();
    expect(controller.state.status).toBe('off');
  });

  it('checks at once and periodically, reports progress, stops when turned off', async () => {
    vi.useFakeTimers();
    const updater = new FakeUpdater();
    const states: string[] = [];
    const controller = new AutoUpdateController({
      createUpdater: () => updater,
      isPackaged: true,
      hasBuiltInFeed: true,
      logger,
      intervalMs: 1_000,
    });
    controller.onChange((s) => states.push(s.status));
    controller.apply({ autoUpdate: true, updateFeedUrl: null });
    expect(updater.autoDownload).toBe(true);
    expect(updater.feeds).toEqual([]);
    expect(updater.checks).toBe(1);
    updater.emit('checking-for-update');
    updater.emit('update-available', { version: '0.2.0' });
    updater.emit('download-progress', { percent: 41.6 });
    expect(controller.state).toEqual({ status: 'downloading', version: '0.2.0', percent: 42 });
    expect(updateLabel(controller.state)).toBe('Downloading update 0.2.0 (42%)');
    vi.advanceTimersByTime(1_000);
    expect(updater.checks).toBe(2);
    controller.apply(off);
    vi.advanceTimersByTime(5_000);
    expect(updater.checks).toBe(2);
    expect(states).toEqual(['idle', 'checking', 'downloading', 'downloading', 'off']);
  });

  it('a failing check is an error state, not a crash', async () => {
    const updater = new FakeUpdater();
    updater.fail = new Error('feed unreachable');
    const controller = new AutoUpdateController({
      createUpdater: () => updater,
      isPackaged: true,
      logger,
    });
    controller.apply({ autoUpdate: true, updateFeedUrl: 'https://u.example.org/' });
    await vi.waitFor(() => expect(controller.state.status).toBe('error'));
    expect(updateLabel(controller.state)).toBe('Update failed (see log)');
    controller.dispose();
  });

  it('stays off without a feed when the build has none', () => {
    const create = vi.fn(() => new FakeUpdater());
    const controller = new AutoUpdateController({
      createUpdater: create,
      isPackaged: true,
      logger,
    });
    controller.apply({ autoUpdate: true, updateFeedUrl: null });
    expect(create).not.toHaveBeenCalled();
    expect(controller.state).toEqual({
      status: 'off',
      reason: 'No update feed is configured: set one in Settings.',
    });
  });

  it('an updater that cannot load is an error state', () => {
    const controller = new AutoUpdateController({
      createUpdater: () => {
        throw new Error('missing app-update.yml');
      },
      isPackaged: true,
      hasBuiltInFeed: true,
      logger,
    });
    controller.apply({ autoUpdate: true, updateFeedUrl: null });
    expect(controller.state).toEqual({
      status: 'error',
      message: 'updater unavailable: missing app-update.yml',
    });
  });
});
