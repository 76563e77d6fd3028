import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import nodeNotifier from 'node-notifier';
import type { Severity } from '../../../shared/model/live-event';
import type { Notifier, NotifyResult, OsNotification } from './notifier';

/**
 * The browser host's notifier (and the fallback where Electron's is unavailable), on node-notifier.
 * On Linux node-notifier runs `notify-send`, which hands the notification to whatever owns
 * org.freedesktop.Notifications on the session bus. Every way that can fail becomes a returned
 * error that says what to do; nothing is thrown and nothing is lost silently.
 * node-notifier reports no clicks on Linux, so this adapter has no `onClick`.
 */

export const NO_DAEMON_ERROR =
  'No desktop notification service is running (org.freedesktop.Notifications has no owner): ' +
  'install and start a notification daemon such as dunst, or use a desktop environment that provides one.';
export const NO_NOTIFY_SEND_ERROR =
  'notify-send was not found on PATH: install libnotify-bin (Debian/Ubuntu) or libnotify (Fedora/Arch).';
export const NO_SESSION_BUS_ERROR =
  'No D-Bus session bus is reachable (DBUS_SESSION_BUS_ADDRESS unset or dead): run Lookout inside a ' +
  'desktop session so notifications can reach the notification service.';

export interface NodeNotifierAdapterOptions {
  /**
   * Environment for the notifier process (DISPLAY, DBUS_SESSION_BUS_ADDRESS, PATH). Defaults to
   * this process's environment; tests pass a private desktop session's.
   */
  env?: Record<string, string | undefined>;
  /** Shown by the daemon as the sending application. */
  appName?: string;
  /** A hung daemon must not hang the caller: give up after this long. */
  timeoutMs?: number;
  platform?: NodeJS.Platform;
}

/** node-notifier passes `app-name` on to notify-send; the published typings omit it. */
type NotifySendOptions = NonNullable<
  Parameters<InstanceType<typeof nodeNotifier.NotifySend>['notify']>[0]
> & {
  'app-name'?: string;
};

const URGENCY: Record<Severity, 'low' | 'normal' | 'critical'> = {
  info: 'low',
  warning: 'normal',
  critical: 'critical',
};

export class NodeNotifierAdapter implements Notifier {
  readonly name: string;
  private readonly env: Record<string, string | undefined>;
  private readonly appName: string;
  private readonly timeoutMs: number;
  private readonly platform: NodeJS.Platform;
  // `suppressOsdCheck` skips node-notifier's process-wide cached `which notify-send` (we check per
  // call); the published typings omit it, hence the widening cast.
  private readonly notifySend = new nodeNotifier.NotifySend({
    suppressOsdCheck: true,
  } as nodeNotifier.Option);

  constructor(options: NodeNotifierAdapterOptions = {}) {
    this.env = options.env ?? process.env;
    this.appName = options.appName ?? 'Lookout';
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.platform = options.platform ?? process.platform;
    this.name = isFreedesktop(this.platform) ? 'node-notifier/notify-send' : 'node-notifier';
  }

  async show(notification: OsNotification): Promise<NotifyResult> {
    const linux = isFreedesktop(this.platform);
    // node-notifier caches "notify-send missing" for the whole process; check ourselves, per call.
    if (linux && !onPath('notify-send', this.env.PATH))
      return { ok: false, error: NO_NOTIFY_SEND_ERROR };

    const delivered = new Promise<NotifyResult>((resolve) => {
      const done = (error: Error | null) =>
        resolve(error ? { ok: false, error: explainFailure(error) } : { ok: true });
      try {
        withEnv(this.env, () => {
          if (linux) {
            const options: NotifySendOptions = {
              title: notification.title,
              // notify-send requires a body; a blank one keeps the title alone on screen.
              message: notification.body || ' ',
              urgency: URGENCY[notification.severity],
              'app-name': this.appName,
            };
            this.notifySend.notify(options, (error) => done(error));
          } else {
            nodeNotifier.notify(
              { title: notification.title, message: notification.body || ' ' },
              (error) => done(error),
            );
          }
        });
      } catch (error) {
        done(error instanceof Error ? error : new Error(String(error)));
      }
    });

    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<NotifyResult>((resolve) => {
      timer = setTimeout(
        () =>
          resolve({
            ok: false,
            error: `The notification service did not answer within ${this.timeoutMs / 1000} s: it may be hung; restart it (e.g. dunst).`,
          }),
        this.timeoutMs,
      );
    });
    try {
      return await Promise.race([delivered, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Turn node-notifier's error (which carries notify-send's stderr) into what the user should do. */
export function explainFailure(error: Error): string {
  const text = error.message;
  if (/ServiceUnknown|org\.freedesktop\.Notifications|NoReply.*Notifications/i.test(text)) {
    return NO_DAEMON_ERROR;
  }
  if (
    /autolaunch|DBUS_SESSION_BUS_ADDRESS|Failed to connect to socket|Could not connect/i.test(text)
  ) {
    return NO_SESSION_BUS_ERROR;
  }
  if (/notify-send: not found|command not found|ENOENT|must be installed/i.test(text)) {
    return NO_NOTIFY_SEND_ERROR;
  }
  const detail = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('Command failed'))
    .join(' ');
  return `The desktop notification could not be shown: ${detail || text}`;
}

function isFreedesktop(platform: NodeJS.Platform): boolean {
  return platform === 'linux' || platform === 'freebsd' || platform === 'openbsd';
}

function onPath(command: string, pathVar: string | undefined): boolean {
  for (const dir of (pathVar ?? '').split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      // not in this directory
    }
  }
  return false;
}

/**
 * Run `fn` with `env` as the process environment, restoring it before returning.
 * node-notifier starts notify-send with `child_process.exec` and no env option, so the child
 * inherits `process.env` at the moment of spawning. That spawn happens synchronously inside `fn`,
 * and JavaScript is single-threaded, so no other code can observe the temporary environment;
 * when `env` is this process's own environment nothing is swapped at all.
 */
function withEnv(env: Record<string, string | undefined>, fn: () => void): void {
  if (env === process.env) return fn();
  const saved = { ...process.env };
  try {
    for (const key of Object.keys(process.env)) if (!(key in env)) delete process.env[key];
    for (const [key, value] of Object.entries(env)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    fn();
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  }
}
