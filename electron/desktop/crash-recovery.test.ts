import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defaultAppSettings } from '../../shared/model/settings';
import { ManualClock } from '../../test/support/manual-clock';
import {
  FakeBrowserWindow,
  FakeEvent,
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

const { startDesktop } = await import('./desktop-app');

/**
 * The window's renderer crashes or hangs while the app keeps running in the tray: the desktop host
 * reloads it, writes a crash report to the logs folder, logs it, shows it in the tray, and the
 * reloaded page gets a notice to show the user. Driven through the whole desktop composition with
 * the fake `electron` emitting what Electron emits.
 */

let dir: string;
let logsDir: string;
let core: FakeCore;
let clock: ManualClock;

beforeEach(() => {
  resetFakeElectron();
  dir = mkdtempSync(join(tmpdir(), 'lookout-crash-'));
  logsDir = join(dir, 'logs');
  core = new FakeCore();
  core.responses.set('app:initial-state', { settings: defaultAppSettings() });
  clock = new ManualClock(Date.UTC(2026, 10, 30, 9, 42));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function start() {
  const desktop = await startDesktop({
    createCore: () => core,
    appRoot: '/opt/lookout/app',
    dataDir: dir,
    logsDir,
    logger: { info: () => {}, warn: () => {}, error: () => {} },
    argv: ['electron', '.'],
    clock,
  });
  const win = FakeBrowserWindow.instances[0]!;
  return { desktop: desktop!, win };
}

/** The reloaded page subscribes to pushes and says so, as the real renderer does. */
function pageReady(win: FakeBrowserWindow): void {
  const frame = new FakeWebFrame('app://lookout/index.html');
  state.ipcMain.emit('app:ready', { sender: win.webContents, senderFrame: frame }, {});
}

function trayLines(): string[] {
  const menu = FakeTray.instances[0]!.menu as { template: Array<{ label?: string }> };
  return menu.template.map((item) => item.label ?? '—');
}

function reports(): Array<Record<string, unknown>> {
  const folder = join(logsDir, 'crash-reports');
  return readdirSync(folder).map(
    (name) => JSON.parse(readFileSync(join(folder, name), 'utf8')) as Record<string, unknown>,
  );
}

describe('a crashed or hung window', () => {
  it('native crash dumps stay on this machine, in the logs folder', async () => {
    await start();
    expect(state.crashReporter).toEqual({ uploadToServer: false });
    expect(state.app.paths.get('crashDumps')).toBe(join(logsDir, 'crash-dumps'));
  });

  it('a crashed renderer is reloaded with a notice, reported in the logs folder, logged and shown in the tray', async () => {
    const { desktop, win } = await start();
    expect(win.loads).toHaveLength(1);
    pageReady(win);

    win.webContents.crash('oom', 133);
    expect(win.loads).toHaveLength(2);
    const [report] = reports();
    expect(report).toMatchObject({
      process: 'renderer',
      cause: 'crashed',
      reason: 'oom',
      exitCode: 133,
      action: 'reloaded',
      atIso: '2026-11-30T09:42:00.000Z',
      versions: { app: '0.1.0' },
    });
    expect(core.logged).toContainEqual(
      expect.objectContaining({ level: 'error', message: 'window renderer crashed' }),
    );
    expect(trayLines()[1]).toMatch(/^Window reloaded at .+ after a crash$/);
    expect(FakeTray.instances[0]!.tooltip).toMatch(/after a crash$/);

    // The reloaded page listens, and is told once what happened and where the report is.
    win.webContents.sent.length = 0;
    pageReady(win);
    const notice = win.webContents.sent.find((m) => m.channel === 'app:recovered');
    expect(notice?.payload).toEqual({
      cause: 'crashed',
      reason: 'oom',
      at: clock.now(),
      reportFile: expect.stringMatching(/crash-reports\/.+-renderer\.json$/),
      reloads: 1,
    });
    // The window is on screen, so the user sees the notice: the tray stops mentioning it.
    expect(trayLines()[1]).toBe('—');
    pageReady(win);
    expect(win.webContents.sent.filter((m) => m.channel === 'app:recovered')).toHaveLength(1);
    desktop.watchdog.dispose();
  });

  it('while the window is in the tray, the tray keeps saying so until the user opens it', async () => {
    const { desktop, win } = await start();
    win.close(); // close to tray (the default): hidden, not destroyed
    expect(win.visible).toBe(false);
    win.webContents.crash('crashed', 139);
    pageReady(win);
    expect(trayLines()[1]).toMatch(/after a crash$/);
    const open = (
      FakeTray.instances[0]!.menu as { template: Array<{ label?: string; click?: () => void }> }
    ).template.find((i) => i.label === 'Open Lookout')!;
    open.click!();
    expect(trayLines()[1]).toBe('—');
    desktop.watchdog.dispose();
  });

  it('a hung renderer is given 10 s, then ended and reloaded; the tray shows the hang meanwhile', async () => {
    const { desktop, win } = await start();
    pageReady(win);
    win.emit('unresponsive');
    expect(trayLines()[1]).toBe('Window not responding');
    clock.advance(10_000);
    expect(win.webContents.forcedCrashes).toBe(1);
    await vi.waitFor(() => expect(win.loads).toHaveLength(2));
    pageReady(win);
    const notice = win.webContents.sent.find((m) => m.channel === 'app:recovered');
    expect(notice?.payload).toMatchObject({ cause: 'hung', reason: 'not responding for 10 s' });
    expect(reports()[0]).toMatchObject({ cause: 'hung', reason: 'killed' });
    desktop.watchdog.dispose();
  });

  it('a hang that passes is only logged', async () => {
    const { desktop, win } = await start();
    win.emit('unresponsive');
    clock.advance(3_000);
    win.emit('responsive');
    clock.advance(60_000);
    expect(win.webContents.forcedCrashes).toBe(0);
    expect(win.loads).toHaveLength(1);
    expect(trayLines()[1]).toBe('—');
    expect(core.logged.map((l) => l.message)).toEqual(
      expect.arrayContaining(['window not responding', 'window responding again']),
    );
    desktop.watchdog.dispose();
  });

  it('a GPU process that dies is logged and reported', async () => {
    const { desktop } = await start();
    state.app.emit('child-process-gone', new FakeEvent(), {
      type: 'GPU',
      reason: 'crashed',
      exitCode: 11,
    });
    expect(reports()[0]).toMatchObject({ process: 'gpu', reason: 'crashed', exitCode: 11 });
    expect(core.logged).toContainEqual(
      expect.objectContaining({ level: 'error', message: 'a Chromium process ended' }),
    );
    desktop.watchdog.dispose();
  });
});
