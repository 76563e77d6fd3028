import { join } from 'node:path';
import { app } from 'electron';
import { autoUpdater } from 'electron-updater';
import { startEmbeddedGateway } from '../core/app/embedded-gateway';
import { LookoutCore } from '../core/app/lookout-core';
import { RotatingLogFile } from '../core/diagnostics/log-file';
import { Redactor } from '../core/diagnostics/redact';
import { PRODUCT_NAME } from './app-identity';
import { startDesktop } from './desktop-app';

/**
 * The Electron entry point (bundled to `dist/desktop/main.cjs`): the one composition root of the
 * desktop host. No logic here: it picks the real implementations and hands them to `startDesktop`.
 */
app.setName(PRODUCT_NAME);
const dataDir = app.getPath('userData');
const logger = new RotatingLogFile({
  dir: join(dataDir, 'logs'),
  baseName: 'lookout',
  redactor: new Redactor(),
});

startDesktop({
  createCore: (ports) => new LookoutCore(ports),
  appRoot: app.getAppPath(),
  dataDir,
  logger,
  embeddedGateway: () => startEmbeddedGateway(),
  createUpdater: () => autoUpdater,
}).catch((error: unknown) => {
  logger.error('desktop host failed to start', {
    error: error instanceof Error ? (error.stack ?? error.message) : String(error),
  });
  console.error('Lookout failed to start:', error);
  app.exit(1);
});
