import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CorePorts } from '../../../electron/core/app/core-api';
import type { InitialState } from '../../../shared/ipc/contract';
import {
  FakeBrowserWindow,
  FakeEvent,
  FakeNotification,
  FakeTray,
  FakeWebFrame,
  resetFakeElectron,
  state,
} from '../../support/fake-electron';

vi.mock('electron', async () => (await import('../../support/fake-electron')).fakeElectronModule);

const { startDesktop } = await import('../../../electron/desktop/desktop-app');
const { LookoutCore } = await import('../../../electron/core/compose/lookout-core');
const { startEmbeddedGateway } = await import('../../../electron/host-common/embedded-gateway');

const logger = { info: () => {}, warn: () => {}, error: () => {} };
const RENDERER = 'app://lookout/index.html';
let dir: string;
let quit: (() => Promise<void>) | null = null;

function fromWindow() {
  const win = FakeBrowserWindow.instances[0]!;
  return { sender: win.webContents, senderFrame: new FakeWebFrame(RENDERER) };
}

let ports: CorePorts | null = null;

async function start(withGateway: boolean) {
  const desktop = await startDesktop({
    createCore: (p) => {
      ports = p;
      return new LookoutCore(p);
    },
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

  it('a notification click brings the window up and navigates to the event once', async () => {
    await start(false);
    const win = FakeBrowserWindow.instances[0]!;
    win.hide();
    await ports!.notifier.show({
      id: 'e1',
      title: 'Business 17 is offline',
      body: 'demo',
      severity: 'warning',
      link: 'businesses/17',
      endpoint: 'demo',
      groupKey: 'demo|site.status',
      origin: 'site.status',
      eventIds: ['e1'],
    });
    FakeNotification.instances[0]!.emit('click');
    expect(win.visible).toBe(true);
    expect(win.focused).toBe(true);
    expect(win.webContents.sent.filter((s) => s.channel === 'app:navigate')).toEqual([
      { channel: 'app:navigate', payload: { link: 'businesses/17' } },
    ]);
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
