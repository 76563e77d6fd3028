import { createRequire } from 'node:module';
import { app } from 'electron';
import { autoUpdater } from 'electron-updater';
import type { Logger } from '../core/kernel/ports';
import { startEmbeddedGateway } from '../host-common/embedded-gateway';
import { LookoutCore } from '../core/compose/lookout-core';
import { installLastResortHandlers } from '../../shared/process/last-resort';
import { PRODUCT_NAME } from './app-identity';
import { desktopPaths } from './desktop-paths';
import { startDesktop } from './desktop-app';

/**
 * The Electron entry point (bundled to `dist/desktop/main.cjs`): the one composition root of the
 * desktop host. No logic here: it picks the real implementations and hands them to `startDesktop`.
 * The core writes its own rotating, redacted log file and tees every line to this logger.
 */
const stderrLogger: Logger = {
  info: () => {},
  warn: (message, fields) =>
    console.warn(`lookout: ${message}`, fields ? JSON.stringify(fields) : ''),
  error: (message, fields) =>
    console.error(`lookout: ${message}`, fields ? JSON.stringify(fields) : ''),
};

app.setName(PRODUCT_NAME);

// A bug nobody caught must not end the app (window, tray and notifications with it): write it to
// the user's log file (stderr until the core has started) and keep running.
let faultLog: Logger = stderrLogger;
installLastResortHandlers(process, { error: (message, fields) => faultLog.error(message, fields) });

const { dataDir, logsDir } = desktopPaths(app);

startDesktop({
  createCore: (ports) => new LookoutCore(ports),
  appRoot: app.getAppPath(),
  dataDir,
  logsDir,
  logger: stderrLogger,
  embeddedGateway: () => startEmbeddedGateway(),
  createUpdater: () => autoUpdater,
  // The do-not-disturb add-ons (macOS, Windows) are optional native modules outside the bundle,
  // resolved from the app's node_modules (main.cjs is CommonJS: `__filename` is its own path).
  loadModule: createRequire(__filename),
}).then(
  (desktop) => {
    if (desktop) faultLog = desktop.core.log;
  },
  (error: unknown) => {
    console.error('Lookout failed to start:', error);
    app.exit(1);
  },
);
