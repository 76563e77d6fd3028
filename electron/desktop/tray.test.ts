import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { TrayHealth, TrayModel } from '../core/app/core-api';
import { FakeTray, resetFakeElectron } from '../../test/support/fake-electron';
import { FakeCore } from '../../test/support/fake-core';

vi.mock(
  'electron',
  async () => (await import('../../test/support/fake-electron')).fakeElectronModule,
);

const { TrayController, trayMenuModel, TRAY_ICON_NAMES } = await import('./tray');

const base: TrayModel = {
  health: 'ok',
  unread: 0,
  tooltip: 'Lookout: 2 endpoints connected',
  notificationsPaused: false,
  pausedUntil: null,
  quiet: null,
};

type MenuTemplate = {
  template: Array<{
    id?: string;
    label?: string;
    type?: string;
    enabled?: boolean;
    click?: () => void;
    submenu?: Array<{ id: string; label: string; click: () => void }>;
  }>;
};

describe('trayMenuModel', () => {
  it.each<[TrayHealth, string]>([
    ['ok', 'All connections healthy'],
    ['degraded', 'Some connections degraded'],
    ['disconnected', 'Disconnected'],
    ['sign-in', 'Sign-in needed'],
  ])('health %s picks its own icon and status line', (health, label) => {
    const view = trayMenuModel({ ...base, health });
    expect(view.icon).toBe(`tray-${health}`);
    expect(view.items[0]).toEqual({ kind: 'status', label });
    expect(TRAY_ICON_NAMES).toContain(view.icon);
  });

  it('shows unread in the icon, status line and title', () => {
    const view = trayMenuModel({ ...base, health: 'degraded', unread: 3, tooltip: 't' });
    expect(view.icon).toBe('tray-degraded-unread');
    expect(view.items[0]).toEqual({
      kind: 'status',
      label: 'Some connections degraded · 3 unread',
    });
    expect(view.title).toBe('3');
    expect(view.tooltip).toBe('t');
    expect(trayMenuModel({ ...base, unread: 250 }).title).toBe('99+');
    expect(trayMenuModel(base).title).toBe('');
  });

  it('has open, pause, reconnect all and quit', () => {
    const view = trayMenuModel(base);
    const labels = view.items.map((i) => ('label' in i ? i.label : '—'));
    expect(labels).toEqual([
      'All connections healthy',
      '—',
      'Open Lookout',
      'Pause notifications',
      'Reconnect all',
      '—',
      'Quit Lookout',
    ]);
    expect(view.items[3]).toMatchObject({
      kind: 'submenu',
      items: [
        { id: 'pause-30m', label: 'For 30 minutes' },
        { id: 'pause-1h', label: 'For 1 hour' },
        { id: 'pause-2h', label: 'For 2 hours' },
        { id: 'pause-tomorrow', label: 'Until tomorrow morning' },
      ],
    });
  });

  it('shows any quiet state in the icon itself: paused, quiet hours, turned off', () => {
    const quiet = (kind: 'paused' | 'quiet-hours' | 'off') => ({
      ...base,
      unread: 2,
      quiet: { kind, until: null },
    });
    for (const kind of ['paused', 'quiet-hours', 'off'] as const) {
      const view = trayMenuModel(quiet(kind));
      expect(view.icon).toBe('tray-ok-unread-paused');
      expect(TRAY_ICON_NAMES).toContain(view.icon);
    }
    expect(trayMenuModel({ ...base, unread: 2 }).icon).toBe('tray-ok-unread');
    expect(TRAY_ICON_NAMES).toHaveLength(16);
  });

  it('offers resume while paused, with the end time', () => {
    const view = trayMenuModel(
      {
        ...base,
        notificationsPaused: true,
        pausedUntil: 1_000,
        quiet: { kind: 'paused', until: 1_000 },
      },
      {},
      () => '14:30',
    );
    expect(view.icon).toBe('tray-ok-paused');
    expect(view.items[1]).toEqual({
      kind: 'status',
      label: 'Notifications paused until 14:30',
    });
    expect(view.items[4]).toEqual({
      kind: 'action',
      id: 'resume',
      label: 'Resume notifications (paused until 14:30)',
    });
  });
});

