/**
 * What to do when a desktop notification cannot be shown on a freedesktop system (Linux, BSD),
 * whichever notifier met the problem: the words the user sees in the banner and the trace.
 */

export const NO_DAEMON_ERROR =
  'No desktop notification service is running (org.freedesktop.Notifications has no owner): ' +
  'install and start a notification daemon such as dunst, or use a desktop environment that provides one.';
export const NO_NOTIFY_SEND_ERROR =
  'notify-send was not found on PATH: install libnotify-bin (Debian/Ubuntu) or libnotify (Fedora/Arch).';
export const NO_SESSION_BUS_ERROR =
  'No D-Bus session bus is reachable (DBUS_SESSION_BUS_ADDRESS unset or dead): run Lookout inside a ' +
  'desktop session so notifications can reach the notification service.';

/** A hung notification service must not hang the caller. */
export function notAnsweredError(timeoutMs: number): string {
  return `The notification service did not answer within ${timeoutMs / 1000} s: it may be hung; restart it (e.g. dunst).`;
}
