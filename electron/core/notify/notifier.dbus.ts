import { Message, sessionBus, Variant, type MessageBus } from '@jellybrick/dbus-next';
import type { Severity } from '../../../shared/model/live-event';
import { neutraliseText } from '../../../shared/util/display-text';
import { NO_DAEMON_ERROR, NO_SESSION_BUS_ERROR, notAnsweredError } from './desktop-errors';
import type { Notifier, NotifyResult, OsNotification } from './notifier';

/**
 * Desktop notifications on Linux and the BSDs, straight over D-Bus: the freedesktop
 * `org.freedesktop.Notifications.Notify` method on the session bus. Titles and bodies travel as
 * D-Bus string arguments, never as a command line, so text from a server (`--version`, `-u low`)
 * is only ever text, and bidi overrides are neutralised as in the renderer. (node-notifier ran `notify-send`, which read a leading `-` as an option: a
 * critical alert titled `--version` was traced "delivered" and never shown.)
 *
 * The connection is opened on first use and kept; a broken one is dropped and opened again on the
 * next notification. Every failure is returned with what to do, never thrown.
 *
 * Built to grow (issue 16): `notifyCall` assembles the whole request (actions, hints, icon) from
 * the notification and the daemon's capabilities (read once per connection), and the connection
 * is long-lived, so click actions need only a list of actions in `notifyCall` and, on the same
 * connection, a match for the `ActionInvoked` signal keyed by the id `Notify` returns.
 */

const SERVICE = 'org.freedesktop.Notifications';
const PATH = '/org/freedesktop/Notifications';

/** The spec's urgency levels (hint `urgency`, a byte). */
const URGENCY: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

export interface DbusNotifierOptions {
  /** The session bus address; defaults to `DBUS_SESSION_BUS_ADDRESS` of this process. */
  busAddress?: string;
  /** Shown by the daemon as the sending application. */
  appName?: string;
  /** The app icon: an absolute file path or an icon theme name. */
  appIcon?: string;
  /** A hung daemon must not hang the caller: give up after this long. */
  timeoutMs?: number;
}

/** One `Notify` call: the spec's eight arguments. */
export interface NotifyCall {
  appName: string;
  replacesId: number;
  appIcon: string;
  summary: string;
  body: string;
  /** Pairs of action key and label (`['default', 'Open']`); none yet. */
  actions: string[];
  hints: Record<string, Variant>;
  /** -1: the daemon's default; critical notifications stay until dismissed on most daemons. */
  expireTimeout: number;
}

/**
 * The `Notify` request for a notification. The body is escaped where the daemon reads markup in
 * it (capability `body-markup`), so `<a href=…>` from a server is shown, not followed; the
 * summary is plain text by the spec.
 */
export function notifyCall(
  notification: OsNotification,
  capabilities: ReadonlySet<string>,
  options: { appName: string; appIcon: string },
): NotifyCall {
  // Bidi overrides and control characters cannot disguise a name on the desktop either.
  const text = neutraliseText(notification.body);
  const body = capabilities.has('body-markup') ? escapeMarkup(text) : text;
  return {
    appName: options.appName,
    replacesId: 0,
    appIcon: options.appIcon,
    summary: neutraliseText(notification.title),
    body,
    actions: [],
    hints: { urgency: new Variant('y', URGENCY[notification.severity]) },
    expireTimeout: -1,
  };
}

/** `&`, `<` and `>` as entities: the subset of markup the spec lets a daemon interpret. */
export function escapeMarkup(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

interface Connection {
  bus: MessageBus;
  capabilities: ReadonlySet<string>;
}

export class DbusNotifier implements Notifier {
  readonly name = 'dbus/org.freedesktop.Notifications';
  private connection: Promise<Connection> | null = null;
  private readonly appName: string;
  private readonly appIcon: string;
  private readonly timeoutMs: number;

  constructor(private readonly options: DbusNotifierOptions = {}) {
    this.appName = options.appName ?? 'Lookout';
    this.appIcon = options.appIcon ?? '';
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  async show(notification: OsNotification): Promise<NotifyResult> {
    try {
      const { bus, capabilities } = await this.withTimeout(this.connect());
      const call = notifyCall(notification, capabilities, {
        appName: this.appName,
        appIcon: this.appIcon,
      });
      await this.withTimeout(
        bus.call(
          new Message({
            destination: SERVICE,
            path: PATH,
            interface: SERVICE,
            member: 'Notify',
            signature: 'susssasa{sv}i',
            body: [
              call.appName,
              call.replacesId,
              call.appIcon,
              call.summary,
              call.body,
              call.actions,
              call.hints,
              call.expireTimeout,
            ],
          }),
        ),
      );
      return { ok: true };
    } catch (error) {
      return { ok: false, error: this.explain(error) };
    }
  }

  /** Close the connection (the host is stopping). */
  dispose(): void {
    const connection = this.connection;
    this.connection = null;
    void connection?.then(({ bus }) => bus.disconnect()).catch(() => undefined);
  }

  /** The open connection, or a new one: connected, `Hello` said, the daemon's capabilities read. */
  private connect(): Promise<Connection> {
    this.connection ??= this.open().catch((error: unknown) => {
      this.connection = null;
      throw error;
    });
    return this.connection;
  }

  private async open(): Promise<Connection> {
    const busAddress = this.options.busAddress ?? process.env.DBUS_SESSION_BUS_ADDRESS;
    if (!busAddress) throw new BusUnreachable('DBUS_SESSION_BUS_ADDRESS is not set');
    const bus = sessionBus({ busAddress });
    // Connection errors arrive as events (a call made meanwhile would wait forever).
    const failed = new Promise<never>((_resolve, reject) => {
      (bus as unknown as NodeJS.EventEmitter).on('error', (error: Error) => {
        this.connection = null;
        reject(new BusUnreachable(error.message));
      });
    });
    failed.catch(() => undefined);
    await Promise.race([
      new Promise<void>((resolve) => bus.once('connect', () => resolve())),
      failed,
    ]);
    // Keep no process alive for the sake of an idle notification connection.
    (
      bus as unknown as { _connection?: { stream?: { unref?: () => void } } }
    )._connection?.stream?.unref?.();
    const reply = await Promise.race([
      bus.call(
        new Message({
          destination: SERVICE,
          path: PATH,
          interface: SERVICE,
          member: 'GetCapabilities',
        }),
      ),
      failed,
    ]);
    const caps = Array.isArray(reply?.body[0]) ? (reply.body[0] as unknown[]) : [];
    return { bus, capabilities: new Set(caps.filter((c): c is string => typeof c === 'string')) };
  }

  private withTimeout<T>(work: Promise<T>): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new NotAnswered()), this.timeoutMs);
    });
    return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
  }

  private explain(error: unknown): string {
    if (error instanceof NotAnswered) {
      // A daemon that hangs may have left the connection stuck too: start afresh next time.
      this.dispose();
      return notAnsweredError(this.timeoutMs);
    }
    if (error instanceof BusUnreachable) return NO_SESSION_BUS_ERROR;
    const type = (error as { type?: unknown }).type;
    if (
      type === 'org.freedesktop.DBus.Error.ServiceUnknown' ||
      type === 'org.freedesktop.DBus.Error.NameHasNoOwner'
    )
      return NO_DAEMON_ERROR;
    const message = error instanceof Error ? error.message : String(error);
    return `The desktop notification could not be shown: ${typeof type === 'string' ? `${type}: ` : ''}${message}`;
  }
}

class BusUnreachable extends Error {}
class NotAnswered extends Error {}
