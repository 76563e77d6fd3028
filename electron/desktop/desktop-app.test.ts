import { EventEmitter } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CorePorts } from '../core/app/core-api';
import { INVOKE_CHANNELS } from '../../shared/ipc/contract';
import { defaultAppSettings, type AppSettings } from '../../shared/model/settings';
import {
  FakeBrowserWindow,
  FakeEvent,
  FakeNotification,
  FakeTray,
  FakeWebFrame,
  resetFakeElectron,
  state,
} from '../../test/support/fake-electron';
import { FakeCore } from '../../test/support/fake-core';

vi.mock(
  'electron',
  async () => (await import('../../test/support/fake-electron')).fakeElectronModule,
);

const { startDesktop, HIDDEN_ARG } = await import('./desktop-app');

const logger = { info: () => {}, warn: () => {}, error: () => {} };
let dir: string;
let core: FakeCore;
let ports: CorePorts | null;

function settings(over: Partial<AppSettings> = {}): AppSettings {
  return { ...defaultAppSettings(), ...over };
}

async function start(
  over: { argv?: string[]; initial?: Partial<AppSettings>; platform?: NodeJS.Platform } = {},
) {
  core.responses.set('app:initial-state', { settings: settings(over.initial) });
  return startDesktop({
    createCore: (p) => {
      ports = p;
      return core;
    },
    appRoot: '/opt/lookout/app',
    dataDir: dir,
    logger,
    argv: over.argv ?? ['electron', '.'],
    createUpdater: () => fakeUpdater,
    ...(over.platform ? { platform: over.platform } : {}),
  });
}

class FakeUpdater extends EventEmitter {
  autoDownload = false;
  autoInstallOnAppQuit = false;
  feeds: unknown[] = [];
  checks = 0;
  installs = 0;
  setFeedURL(options: unknown): void {
    this.feeds.push(options);
  }
  checkForUpdates(): Promise<unknown> {
    this.checks += 1;
    return Promise.resolve(null);
  }
  quitAndInstall(): void {
    this.installs += 1;
  }
}
let fakeUpdater: FakeUpdater;

