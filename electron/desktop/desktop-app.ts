import { release } from 'node:os';
import { join } from 'node:path';
import { app, nativeImage, protocol, session, shell } from 'electron';
import type { CorePorts, LookoutCoreApi } from '../core/app/core-api';
import { systemClock, type Clock, type Logger } from '../core/kernel/ports';
import { defaultAppSettings, type AppSettings } from '../../shared/model/settings';
import { APP_ID } from './app-identity';
import {
  APP_ORIGIN,
  APP_SCHEME,
  APP_SCHEME_PRIVILEGES,
  RENDERER_URL,
  rendererFileHandler,
} from './app-protocol';
import { AutoUpdateController, updateLabel, type UpdaterLike } from './auto-update';
import { writeCrashReport } from './crash-report';
import { reportChildProcessCrashes, runtimeVersions, startCrashReporter } from './crash-reporting';
import { IpcGateway } from './ipc-gateway';
import { setStartAtLogin, startedAtLogin } from './login-item';
import { ElectronNotifier, prepareNotifications } from './notifier.electron';
import { DbusNotifier, isFreedesktop } from '../core/notify/notifier.dbus';
import { FallbackNotifier } from '../core/notify/notifier.fallback';
import type { Notifier } from '../core/notify/notifier';
import { RendererWatchdog, rendererHealthLabel } from './renderer-watchdog';
import { createSafeStorageCipher } from './secret-cipher.electron';
import { acquireSingleInstance } from './single-instance';
import { linkFromArgv, registerDeepLinks } from './deep-links';
import { showUnreadBadge } from './unread-badge';
import { ElectronSystemEvents } from './system-events.electron';
import { TrayController } from './tray';
import { WindowManager, installSessionSecurity } from './window-manager';
import { electronNetwork } from './system-proxy.electron';
import { saveWithDialog } from './save-file.electron';
import { osDndReader, type OsDndDeps } from './dnd/os-dnd-reader';
import type { ModuleLoader } from './dnd/optional-module';

/** What `main.ts` hands the composition; tests pass fakes. */
export interface DesktopOptions {
  createCore: (ports: CorePorts) => LookoutCoreApi;
  /** The app's root (`app.getAppPath()`): holds `dist/desktop` and `dist/renderer`. */
  appRoot: string;
  /** userData: config files, secrets, window state. */
  dataDir: string;
  /** The log file and crash reports (`app.getPath('logs')`); `<dataDir>/logs` when absent. */
  logsDir?: string;
  logger: Logger;
  embeddedGateway?: CorePorts['embeddedGateway'];
  /** electron-updater's `autoUpdater`, loaded only if updates are turned on. */
  createUpdater?: () => UpdaterLike;
  argv?: string[];
  /** Time for the renderer watchdog (tests pass a manual clock). */
  clock?: Clock;
  /** The OS whose conventions apply (tests pass another). */
  platform?: NodeJS.Platform;
  /**
   * Loads the optional native add-ons that read macOS's Focus and Windows' Focus Assist (`main.ts`
   * passes `require`); without it none is installed, which Settings then says.
   */
  loadModule?: ModuleLoader;
  /** The OS facts the do-not-disturb readers use (tests pass others). */
  osDnd?: Partial<Pick<OsDndDeps, 'osRelease' | 'infoPlistPath' | 'timers'>>;
}

/** The loader when the composition root gives none: nothing optional is installed. */
const nothingInstalled: ModuleLoader = (name) => {
  throw Object.assign(new Error(`Cannot find module '${name}'`), { code: 'MODULE_NOT_FOUND' });
};

/** The running desktop host, for tests and shutdown. */
export interface DesktopApp {
  core: LookoutCoreApi;
  windows: WindowManager;
  gateway: IpcGateway;
  tray: TrayController;
  updates: AutoUpdateController;
  watchdog: RendererWatchdog;
  /** Current settings as the host applies them (close-to-tray, start at login, updates). */
  settings(): AppSettings;
  isQuitting(): boolean;
}

const clockTime = (ms: number): string =>
  new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

