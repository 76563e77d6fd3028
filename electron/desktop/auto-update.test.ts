import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AutoUpdateController, updateLabel } from './auto-update';
import { invokeRequestSchemas } from '../../shared/ipc/contract';
import { defaultAppSettings, updateFeedProblem } from '../../shared/model/settings';

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

  it('refuses an update feed that is not https (or http on this machine), and says what to do', () => {
    const updater = new FakeUpdater();
    const controller = new AutoUpdateController({
      createUpdater: () => updater,
      isPackaged: true,
      hasBuiltInFeed: true,
      logger,
    });
    for (const feed of [
      'http://updates.example.com/lookout/',
      'file:///tmp/evil/',
      'javascript:alert(1)',
      'ftp://updates.example.com/',
      'http://localhost.evil.example/',
      'http://127.0.0.1.nip.io/',
    ]) {
      // A settings file written by an older Lookout, or by hand, is refused here too.
      controller.apply({ autoUpdate: true, updateFeedUrl: feed });
      expect(controller.state, feed).toEqual({
        status: 'off',
        reason: expect.stringMatching(/https:\/\/.*Settings/) as unknown as string,
      });
    }
    expect(updater.feeds).toEqual([]);
    expect(updater.checks).toBe(0);
    controller.apply({ autoUpdate: true, updateFeedUrl: 'https://updates.example.com/lookout/' });
    controller.apply({ autoUpdate: true, updateFeedUrl: 'http://127.0.0.1:8080/feed/' });
    controller.apply({ autoUpdate: true, updateFeedUrl: 'http://localhost:8080/feed/' });
    expect(updater.feeds).toEqual([
      { provider: 'generic', url: 'https://updates.example.com/lookout/' },
      { provider: 'generic', url: 'http://127.0.0.1:8080/feed/' },
      { provider: 'generic', url: 'http://localhost:8080/feed/' },
    ]);
    controller.dispose();
  });
});

describe('the update feed URL setting', () => {
  const set = (updateFeedUrl: string | null) =>
    invokeRequestSchemas['settings:set'].safeParse({
      settings: { ...defaultAppSettings(), updateFeedUrl },
    });

  it('accepts https and http://localhost or 127.0.0.1 (for testing), nothing else', () => {
    expect(set('https://updates.example.com/lookout/').success).toBe(true);
    expect(set('http://localhost:8080/').success).toBe(true);
    expect(set('http://127.0.0.1/feed').success).toBe(true);
    expect(set(null).success).toBe(true);
    for (const bad of [
      'http://updates.example.com/',
      'file:///etc/',
      'javascript:alert(1)',
      'data:text/plain,x',
    ])
      expect(set(bad).success, bad).toBe(false);
  });

  it('explains a refused feed in words that say what to do', () => {
    expect(updateFeedProblem('https://updates.example.com/')).toBeNull();
    expect(updateFeedProblem('http://updates.example.com/')).toMatch(/https:\/\//);
    expect(updateFeedProblem('file:///tmp/')).toMatch(/https:\/\//);
    expect(updateFeedProblem('not a url')).toMatch(/https:\/\//);
  });
});
