import { Message, MessageType, sessionBus, Variant, type MessageBus } from '@jellybrick/dbus-next';
import type { DndReading } from '../../../shared/model/diagnostics';
import type { Severity } from '../../../shared/model/live-event';
import { neutraliseText } from '../../../shared/util/display-text';
import { NO_DAEMON_ERROR, NO_SESSION_BUS_ERROR, notAnsweredError } from './desktop-errors';
import {
  actionsFor,
  bodyWithSource,
  NOTIFICATION_ACTION_LABELS,
  NOTIFICATION_ACTIONS,
  type NotificationAction,
  type Notifier,
  type NotifyResult,
  type OsNotification,
} from './notifier';

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
 * Where the daemon advertises `actions`, every notification carries a default action (a click
 * opens its item in the app) and "Mark read" / "Mute 1 h" buttons; the `ActionInvoked` signal is
 * matched on the same long-lived connection and keyed by the id `Notify` returned. The source
 * (endpoint name) leads the body, and the app icon is sent where the host has one.
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

/** True on systems whose desktops speak the freedesktop notification spec over D-Bus. */
export function isFreedesktop(platform: NodeJS.Platform): boolean {
  return platform === 'linux' || platform === 'freebsd' || platform === 'openbsd';
}

/** One `Notify` call: the spec's eight arguments. */
export interface NotifyCall {
  appName: string;
  replacesId: number;
  appIcon: string;
  summary: string;
  body: string;
  /** Pairs of action key and label (`['default', 'Open', 'mark-read', 'Mark read']`). */
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
  const text = neutraliseText(bodyWithSource(notification));
  const body = capabilities.has('body-markup') ? escapeMarkup(text) : text;
  return {
    appName: options.appName,
    replacesId: 0,
    appIcon: options.appIcon,
    summary: neutraliseText(notification.title),
    body,
    actions: capabilities.has('actions')
      ? [
          'default',
          'Open',
          ...actionsFor(notification).flatMap((a) => [a, NOTIFICATION_ACTION_LABELS[a]]),
        ]
      : [],
    hints: {
      urgency: new Variant('y', URGENCY[notification.severity]),
      // Info arrives silently; warnings and critical alerts may sound where the daemon plays sounds.
      ...(notification.severity === 'info' ? { 'suppress-sound': new Variant('b', true) } : {}),
      ...(capabilities.has('sound') && notification.severity !== 'info'
        ? {
            'sound-name': new Variant(
              's',
              notification.severity === 'critical' ? 'dialog-warning' : 'message-new-instant',
            ),
          }
        : {}),
    },
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

/** Shown notifications remembered for their actions (a daemon keeps few on screen anyway). */
const MAX_REMEMBERED = 500;

export class DbusNotifier implements Notifier {
  readonly name = 'dbus/org.freedesktop.Notifications';
  private connection: Promise<Connection> | null = null;
  /** By the id the daemon gave: what a click or a button on it stands for. */
  private readonly shown = new Map<number, OsNotification>();
  private readonly clickListeners = new Set<(notification: OsNotification) => void>();
  private readonly actionListeners = new Set<
    (notification: OsNotification, action: NotificationAction) => void
  >();
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
      const reply = await this.withTimeout(
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
      const id = reply?.body[0];
      if (typeof id === 'number' && call.actions.length > 0) this.remember(id, notification);
      return { ok: true };
    } catch (error) {
      return { ok: false, error: this.explain(error) };
    }
  }

  onClick(listener: (notification: OsNotification) => void): () => void {
    this.clickListeners.add(listener);
    return () => this.clickListeners.delete(listener);
  }

  onAction(
    listener: (notification: OsNotification, action: NotificationAction) => void,
  ): () => void {
    this.actionListeners.add(listener);
    return () => this.actionListeners.delete(listener);
  }

  /**
   * The daemon's do-not-disturb, read where it can be: the freedesktop `Inhibited` property (spec
   * 1.3; KDE Plasma), else dunst's own `paused` property (what `dunstctl is-paused` reads). A
   * daemon with neither is reported as unknown, with its name.
   */
  async readDoNotDisturb(): Promise<DndReading> {
    try {
      const { bus } = await this.withTimeout(this.connect());
      const inhibited = await this.property(bus, SERVICE, 'Inhibited');
      if (typeof inhibited === 'boolean') {
        return {
          state: inhibited ? 'on' : 'off',
          source: 'freedesktop Inhibited',
          detail: `The notification service reports do-not-disturb ${inhibited ? 'on' : 'off'} (its Inhibited property).`,
        };
      }
      const paused = await this.property(bus, 'org.dunstproject.cmd0', 'paused');
      if (typeof paused === 'boolean') {
        return {
          state: paused ? 'on' : 'off',
          source: 'dunst',
          detail: `dunst is ${paused ? 'paused (do-not-disturb on)' : 'not paused'}.`,
        };
      }
      const daemon = await this.serverName(bus);
      return {
        state: 'unknown',
        source: null,
        detail: `The notification service${daemon ? ` (${daemon})` : ''} does not report a do-not-disturb state, so Lookout cannot honour it here.`,
      };
    } catch (error) {
      return { state: 'unknown', source: null, detail: this.explain(error) };
    }
  }

  private remember(id: number, notification: OsNotification): void {
    this.shown.delete(id);
    this.shown.set(id, notification);
    while (this.shown.size > MAX_REMEMBERED) {
      const oldest = this.shown.keys().next().value;
      if (oldest === undefined) break;
      this.shown.delete(oldest);
    }
  }

  /** `ActionInvoked(id, key)` from the daemon: a click (`default`) or one of our buttons. */
  private signal(message: Message): void {
    if (message.type !== MessageType.SIGNAL || message.interface !== SERVICE) return;
    const id = message.body[0];
    if (typeof id !== 'number') return;
    if (message.member === 'NotificationClosed') {
      // Closed by a click too: ActionInvoked came first, so forgetting it now loses nothing.
      this.shown.delete(id);
      return;
    }
    if (message.member !== 'ActionInvoked') return;
    const notification = this.shown.get(id);
    const key = message.body[1];
    if (!notification || typeof key !== 'string') return;
    if (key === 'default') {
      for (const listener of this.clickListeners) listener(notification);
      return;
    }
    const action = NOTIFICATION_ACTIONS.find((a) => a === key);
    if (action) for (const listener of this.actionListeners) listener(notification, action);
  }

  private async property(bus: MessageBus, iface: string, name: string): Promise<unknown> {
    try {
      const reply = await this.withTimeout(
        bus.call(
          new Message({
            destination: SERVICE,
            path: PATH,
            interface: 'org.freedesktop.DBus.Properties',
            member: 'Get',
            signature: 'ss',
            body: [iface, name],
          }),
        ),
      );
      const value: unknown = reply?.body[0];
      return value instanceof Variant ? (value.value as unknown) : undefined;
    } catch {
      return undefined; // no such interface or property on this daemon
    }
  }

  private async serverName(bus: MessageBus): Promise<string | null> {
    try {
      const reply = await this.withTimeout(
        bus.call(
          new Message({
            destination: SERVICE,
            path: PATH,
            interface: SERVICE,
            member: 'GetServerInformation',
          }),
        ),
      );
      return typeof reply?.body[0] === 'string' ? reply.body[0] : null;
    } catch {
      return null;
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
    // Clicks and buttons arrive as signals on this connection.
    bus.on('message', (message: Message) => this.signal(message));
    await Promise.race([
      bus.call(
        new Message({
          destination: 'org.freedesktop.DBus',
          path: '/org/freedesktop/DBus',
          interface: 'org.freedesktop.DBus',
          member: 'AddMatch',
          signature: 's',
          body: [`type='signal',interface='${SERVICE}',path='${PATH}'`],
        }),
      ),
      failed,
    ]);
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
