/** What the badge needs from Electron: the app's badge and, on Windows, the window's overlay. */
export interface BadgeTargets {
  setBadgeCount(count: number): boolean;
  /** The main window's taskbar overlay (Windows), when a window exists. */
  setOverlayIcon?: (overlay: 'unread' | null, description: string) => void;
}

/**
 * The unread count on the dock (macOS) or launcher (Linux desktops that show counts), and as the
 * taskbar overlay on Windows, where the app badge does not exist.
 */
export function showUnreadBadge(
  targets: BadgeTargets,
  unread: number,
  platform: NodeJS.Platform,
): void {
  const count = Math.max(0, Math.floor(unread));
  if (platform === 'win32') {
    targets.setOverlayIcon?.(count > 0 ? 'unread' : null, count > 0 ? `${count} unread` : '');
    return;
  }
  targets.setBadgeCount(count);
}
