import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { InitialState } from '../../../shared/ipc/contract';
import {
  FakeBrowserWindow,
  FakeEvent,
  FakeWebFrame,
  resetFakeElectron,
  state,
} from '../../support/fake-electron';

vi.mock('electron', async () => (await import('../../support/fake-electron')).fakeElectronModule);
vi.mock('electron-updater', () => ({ autoUpdater: {} }));

/**
 * The desktop entry point (`electron/desktop/main.ts`) itself, imported as Electron would run it
 * (with the fake `electron`): it must install a last-resort handler, so an exception nobody caught
 * in the main process is written to the user's log file and the app keeps running (Node's default
 * would end it, window, tray and all).
 */

const dir = mkdtempSync(join(tmpdir(), 'lookout-main-entry-'));
resetFakeElectron();
state.app.userData = dir;
state.app.appPath = '/opt/lookout/app';
const exceptionBefore = process.listeners('uncaughtException');
const rejectionBefore = process.listeners('unhandledRejection');
await import('../../../electron/desktop/main');
const addedException = () =>
  process.listeners('uncaughtException').filter((l) => !exceptionBefore.includes(l));
const addedRejection = () =>
  process.listeners('unhandledRejection').filter((l) => !rejectionBefore.includes(l));

afterAll(async () => {
  for (const listener of addedException()) process.off('uncaughtException', listener);
  for (const listener of addedRejection()) process.off('unhandledRejection', listener);
  state.app.emit('before-quit', new FakeEvent());
  await vi.waitFor(() => expect(state.app.quitCalls).toBeGreaterThan(0), { timeout: 10_000 });
  rmSync(dir, { recursive: true, force: true });
});

const RENDERER = 'app://lookout/index.html';
const fromWindow = () => ({
  sender: FakeBrowserWindow.instances[0]!.webContents,
  senderFrame: new FakeWebFrame(RENDERER),
});
const logText = () => {
  const file = join(dir, 'logs', 'lookout.log');
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
};

describe('desktop main process: last-resort handler', () => {
  it('logs an uncaught exception and an unhandled rejection to the log file and keeps the app running', async () => {
    await vi.waitFor(() => expect(FakeBrowserWindow.instances.length).toBe(1), { timeout: 15_000 });
    const [onException] = addedException();
    const [onRejection] = addedRejection();
    expect(onException, 'an uncaughtException handler').toBeTypeOf('function');
    expect(onRejection, 'an unhandledRejection handler').toBeTypeOf('function');
    onException?.(new Error('planted: main process handler threw'), 'uncaughtException');
    onRejection?.(new Error('planted: main process promise rejected'), Promise.resolve());
    await vi.waitFor(
      () => {
        expect(logText()).toMatch(
          /uncaughtException: kept running.*planted: main process handler threw/,
        );
        expect(logText()).toMatch(
          /unhandledRejection: kept running.*planted: main process promise rejected/,
        );
      },
      { timeout: 10_000 },
    );
    expect(state.app.exitCalls).toEqual([]);
    expect(state.app.quitCalls).toBe(0);
    const initial = (await state.ipcMain.invoke(
      'app:initial-state',
      fromWindow(),
      {},
    )) as InitialState;
    expect(initial.host.kind).toBe('electron');
  });
});
