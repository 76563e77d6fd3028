import { describe, expect, it } from 'vitest';
import { desktopPaths, type PathsApp } from './desktop-paths';

/** An `app` as Electron answers on macOS: logs in ~/Library/Logs, data in Application Support. */
function macApp(): PathsApp & { set: Record<string, string | undefined> } {
  const set: Record<string, string | undefined> = {};
  return {
    set,
    getPath: (name) =>
      name === 'logs'
        ? '/Users/ada/Library/Logs/Lookout'
        : '/Users/ada/Library/Application Support/Lookout',
    setPath: (name, path) => {
      set[name] = path;
    },
    setAppLogsPath: (path) => {
      set.logs = path;
    },
  };
}

describe('desktop paths', () => {
  it("uses the OS's logs folder (~/Library/Logs/Lookout on macOS) and userData for the data", () => {
    const app = macApp();
    expect(desktopPaths(app, {})).toEqual({
      dataDir: '/Users/ada/Library/Application Support/Lookout',
      logsDir: '/Users/ada/Library/Logs/Lookout',
    });
    expect(app.set).toEqual({});
  });

  it('LOOKOUT_DATA_DIR moves the data and the logs with it, and tells Electron', () => {
    const app = macApp();
    expect(desktopPaths(app, { LOOKOUT_DATA_DIR: '/tmp/portable' })).toEqual({
      dataDir: '/tmp/portable',
      logsDir: '/tmp/portable/logs',
    });
    expect(app.set).toEqual({ userData: '/tmp/portable', logs: '/tmp/portable/logs' });
  });
});
