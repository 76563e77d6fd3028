import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { InitialState } from '../../shared/ipc/contract';
import {
  FakeBrowserWindow,
  FakeEvent,
  FakeTray,
  FakeWebFrame,
  resetFakeElectron,
  state,
} from './fake-electron';

vi.mock('electron', async () => (await import('./fake-electron')).fakeElectronModule);

const { startDesktop } = await import('../../electron/desktop/desktop-app');
const { LookoutCore } = await import('../../electron/core/app/lookout-core');
const { startEmbeddedGateway } = await import('../../electron/core/app/embedded-gateway');

const logger = { info: () => {}, warn: () => {}, error: () => {} };
const RENDERER = 'file:///opt/lookout/app/dist/renderer/index.html';
let dir: string;
let quit: (() => Promise<void>) | null = null;

function fromWindow() {
  const win = FakeBrowserWindow.instances[0]!;
  return { sender: win.webContents, senderFrame: new FakeWebFrame(RENDERER) };
}

async function start(withGateway: boolean) {
  const desktop = await startDesktop({
    createCore: (ports) => new LookoutCore(ports),
    appRoot: '/opt/lookout/app',
    dataDir: dir,
    logger,
    ...(withGateway ? { embeddedGateway: () => startEmbeddedGateway() } : {}),
    argv: ['lookout'],
  });
  quit = async () => {
    state.app.emit('before-quit', new FakeEvent());
    await vi.waitFor(() => expect(state.app.quitCalls).toBeGreaterThan(0), { timeout: 10_000 });
  };
  return desktop;
}

beforeEach(() => {
  resetFakeElectron();
  dir = mkdtempSync(join(tmpdir(), 'lookout-desktop-real-'));
});
afterEach(async () => {
  await quit?.();
  quit = null;
  rmSync(dir, { recursive: true, force: true });
});

describe('desktop host with the real core', () => {
  it('serves the renderer over IPC, connects to the embedded gateway and reflects it in the tray', async () => {
    await start(true);
    const initial = (await state.ipcMain.invoke(
      'app:initial-state',
      fromWindow(),
      {},
    )) as InitialState;
    expect(initial.host.kind).toBe('electron');
    expect(initial.host.secretsPersistent).toBe(true);
    expect(initial.endpoints.map((e) => e.id)).toContain('demo');

    state.ipcMain.emit('app:ready', fromWindow(), {});
    await vi.waitFor(
      () => {
        expect(FakeTray.instances[0]!.image).toMatchObject({
          path: expect.stringMatching(/tray-ok(-unread)?\.png$/),
        });
      },
      { timeout: 15_000, interval: 50 },
    );
    const win = FakeBrowserWindow.instances[0]!;
    await vi.waitFor(
      () => expect(win.webContents.sent.map((s) => s.channel)).toContain('connection:state'),
      { timeout: 5_000 },
    );

    await expect(
      state.ipcMain.invoke('auth:sign-in', fromWindow(), { endpoint: 'demo', secret: '' }),
    ).rejects.toThrow(/invalid payload/);
  });

  it('without a keyring (basic_text) secrets are not persisted, and the app says so', async () => {
    state.safeStorage.backend = 'basic_text';
    await start(false);
    const initial = (await state.ipcMain.invoke(
      'app:initial-state',
      fromWindow(),
      {},
    )) as InitialState;
    expect(initial.host.secretsPersistent).toBe(false);
    expect(initial.host.secretsNote).toMatch(/memory/i);
  });
});
