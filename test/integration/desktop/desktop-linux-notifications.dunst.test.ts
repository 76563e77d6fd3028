import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CorePorts } from '../../../electron/core/app/core-api';
import type { NotificationAction, OsNotification } from '../../../electron/core/notify/notifier';
import { defaultAppSettings } from '../../../shared/model/settings';
import { DesktopSession } from '../../support/desktop-session';
import { waitFor } from '../../support/wait';
import {
  FakeBrowserWindow,
  FakeNotification,
  resetFakeElectron,
} from '../../support/fake-electron';
import { FakeCore } from '../../support/fake-core';

vi.mock('electron', async () => (await import('../../support/fake-electron')).fakeElectronModule);

const { startDesktop } = await import('../../../electron/desktop/desktop-app');

/**
 * The Electron host on a Linux desktop (mocked `electron`, real dunst on a private D-Bus under
 * Xvfb): notifications go to the daemon over D-Bus, so they carry "Mark read" / "Mute 1 h"
 * buttons that work, a click brings the window up, and the daemon's do-not-disturb is read.
 * (Electron's own notifications on Linux have no buttons and cannot read do-not-disturb.)
 */

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

const alert: OsNotification = {
  id: 'prod:dashboard:1:7',
  title: 'Disk full',
  body: 'db-1 at 100 %',
  severity: 'critical',
  link: 'businesses/17',
  endpoint: 'prod',
  source: 'Production',
  groupKey: 'prod|alert',
  origin: 'alert',
  eventIds: ['prod:dashboard:1:7'],
};

describe.runIf(process.platform === 'linux')('the desktop app on a Linux desktop', () => {
  it('shows notifications through the daemon with working buttons and clicks, and reads its do-not-disturb', async () => {
    resetFakeElectron();
    const session = await DesktopSession.start();
    cleanups.push(() => session.stop());
    cleanups.push(session.becomeSessionBus());
    const dir = mkdtempSync(join(tmpdir(), 'lookout-desktop-linux-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const core = new FakeCore();
    core.responses.set('app:initial-state', { settings: defaultAppSettings() });
    let ports: CorePorts | null = null;
    await startDesktop({
      createCore: (p) => {
        ports = p;
        return core;
      },
      appRoot: '/opt/lookout/app',
      dataDir: dir,
      logger: { info: () => {}, warn: () => {}, error: () => {} },
      argv: ['electron', '.'],
      platform: 'linux',
    });
    const notifier = ports!.notifier;
    const actions: Array<[string, NotificationAction]> = [];
    notifier.onAction?.((n, a) => actions.push([n.title, a]));

    expect(await notifier.show(alert)).toEqual({ ok: true });
    const [shown] = await session.details();
    expect(shown).toMatchObject({
      summary: 'Disk full',
      body: 'Production — db-1 at 100 %',
      appname: 'Lookout',
      urgency: 'critical',
    });
    expect(FakeNotification.instances).toHaveLength(0);

    // A button, picked from the daemon's menu as a user would.
    await notifier.show({ ...alert, id: 'prod:dashboard:1:8', title: 'Queue slow' });
    await session.pickButton('Mute 1 h');
    await waitFor(() => actions.length > 0, { timeoutMs: 10_000, what: 'the button to be heard' });
    expect(actions).toEqual([['Queue slow', 'mute-1h']]);

    // A click on it brings the hidden window up.
    const win = FakeBrowserWindow.instances[0]!;
    win.hide();
    await notifier.show({ ...alert, id: 'prod:dashboard:1:9', title: 'Backup failed' });
    await waitFor(async () => (await session.dunstctl(['count', 'displayed'])).trim() === '2', {
      timeoutMs: 10_000,
      what: 'the third notification on screen',
    });
    await session.dunstctl(['action', '0']);
    await waitFor(() => win.visible, { timeoutMs: 10_000, what: 'the window to come up' });
    expect(win.focused).toBe(true);

    // The daemon's do-not-disturb (dunst's paused state), read over the same bus.
    expect((await notifier.readDoNotDisturb!()).state).toBe('off');
    await session.dunstctl(['set-paused', 'true']);
    expect(await notifier.readDoNotDisturb!()).toMatchObject({ state: 'on' });
  });
});
