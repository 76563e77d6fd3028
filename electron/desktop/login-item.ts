import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Where and how to register start-at-login; defaults are the running process's. */
export interface LoginItemOptions {
  platform?: NodeJS.Platform;
  /** The installed executable (for an AppImage, the AppImage file itself, `$APPIMAGE`). */
  executable?: string;
  /** `$XDG_CONFIG_HOME` or `~/.config` on Linux. */
  configHome?: string;
  /** Extra argument so a login start stays in the tray (Windows and Linux). */
  hiddenArg: string;
  /** Electron's `app.setLoginItemSettings` (macOS and Windows only). */
  setLoginItemSettings(settings: { openAtLogin: boolean; args?: string[] }): void;
}

/**
 * Turns start-at-login on or off. Electron only supports macOS and Windows; on Linux the XDG way
 * is a `.desktop` file in `~/.config/autostart`, written (or removed) here. Windows and Linux start
 * Lookout with the hidden argument; macOS takes no arguments for a login item and says at launch
 * whether it started Lookout at login (see `startedAtLogin`).
 */
export function setStartAtLogin(enabled: boolean, options: LoginItemOptions): void {
  const platform = options.platform ?? process.platform;
  if (platform === 'darwin') {
    options.setLoginItemSettings({ openAtLogin: enabled });
    return;
  }
  if (platform !== 'linux') {
    options.setLoginItemSettings({ openAtLogin: enabled, args: [options.hiddenArg] });
    return;
  }
  const dir = join(
    options.configHome ?? process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'),
    'autostart',
  );
  const file = join(dir, 'lookout.desktop');
  if (!enabled) {
    rmSync(file, { force: true });
    return;
  }
  const executable = options.executable ?? process.env.APPIMAGE ?? process.execPath;
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    file,
    [
      '[Desktop Entry]',
      'Type=Application',
      'Name=Lookout',
      'Comment=Live notifications and connection diagnostics for real-time backends',
      `Exec=${desktopQuote(executable)} ${options.hiddenArg}`,
      'Terminal=false',
      'X-GNOME-Autostart-enabled=true',
      '',
    ].join('\n'),
  );
}

/** Quoting for the Exec key of a desktop entry (spaces, quotes, backslashes, dollars). */
function desktopQuote(path: string): string {
  return /[\s"'\\$`]/.test(path) ? `"${path.replace(/(["`$\\])/g, '\\$1')}"` : path;
}

/** How this launch can tell whether the OS started it at login. */
export interface LaunchOptions {
  platform?: NodeJS.Platform;
  argv: readonly string[];
  hiddenArg: string;
  /** Electron's `app.getLoginItemSettings` (macOS reports `wasOpenedAtLogin`). */
  getLoginItemSettings(): { wasOpenedAtLogin?: boolean };
}

/**
 * Whether the OS started Lookout at login, so it should stay in the tray instead of opening its
 * window: the hidden argument on Windows and Linux, `wasOpenedAtLogin` on macOS.
 */
export function startedAtLogin(options: LaunchOptions): boolean {
  if (options.argv.includes(options.hiddenArg)) return true;
  if ((options.platform ?? process.platform) !== 'darwin') return false;
  try {
    return options.getLoginItemSettings().wasOpenedAtLogin === true;
  } catch {
    return false;
  }
}
