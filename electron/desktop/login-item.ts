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
  /** Extra argument so a login start stays in the tray. */
  hiddenArg: string;
  /** Electron's `app.setLoginItemSettings` (macOS and Windows only). */
  setLoginItemSettings(settings: { openAtLogin: boolean; args?: string[] }): void;
}

/**
 * Turns start-at-login on or off. Electron only supports macOS and Windows; on Linux the XDG way
 * is a `.desktop` file in `~/.config/autostart`, written (or removed) here.
 */
export function setStartAtLogin(enabled: boolean, options: LoginItemOptions): void {
  const platform = options.platform ?? process.platform;
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
