import { app } from 'electron';
import { autoUpdater } from 'electron-updater';
import type { Logger } from '../core/connection/ports';
import { startEmbeddedGateway } from '../core/app/embedded-gateway';
import { LookoutCore } from '../core/app/lookout-core';
import { PRODUCT_NAME } from './app-identity';
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

startDesktop({
  createCore: (ports) => new LookoutCore(ports),
  appRoot: app.getAppPath(),
  dataDir: app.getPath('userData'),
  logger: stderrLogger,
  embeddedGateway: () => startEmbeddedGateway(),
  createUpdater: () => autoUpdater,
}).catch((error: unknown) => {
  console.error('Lookout failed to start:', error);
  app.exit(1);
});