/** Started at login (Windows, Linux): stay in the tray instead of opening the window. */
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
  const platform = options.platform ?? process.platform;
  let windows: WindowManager | null = null;
  /** A `lookout://` link that came before the page listened (a cold start). */
  let pendingLink: string | null = null;
  let openLink: (link: string) => void = (link) => {
    pendingLink = link;
  };
  if (
    !acquireSingleInstance(app, (argv) => {
      windows?.show();
      const link = linkFromArgv(argv);
      if (link) openLink(link);
    })
  )
    return null;
  registerDeepLinks(app, options.argv ?? process.argv, (link) => openLink(link));
  const logsDir = options.logsDir ?? join(options.dataDir, 'logs');
  startCrashReporter(logsDir, logger);
  prepareNotifications(app, APP_ID, platform);
  // Custom schemes get their privileges only if registered before `ready`.
  protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);
  await app.whenReady();
  installSessionSecurity(session.defaultSession, APP_ORIGIN);

  const dist = join(options.appRoot, 'dist');
  protocol.handle(APP_SCHEME, rendererFileHandler(join(dist, 'renderer')));
  const electronNotifier = new ElectronNotifier({
    iconPath: join(dist, 'desktop', 'icon.png'),
    logger,
    platform,
    onActivation: (link) => openLink(link ?? 'notifications'),
  });
  // On Linux and the BSDs Electron's notifications have no buttons and cannot read the daemon's
  // do-not-disturb: speak D-Bus to the daemon as the browser host does, Electron's own as the
  // fallback (no session bus, no daemon).
  const notifier: Notifier & Pick<Required<Notifier>, 'onClick'> = isFreedesktop(platform)
    ? new FallbackNotifier(
        new DbusNotifier({ appName: 'Lookout', appIcon: join(dist, 'desktop', 'icon.png') }),
        electronNotifier,
        options.clock ?? systemClock,
        logger,
      )
    : electronNotifier;
  const system = new ElectronSystemEvents();
  // macOS and Windows: the OS's do-not-disturb through their add-ons (Linux: the core's readers).
  const readDoNotDisturb = osDndReader({
    platform,
    load: options.loadModule ?? nothingInstalled,
    appUserModelId: APP_ID,
    osRelease: options.osDnd?.osRelease ?? release(),
    // Contents/Resources/../Info.plist in the app bundle.
    infoPlistPath:
      options.osDnd?.infoPlistPath ?? join(process.resourcesPath ?? '', '..', 'Info.plist'),
    ...(options.osDnd?.timers ? { timers: options.osDnd.timers } : {}),
  });
  const core = options.createCore({
    dataDir: options.dataDir,
    logsDir,
    notifier,
    ...(readDoNotDisturb ? { readDoNotDisturb } : {}),
    secretCipher: await createSafeStorageCipher(platform),
    logger,
    system,
    ...(options.embeddedGateway ? { embeddedGateway: options.embeddedGateway } : {}),
    openPath: async (path) => (await shell.openPath(path)) === '',
    // The window exists by the time the renderer asks to export anything.
    saveFile: (name, text) => saveWithDialog(windows?.window ?? null, name, text),
    appVersion: app.getVersion(),
    hostKind: 'electron',
    network: electronNetwork(session.defaultSession),
  });

  let settings = defaultAppSettings();
  let quitting = false;
  /** The tray, once it exists (the window can crash before). */
  let trayRef: TrayController | null = null;
  const versions = runtimeVersions(app.getVersion());
  const clock = options.clock ?? systemClock;
  const watchdog = new RendererWatchdog({
    clock,
    logger: core.log,
    reload: () => windows?.reload(),
    killRenderer: () => windows?.killRenderer(),
    report: (report) => writeCrashReport(logsDir, report, versions),
    onChange: (health) => trayRef?.setWindowProblem(rendererHealthLabel(health, clockTime)),
  });
  windows = new WindowManager({
    rendererUrl: RENDERER_URL,
    preloadPath: join(dist, 'desktop', 'preload.cjs'),
    stateFile: join(options.dataDir, 'window-state.json'),
    iconPath: join(dist, 'desktop', 'icon.png'),
    closeToTray: () => settings.closeToTray,
    isQuitting: () => quitting,
    logger: core.log,
    watchdog,
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
  // Host-side state (updates, a recovery notice) goes to each freshly loaded page once it listens.
  const gateway = new IpcGateway(core, windows, core.log, () => {
    gateway.push('app:update', updates.state);
    if (pendingLink) gateway.push('app:navigate', { link: pendingLink });
    pendingLink = null;
    const notice = watchdog.takeNotice();
    if (notice) {
      gateway.push('app:recovered', notice);
      if (windows?.isVisible()) watchdog.shown();
    }
  });
  gateway.start();
  const applySettings = (next: AppSettings): void => {
    if (app.isPackaged && next.startAtLogin !== settings.startAtLogin) {
      // Only installed builds: in development this would register the bare Electron binary.
      try {
        setStartAtLogin(next.startAtLogin, {
          platform,
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
  core.onSettingsChanged(applySettings);

  const shown = windows;
  // The core subscribes to the same clicks and pushes `app:navigate`; the host brings the window up.
  notifier.onClick(() => shown.show());

  await core.start();
  openLink = (link) => {
    shown.show();
    core.notificationClicked(link);
  };
  if (pendingLink) shown.show();
  const badge = (unread: number) =>
    showUnreadBadge(
      {
        setBadgeCount: (n) => app.setBadgeCount(n),
        setOverlayIcon: (overlay, description) =>
          shown.window?.setOverlayIcon(
            overlay
              ? nativeImage.createFromPath(join(dist, 'desktop', 'tray', 'tray-ok-unread.png'))
              : null,
            description,
          ),
      },
      unread,
      platform,
    );
  badge(core.trayModel().unread);
  core.onTrayChange((model) => badge(model.unread));
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
    Date.now,
    platform,
  );
  trayRef = tray;
  tray.setWindowProblem(rendererHealthLabel(watchdog.health, clockTime));
  updates.onChange((state) => {
    gateway.push('app:update', state);
    const label = updateLabel(state);
    tray.setUpdate(label ? { label, installable: state.status === 'downloaded' } : null);
  });
  reportChildProcessCrashes({ logsDir, versions, clock, logger: core.log });

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
        watchdog.dispose();
        updates.dispose();
        system.dispose();
        app.quit();
      });
  });

  const atLogin = startedAtLogin({
    platform,
    argv: options.argv ?? process.argv,
    hiddenArg: HIDDEN_ARG,
    getLoginItemSettings: () => app.getLoginItemSettings(),
  });
  if (!atLogin) windows.show();
  return {
    core,
    windows,
    gateway,
    tray,
    updates,
    watchdog,
    settings: () => settings,
    isQuitting: () => quitting,
  };
}