beforeEach(() => {
  resetFakeElectron();
  dir = mkdtempSync(join(tmpdir(), 'lookout-desktop-'));
  core = new FakeCore();
  ports = null;
  fakeUpdater = new FakeUpdater();
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('desktop composition', () => {
  it('wires ports, core, window, IPC gateway and tray', async () => {
    const desktop = await start();
    expect(desktop).not.toBeNull();
    expect(ports).toMatchObject({ dataDir: dir, hostKind: 'electron', appVersion: '0.1.0' });
    // Linux: D-Bus to the daemon first (buttons, do-not-disturb), Electron's own as the fallback.
    expect(ports!.notifier.name).toBe(
      process.platform === 'linux'
        ? 'dbus/org.freedesktop.Notifications, else electron'
        : 'electron',
    );
    expect(ports!.secretCipher!.backend).toBeTypeOf('string');
    expect(ports!.system).toBeDefined();
    expect(core.started).toBe(1);
    expect(FakeBrowserWindow.instances).toHaveLength(1);
    const win = FakeBrowserWindow.instances[0]!;
    expect(win.loadedUrl).toBe('app://lookout/index.html');
    expect((win.options.webPreferences as { preload: string }).preload).toBe(
      '/opt/lookout/app/dist/desktop/preload.cjs',
    );
    expect([...state.ipcMain.handlers.keys()].sort()).toEqual([...INVOKE_CHANNELS].sort());
    expect(state.headersListener).not.toBeNull();
    expect(FakeTray.instances).toHaveLength(1);
    expect(FakeTray.instances[0]!.image).toMatchObject({
      path: '/opt/lookout/app/dist/desktop/tray/tray-ok.png',
    });
  });

  it('saves an export where the user chooses in the save dialog; a cancel writes nothing', async () => {
    await start();
    state.app.setPath('downloads', dir);
    const target = join(dir, 'chosen', 'bundle.json');
    mkdirSync(join(dir, 'chosen'));
    state.saveDialogAnswer = { canceled: false, filePath: target };
    await expect(ports!.saveFile!('lookout-support-bundle-x.json', '{"kind":1}\n')).resolves.toBe(
      target,
    );
    expect(readFileSync(target, 'utf8')).toBe('{"kind":1}\n');
    // A sheet on the window, proposing Downloads with the suggested name and its file type.
    expect(state.saveDialogs[0]).toMatchObject({
      parent: true,
      options: {
        defaultPath: join(dir, 'lookout-support-bundle-x.json'),
        filters: [
          { name: 'JSON', extensions: ['json'] },
          { name: 'All files', extensions: ['*'] },
        ],
      },
    });
    state.saveDialogAnswer = { canceled: true, filePath: '' };
    await expect(ports!.saveFile!('session.jsonl', 'x')).resolves.toBeNull();
    expect(state.saveDialogs[1]?.options).toMatchObject({
      filters: [
        { name: 'JSON lines', extensions: ['jsonl'] },
        { name: 'All files', extensions: ['*'] },
      ],
    });
    expect(existsSync(join(dir, 'session.jsonl'))).toBe(false);
  });

  it('IPC from the window reaches the core; pushes reach the window', async () => {
    await start();
    const win = FakeBrowserWindow.instances[0]!;
    const frame = new FakeWebFrame('app://lookout/index.html');
    await state.ipcMain.invoke(
      'endpoints:list',
      { sender: win.webContents, senderFrame: frame },
      {},
    );
    expect(core.invoked.at(-1)).toEqual({ channel: 'endpoints:list', request: {} });
    core.push('app:navigate', { link: 'diagnostics' });
    expect(win.webContents.sent).toContainEqual({
      channel: 'app:navigate',
      payload: { link: 'diagnostics' },
    });
  });

  it('a second launch focuses the first window; a second instance quits at once', async () => {
    await start();
    const win = FakeBrowserWindow.instances[0]!;
    win.hide();
    state.app.emit('second-instance');
    expect(win.visible).toBe(true);
    expect(win.focused).toBe(true);

    resetFakeElectron();
    state.app.gotLock = false;
    core = new FakeCore();
    ports = null;
    await expect(start()).resolves.toBeNull();
    expect(ports).toBeNull();
    expect(state.app.quitCalls).toBe(1);
  });

  it('a notification click focuses the window (the core navigates on its own subscription)', async () => {
    await start();
    const win = FakeBrowserWindow.instances[0]!;
    win.hide();
    await ports!.notifier.show({
      id: 'e1',
      title: 't',
      body: 'b',
      severity: 'warning',
      link: 'businesses/17',
      endpoint: 'prod',
      groupKey: 'prod|alert',
      origin: 'alert',
      eventIds: ['e1'],
    });
    FakeNotification.instances[0]!.emit('click');
    expect(win.visible).toBe(true);
    expect(win.focused).toBe(true);
    expect(core.clicked).toEqual([]);
  });

  it('closing the window keeps the app in the tray until closeToTray is turned off', async () => {
    await start();
    const win = FakeBrowserWindow.instances[0]!;
    win.close();
    expect(win.destroyed).toBe(false);
    expect(win.visible).toBe(false);
    core.push('settings:changed', settings({ closeToTray: false }));
    win.close();
    expect(win.destroyed).toBe(true);
    state.app.emit('window-all-closed');
    expect(state.app.quitCalls).toBe(1);
  });

  it('tray menu drives the core', async () => {
    await start();
    type Item = { id?: string; click?: () => void };
    const menu = (FakeTray.instances[0]!.menu as { template: Item[] }).template;
    menu.find((i) => i.id === 'reconnect')!.click!();
    expect(core.reconnects).toBe(1);
    menu.find((i) => i.id === 'quit')!.click!();
    expect(state.app.quitCalls).toBe(1);
  });

  it('quit stops the core before the app exits', async () => {
    const desktop = await start();
    const first = new FakeEvent();
    state.app.emit('before-quit', first);
    expect(first.defaultPrevented).toBe(true);
    expect(desktop!.isQuitting()).toBe(true);
    await vi.waitFor(() => expect(state.app.quitCalls).toBe(1), { timeout: 2_000 });
    expect(core.stopped).toBe(1);
    expect(state.ipcMain.handlers.size).toBe(0);
    const second = new FakeEvent();
    state.app.emit('before-quit', second);
    expect(second.defaultPrevented).toBe(false);
  });

  it('start at login is applied only to installed builds, with the hidden flag', async () => {
    // On Linux (where tests run) the host writes an XDG autostart entry: keep it in the temp dir.
    vi.stubEnv('XDG_CONFIG_HOME', join(dir, 'config'));
    const entry = join(dir, 'config', 'autostart', 'lookout.desktop');
    try {
      state.app.isPackaged = true;
      await start({ initial: { startAtLogin: true } });
      expect(readFileSync(entry, 'utf8')).toMatch(new RegExp(`^Exec=.+ ${HIDDEN_ARG}$`, 'm'));
      core.push('settings:changed', settings({ startAtLogin: false }));
      expect(existsSync(entry)).toBe(false);

      resetFakeElectron();
      core = new FakeCore();
      await start({ initial: { startAtLogin: true } });
      expect(existsSync(entry)).toBe(false);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('on macOS start at login registers a login item and a login start opens no window', async () => {
    state.app.isPackaged = true;
    await start({ initial: { startAtLogin: true }, platform: 'darwin' });
    expect(state.app.loginItem).toEqual({ openAtLogin: true });
    expect(FakeBrowserWindow.instances).toHaveLength(1); // opened by the user: the window shows

    resetFakeElectron();
    core = new FakeCore();
    state.app.openedAtLogin = true; // macOS launched it at login: stay in the tray
    await start({ initial: { startAtLogin: true }, platform: 'darwin' });
    expect(FakeBrowserWindow.instances).toHaveLength(0);
    FakeTray.instances[0]!.emit('click');
    expect(FakeBrowserWindow.instances).toHaveLength(1);
  });

  it('started at login with --hidden: no window until asked', async () => {
    await start({ argv: ['lookout', HIDDEN_ARG] });
    expect(FakeBrowserWindow.instances).toHaveLength(0);
    FakeTray.instances[0]!.emit('click');
    expect(FakeBrowserWindow.instances).toHaveLength(1);
  });

  it('auto-update stays off by default and follows the setting', async () => {
    state.app.isPackaged = true;
    const desktop = await start();
    expect(desktop!.updates.state.status).toBe('off');
    expect(fakeUpdater.checks).toBe(0);
    core.push(
      'settings:changed',
      settings({ autoUpdate: true, updateFeedUrl: 'https://updates.example.org/lookout/' }),
    );
    expect(fakeUpdater.feeds).toEqual([
      { provider: 'generic', url: 'https://updates.example.org/lookout/' },
    ]);
    expect(fakeUpdater.checks).toBe(1);
    fakeUpdater.emit('update-downloaded', { version: '0.2.0' });
    type Item = { id?: string; label?: string; click?: () => void };
    const menu = (FakeTray.instances[0]!.menu as { template: Item[] }).template;
    const install = menu.find((i) => i.id === 'install-update')!;
    expect(install.label).toBe('Restart to install 0.2.0');
    install.click!();
    expect(fakeUpdater.installs).toBe(1);
    desktop!.updates.dispose();
  });

  it('shows the update state in the window too, pushed as it changes', async () => {
    state.app.isPackaged = true;
    const desktop = await start();
    FakeTray.instances[0]!.emit('click');
    const contents = FakeBrowserWindow.instances[0]!.webContents;
    // A freshly loaded page says it listens; the host then sends its own state.
    const frame = new FakeWebFrame('app://lookout/index.html');
    state.ipcMain.emit('app:ready', { sender: contents, senderFrame: frame }, {});
    expect(contents.sent).toContainEqual({
      channel: 'app:update',
      payload: expect.objectContaining({ status: 'off' }),
    });
    core.push(
      'settings:changed',
      settings({ autoUpdate: true, updateFeedUrl: 'https://updates.example.org/lookout/' }),
    );
    fakeUpdater.emit('update-downloaded', { version: '0.3.0' });
    expect(contents.sent.filter((m) => m.channel === 'app:update').at(-1)).toEqual({
      channel: 'app:update',
      payload: { status: 'downloaded', version: '0.3.0' },
    });
    desktop!.updates.dispose();
  });
});
