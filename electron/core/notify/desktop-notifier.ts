/** Picks the desktop notifier for a Node host (D-Bus on freedesktop systems, node-notifier elsewhere). */
import { existsSync } from 'node:fs';
import { DbusNotifier, isFreedesktop } from './notifier.dbus';
import { NodeNotifierAdapter } from './notifier.node-notifier';
import type { Notifier } from './notifier';

export interface DesktopNotifierOptions {
  appName: string;
  /** A PNG for the daemon to show beside the text (used where the file exists). */
  appIcon?: string;
  platform?: NodeJS.Platform;
}

export { isFreedesktop };

/**
 * The OS notifier for a host without Electron (the browser host): D-Bus directly on Linux and the
 * BSDs (no command line that server text could turn into options), node-notifier elsewhere
 * (macOS Notification Center, Windows toasts).
 */
export function createDesktopNotifier(options: DesktopNotifierOptions): Notifier {
  const platform = options.platform ?? process.platform;
  if (isFreedesktop(platform)) {
    const appIcon = options.appIcon && existsSync(options.appIcon) ? options.appIcon : undefined;
    return new DbusNotifier({ appName: options.appName, ...(appIcon ? { appIcon } : {}) });
  }
  return new NodeNotifierAdapter();
}
