import { join } from 'node:path';

/** The slice of Electron's `app` that decides where files go. */
export interface PathsApp {
  getPath(name: 'userData' | 'logs'): string;
  setPath(name: 'userData', path: string): void;
  setAppLogsPath(path?: string): void;
}

/** Where the desktop app keeps its data and its logs. */
export interface DesktopPaths {
  dataDir: string;
  logsDir: string;
}

/**
 * The OS's places: the data folder is Electron's userData (`~/.config/Lookout`,
 * `~/Library/Application Support/Lookout`, `%APPDATA%\Lookout`), the logs are the OS's logs folder
 * (`~/Library/Logs/Lookout` on macOS, where Console finds them; `<userData>/logs` elsewhere).
 * `LOOKOUT_DATA_DIR` moves both (a portable or test setup): data there, logs in its `logs/`.
 * Call before `ready` (after `app.setName`).
 */
export function desktopPaths(app: PathsApp, env: NodeJS.ProcessEnv = process.env): DesktopPaths {
  const override = env.LOOKOUT_DATA_DIR;
  if (override) {
    const logsDir = join(override, 'logs');
    app.setPath('userData', override);
    app.setAppLogsPath(logsDir);
    return { dataDir: override, logsDir };
  }
  return { dataDir: app.getPath('userData'), logsDir: app.getPath('logs') };
}