describe('TrayController', () => {
  beforeEach(() => resetFakeElectron());

  function setup(platform: NodeJS.Platform = 'linux') {
    const core = new FakeCore();
    const actions = {
      open: vi.fn(),
      pauseNotifications: vi.fn(),
      reconnectAll: vi.fn(),
      installUpdate: vi.fn(),
      quit: vi.fn(),
    };
    const controller = new TrayController(core, actions, '/icons', () => 1_000_000, platform);
    return { core, actions, controller, tray: FakeTray.instances[0]! };
  }

  it('applies the model and follows changes', () => {
    const { core, tray } = setup();
    expect(tray.image).toEqual(expect.objectContaining({ path: '/icons/tray-ok.png' }));
    expect(tray.tooltip).toBe('Lookout: 1 endpoint connected');
    core.setTray({ health: 'sign-in', unread: 2, tooltip: 'Sign in to prod' });
    expect(tray.image).toEqual(expect.objectContaining({ path: '/icons/tray-sign-in-unread.png' }));
    expect(tray.tooltip).toBe('Sign in to prod');
  });

  it('on macOS: monochrome template images (the menu bar colours them) and the unread count as title', () => {
    const { core, tray } = setup('darwin');
    expect(tray.image).toEqual(
      expect.objectContaining({ path: '/icons/tray-okTemplate.png', template: true }),
    );
    core.setTray({ health: 'degraded', unread: 3 });
    expect(tray.image).toEqual(
      expect.objectContaining({ path: '/icons/tray-degraded-unreadTemplate.png', template: true }),
    );
    expect(tray.title).toBe('3');
  });

  it('shows what happened to the window as a status line and in the tooltip', () => {
    const { controller, tray } = setup();
    controller.setWindowProblem('Window reloaded at 10:42 after a crash');
    const menu = (tray.menu as MenuTemplate).template;
    expect(menu[1]).toEqual({ label: 'Window reloaded at 10:42 after a crash', enabled: false });
    expect(tray.tooltip).toBe(
      'Lookout: 1 endpoint connected\nWindow reloaded at 10:42 after a crash',
    );
    controller.setWindowProblem(null);
    expect((tray.menu as MenuTemplate).template[1]).toEqual({ type: 'separator' });
  });

  it('menu items run the actions', () => {
    const { actions, tray, core } = setup();
    const menu = (tray.menu as MenuTemplate).template;
    menu.find((i) => i.id === 'open')!.click!();
    menu.find((i) => i.id === 'reconnect')!.click!();
    menu.find((i) => i.label === 'Pause notifications')!.submenu![0]!.click();
    menu.find((i) => i.id === 'quit')!.click!();
    expect(actions.open).toHaveBeenCalledTimes(1);
    expect(actions.reconnectAll).toHaveBeenCalledTimes(1);
    expect(actions.pauseNotifications).toHaveBeenCalledWith(1_000_000 + 30 * 60_000);
    expect(actions.quit).toHaveBeenCalledTimes(1);
    core.setTray({ notificationsPaused: true, pausedUntil: 5 });
    (tray.menu as MenuTemplate).template.find((i) => i.id === 'resume')!.click!();
    expect(actions.pauseNotifications).toHaveBeenLastCalledWith(null);
  });

  it('shows an update line; a downloaded update can be installed from the menu', () => {
    const { actions, tray, controller } = setup();
    controller.setUpdate({ label: 'Downloading update 0.2.0 (40%)', installable: false });
    let menu = (tray.menu as MenuTemplate).template;
    expect(menu[1]).toEqual({ label: 'Downloading update 0.2.0 (40%)', enabled: false });
    controller.setUpdate({ label: 'Restart to install 0.2.0', installable: true });
    menu = (tray.menu as MenuTemplate).template;
    menu.find((i) => i.id === 'install-update')!.click!();
    expect(actions.installUpdate).toHaveBeenCalledTimes(1);
    controller.setUpdate(null);
    menu = (tray.menu as MenuTemplate).template;
    expect(menu.some((i) => i.id === 'install-update')).toBe(false);
  });

  it('a click on the icon opens the window; destroy unsubscribes', () => {
    const { actions, tray, controller, core } = setup();
    tray.emit('click');
    expect(actions.open).toHaveBeenCalledTimes(1);
    controller.destroy();
    expect(tray.destroyed).toBe(true);
    core.setTray({ health: 'disconnected' });
    expect(tray.image).toEqual(expect.objectContaining({ path: '/icons/tray-ok.png' }));
  });
});
