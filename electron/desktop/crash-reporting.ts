import { join } from 'node:path';
import { app, crashReporter } from 'electron';
import type { Clock, Logger } from '../core/kernel/ports';
import { writeCrashReport, type CrashReportVersions } from './crash-report';

/**
 * Native crash dumps of every Electron process go to `<logs>/crash-dumps`, never uploaded: the
 * user attaches them to a report if they choose. Must run before `ready`.
 */
export function startCrashReporter(logsDir: string, logger: Logger): void {
  try {
    app.setPath('crashDumps', join(logsDir, 'crash-dumps'));
    crashReporter.start({ uploadToServer: false });
  } catch (error) {
    logger.warn('crash reporter not started', {
      error: error instanceof Error ? error.message : String(error),
    });
  }
}

/**
 * Other Chromium processes (GPU, network, utility) that die are logged and reported too; Electron
 * starts them again by itself.
 */
export function reportChildProcessCrashes(options: {
  logsDir: string;
  versions: CrashReportVersions;
  clock: Clock;
  logger: Logger;
}): void {
  app.on('child-process-gone', (_event, details) => {
    if (details.reason === 'clean-exit') return;
    const reportFile = writeCrashReport(
      options.logsDir,
      {
        process: details.type.toLowerCase(),
        cause: 'crashed',
        reason: details.reason,
        exitCode: details.exitCode,
        at: options.clock.now(),
        action: 'restarted by Electron',
        reloadsInLastMinute: 0,
      },
      options.versions,
    );
    options.logger.error('a Chromium process ended', {
      type: details.type,
      reason: details.reason,
      exitCode: details.exitCode,
      reportFile,
    });
  });
}

/** The versions a crash report names: this app's, and Electron's and Chromium's when known. */
export function runtimeVersions(appVersion: string): CrashReportVersions {
  return {
    app: appVersion,
    ...(process.versions.electron ? { electron: process.versions.electron } : {}),
    ...(process.versions.chrome ? { chrome: process.versions.chrome } : {}),
  };
}
