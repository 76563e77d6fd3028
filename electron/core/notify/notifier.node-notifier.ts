import nodeNotifier from 'node-notifier';
import { notAnsweredError } from './desktop-errors';
import type { Notifier, NotifyResult, OsNotification } from './notifier';

/**
 * The browser host's notifier on macOS (Notification Center) and Windows (toasts), on
 * node-notifier. Not for Linux and the BSDs: there node-notifier runs `notify-send`, which reads a
 * title or body starting with `-` as an option (a critical alert titled `--version` was traced
 * "delivered" and never shown); `DbusNotifier` speaks to the notification service directly, and
 * `createDesktopNotifier` picks it there. Failures become a returned error, never a throw.
 */

export interface NodeNotifierAdapterOptions {
  /** A hung notifier must not hang the caller: give up after this long. */
  timeoutMs?: number;
}

export class NodeNotifierAdapter implements Notifier {
  readonly name = 'node-notifier';
  private readonly timeoutMs: number;

  constructor(options: NodeNotifierAdapterOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  async show(notification: OsNotification): Promise<NotifyResult> {
    const delivered = new Promise<NotifyResult>((resolve) => {
      const done = (error: Error | null) =>
        resolve(
          error
            ? { ok: false, error: `The desktop notification could not be shown: ${error.message}` }
            : { ok: true },
        );
      try {
        nodeNotifier.notify(
          { title: notification.title, message: notification.body || ' ' },
          (error) => done(error),
        );
      } catch (error) {
        done(error instanceof Error ? error : new Error(String(error)));
      }
    });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<NotifyResult>((resolve) => {
      timer = setTimeout(
        () => resolve({ ok: false, error: notAnsweredError(this.timeoutMs) }),
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
