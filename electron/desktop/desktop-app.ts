import { join } from 'node:path';
import { app, session, shell } from 'electron';
import type { CorePorts, LookoutCoreApi } from '../core/app/core-api';
import type { Logger } from '../core/connection/ports';
import { defaultAppSettings, type AppSettings } from '../../shared/model/settings';
import { APP_ID } from './app-identity';
import { AutoUpdateController, updateLabel, type UpdaterLike } from './auto-update';
import { IpcGateway } from './ipc-gateway';
import { setStartAtLogin } from './login-item';
import { ElectronNotifier, prepareNotifications } from './notifier.electron';
import { createSafeStorageCipher } from './secret-cipher.electron';
import { acquireSingleInstance } from './single-instance';
import { ElectronSystemEvents } from './system-events.electron';
import { TrayController } from './tray';
import { WindowManager, installSessionSecurity } from './window-manager';

/** What `main.ts` hands the composition; tests pass fakes. */
export interface DesktopOptions {
  createCore: (ports: CorePorts) => LookoutCoreApi;
  /** The app's root (`app.getAppPath()`): holds `dist/desktop` and `dist/renderer`. */
  appRoot: string;
  /** userData: config files, secrets, logs, window state. */
  dataDir: string;
  logger: Logger;
  embeddedGateway?: CorePorts['embeddedGateway'];
  /** electron-updater's `autoUpdater`, loaded only if updates are turned on. */
  createUpdater?: () => UpdaterLike;
  argv?: string[];
}

/** The running desktop host, for tests and shutdown. */
export interface DesktopApp {
  core: LookoutCoreApi;
  windows: WindowManager;
  gateway: IpcGateway;
  tray: TrayController;
  updates: AutoUpdateController;
  /** Current settings as the host applies them (close-to-tray, start at login, updates). */
  settings(): AppSettings;
  isQuitting(): boolean;
}

/** Started at login: stay in the tray instead of opening the window. */
export const HIDDEN_ARG = '--hidden';
/** Longest wait for the core to close sockets and flush state on quit. */
const STOP_TIMEOUT_MS = 3_000;

/**
 * Wires Electron to the core: single-instance lock, ports, window, IPC gateway, tray, notification
 * clicks, settings that the host applies, and an orderly quit. Returns null in a second instance
 * (which hands over to the first and quits).
 */
export async function startDesktop(options: DesktopOptions): Promise<DesktopApp | null> {
  const { logger } = options;
  let windows: WindowManager | null = null;
  if (!acquireSingleInstance(app, () => windows?.show())) return null;
  prepareNotifications(app, APP_ID);
  await app.whenReady();
  installSessionSecurity(session.defaultSession);

  const dist = join(options.appRoot, 'dist');
  const notifier = new ElectronNotifier({ iconPath: join(dist, 'desktop', 'icon.png'), logger });
  const system = new ElectronSystemEvents();
  const core = options.createCore({
    dataDir: options.dataDir,
    notifier,
    secretCipher: createSafeStorageCipher(),
    logger,
    system,
    ...(options.embeddedGateway ? { embeddedGateway: options.embeddedGateway } : {}),
    openPath: async (path) => (await shell.openPath(path)) === '',
    appVersion: app.getVersion(),
    hostKind: 'electron',
  });

  let settings = defaultAppSettings();
  let quitting = false;
  windows = new WindowManager({
    rendererIndex: join(dist, 'renderer', 'index.html'),
    preloadPath: join(dist, 'desktop', 'preload.cjs'),
    stateFile: join(options.dataDir, 'window-state.json'),
    iconPath: join(dist, 'desktop', 'icon.png'),
    closeToTray: () => settings.closeToTray,
    isQuitting: () => quitting,
    logger,
    // The update state lives in this host, not the core: give a freshly loaded window the current one.
    onLoaded: () => gateway.push('app:update', updates.state),
  });
  const updates = new AutoUpdateController({
    createUpdater:
      options.createUpdater ??
      (() => {
        throw new Error('no updater in this build');
      }),
    isPackaged: app.isPackaged,
    logger,
  });
  const gateway = new IpcGateway(core, windows, logger);
  gateway.start();
  const applySettings = (next: AppSettings): void => {
    if (app.isPackaged && next.startAtLogin !== settings.startAtLogin) {
      // Only installed builds: in development this would register the bare Electron binary.
      try {
        setStartAtLogin(next.startAtLogin, {
          hiddenArg: HIDDEN_ARG,
          setLoginItemSettings: (s) => app.setLoginItemSettings(s),
        });
      } catch (error) {
        logger.warn('start at login not changed', {
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
    settings = next;
    updates.apply(next);
  };
  core.onPush((channel, payload) => {
    if (channel === 'settings:changed') applySettings(payload as AppSettings);
  });

  const shown = windows;
  // The core subscribes to the same clicks and pushes `app:navigate`; the host brings the window up.
  notifier.onClick(() => shown.show());

  await core.start();
  const initial = await core.invoke('app:initial-state', {});
  // First application: start-at-login is only written when it differs from the defaults.
  applySettings(initial.settings);

  const tray = new TrayController(
    core,
    {
      open: () => shown.show(),
      pauseNotifications: (until) => core.pauseNotifications(until),
      reconnectAll: () => core.reconnectAll(),
      installUpdate: () => updates.installNow(),
      quit: () => app.quit(),
    },
    join(dist, 'desktop', 'tray'),
  );
  updates.onChange((state) => {
    gateway.push('app:update', state);
    const label = updateLabel(state);
    tray.setUpdate(label ? { label, installable: state.status === 'downloaded' } : null);
  });

  app.on('activate', () => shown.show());
  app.on('window-all-closed', () => {
    // With close-to-tray the window only hides; a real close means the user wants out.
    if (!settings.closeToTray) app.quit();
  });
  let stopped = false;
  app.on('before-quit', (event) => {
    quitting = true;
    if (stopped) return;
    event.preventDefault();
    stopped = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, STOP_TIMEOUT_MS);
    });
    void Promise.race([core.stop(), timeout])
      .catch((error: unknown) => {
        logger.error('core did not stop cleanly', {
          error: error instanceof Error ? error.message : String(error),
        });
      })
      .finally(() => {
        clearTimeout(timer);
        gateway.stop();
        tray.destroy();
        updates.dispose();
        system.dispose();
        app.quit();
      });
  });

  if (!(options.argv ?? process.argv).includes(HIDDEN_ARG)) windows.show();
  return {
    core,
    windows,
    gateway,
    tray,
    updates,
    settings: () => settings,
    isQuitting: () => quitting,
  };
}
