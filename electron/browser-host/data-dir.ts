import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where Lookout keeps its files when Electron's `app.getPath('userData')` is not available: the
 * same folder Electron would pick, so both hosts share config. `LOOKOUT_DATA_DIR` overrides it.
 */
export function defaultDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform = process.platform,
): string {
  if (env.LOOKOUT_DATA_DIR) return env.LOOKOUT_DATA_DIR;
  if (platform === 'win32')
    return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Lookout');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Lookout');
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'Lookout');
}
