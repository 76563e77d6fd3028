import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CorePorts } from '../../../electron/core/app/core-api';
import type { ModuleLoader } from '../../../electron/desktop/dnd/optional-module';
import type { InitialState } from '../../../shared/ipc/contract';
import type { DndReading } from '../../../shared/model/diagnostics';
import { dndLine } from '../../../renderer/src/views/dnd-line';
import {
  FakeBrowserWindow,
  FakeEvent,
  FakeWebFrame,
  resetFakeElectron,
  state,
} from '../../support/fake-electron';

/**
 * The desktop host picks the OS's do-not-disturb reader by platform and the core reports it:
 * macOS and Windows through their native add-ons, injected here through the host's module loader
 * as stand-ins shaped like the packages' documented API (the add-ons only run on those OSes; what
 * a real Mac or Windows PC answers is not verified here, and every reading says so). Only
 * `electron` is mocked; the core is the real one.
 */

vi.mock('electron', async () => (await import('../../support/fake-electron')).fakeElectronModule);

const { startDesktop } = await import('../../../electron/desktop/desktop-app');
const { LookoutCore } = await import('../../../electron/core/compose/lookout-core');

const logger = { info: () => {}, warn: () => {}, error: () => {} };
const RENDERER = 'app://lookout/index.html';
let dir: string;
let ports: CorePorts | null = null;
let quit: (() => Promise<void>) | null = null;

function fromWindow() {
  const win = FakeBrowserWindow.instances[0]!;
  return { sender: win.webContents, senderFrame: new FakeWebFrame(RENDERER) };
}

/** A loader that has exactly these packages; anything else is "Cannot find module", as Node says. */
function modules(installed: Record<string, unknown>): ModuleLoader & { asked: string[] } {
  const asked: string[] = [];
  const load = (name: string): unknown => {
    asked.push(name);
    if (name in installed) return installed[name];
    throw Object.assign(new Error(`Cannot find module '${name}'`), { code: 'MODULE_NOT_FOUND' });
  };
  return Object.assign(load, { asked });
}

async function start(
  platform: NodeJS.Platform,
  loadModule: ModuleLoader,
  osDnd: { osRelease?: string; infoPlistPath?: string } = {},
) {
  await startDesktop({
    createCore: (p) => {
      ports = p;
      return new LookoutCore(p);
    },
    appRoot: '/opt/lookout/app',
    dataDir: dir,
    logger,
    argv: ['lookout'],
    platform,
    loadModule,
    osDnd,
  });
  quit = async () => {
    state.app.emit('before-quit', new FakeEvent());
    await vi.waitFor(() => expect(state.app.quitCalls).toBeGreaterThan(0), { timeout: 10_000 });
  };
}

/** The reading the renderer gets, once the monitor's first poll is in. */
async function dndShown(match: Partial<DndReading>): Promise<DndReading> {
  let dnd: DndReading | undefined;
  await vi.waitFor(
    async () => {
      const initial = (await state.ipcMain.invoke(
        'app:initial-state',
        fromWindow(),
        {},
      )) as InitialState;
      dnd = initial.notificationHealth.dnd;
      expect(dnd).toMatchObject(match);
    },
    { timeout: 5_000, interval: 20 },
  );
  return dnd!;
}

beforeEach(() => {
  resetFakeElectron();
  ports = null;
  dir = mkdtempSync(join(tmpdir(), 'lookout-os-dnd-'));
});
afterEach(async () => {
  await quit?.();
  quit = null;
  rmSync(dir, { recursive: true, force: true });
});

describe('the OS do-not-disturb reader per platform (desktop host)', () => {
  it('Windows: Focus Assist through windows-focus-assist, shown in Settings with its caveat', async () => {
    const load = modules({
      'windows-focus-assist': {
        getFocusAssist: () => ({ value: 1, name: 'PRIORITY_ONLY' }),
        isPriority: () => ({ value: 0, name: 'NO' }),
      },
      'windows-notification-state': { getNotificationState: () => 'QUNS_ACCEPTS_NOTIFICATIONS' },
    });
    await start('win32', load);
    expect(ports!.readDoNotDisturb).toBeTypeOf('function');
    const dnd = await dndShown({ state: 'on', source: 'windows-focus-assist' });
    expect(load.asked).toEqual(['windows-focus-assist', 'windows-notification-state']);
    expect(dndLine(dnd)).toBe(
      'Windows Focus Assist is on (priority only). Read from windows-focus-assist. Not yet verified on a real Windows PC: Lookout’s makers could only check this against the packages’ documented API.',
    );
  });

  it('Windows without the add-ons: Settings says it cannot be read, and why', async () => {
    await start('win32', modules({}));
    const dnd = await dndShown({ state: 'unknown', detail: expect.stringMatching(/Focus Assist/) });
    expect(dndLine(dnd)).toMatch(
      /^Lookout cannot read Windows Focus Assist: windows-focus-assist is not installed in this build of Lookout\. This setting has no effect here until it can be read\./,
    );
  });

  it('macOS 13+: Focus through macos-notification-state when the app declares the Focus usage', async () => {
    const plist = join(dir, 'Info.plist');
    writeFileSync(
      plist,
      '<plist><dict><key>NSFocusStatusUsageDescription</key><string>why</string></dict></plist>',
    );
    const load = modules({
      'macos-notification-state': { getDoNotDisturb: () => Promise.resolve(true) },
    });
    await start('darwin', load, { osRelease: '23.4.0', infoPlistPath: plist });
    const dnd = await dndShown({ state: 'on', source: 'macos-notification-state' });
    expect(dndLine(dnd)).toMatch(
      /^A macOS Focus is on\. Read from macos-notification-state\. Not yet verified on a real Mac/,
    );
  });

  it('macOS 13+ from a bundle without the Focus usage text: never asks, says why', async () => {
    let asked = 0;
    const load = modules({
      'macos-notification-state': {
        getDoNotDisturb: () => {
          asked += 1;
          return Promise.resolve(true);
        },
      },
    });
    await start('darwin', load, { osRelease: '23.4.0', infoPlistPath: join(dir, 'none.plist') });
    const dnd = await dndShown({ state: 'unknown', detail: expect.stringMatching(/macOS Focus/) });
    expect(asked).toBe(0);
    expect(dndLine(dnd)).toMatch(/NSFocusStatusUsageDescription.*This setting has no effect here/);
  });

  it('Linux keeps the core’s readers: no add-on is looked for', async () => {
    const load = modules({});
    await start('linux', load);
    expect(ports!.readDoNotDisturb).toBeUndefined();
    expect(load.asked).toEqual([]);
  });
});
