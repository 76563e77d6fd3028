/**
 * The last line of defence of a long-running process (the gateway, the browser host, the desktop
 * main process): an exception nobody caught or a promise rejection nobody handled is logged with
 * what it was, and the process keeps serving everyone else.
 *
 * Node's default is to end the process, which turned one hostile request into an outage for every
 * client (and, in the app, closed the user's window). Every handler of ours is meant to be total;
 * this is for the bug we have not found yet. It is no licence to leave a handler partial: the
 * count is there so tests and operators see when it fires.
 *
 * No Node import: the caller passes its `process`, so every host (and a test's fake) can use it.
 */

/** The part of `process` this needs. */
export interface ProcessEvents {
  on(event: 'uncaughtException', listener: (error: Error) => void): unknown;
  on(event: 'unhandledRejection', listener: (reason: unknown) => void): unknown;
  off(event: 'uncaughtException', listener: (error: Error) => void): unknown;
  off(event: 'unhandledRejection', listener: (reason: unknown) => void): unknown;
}

/** Where the fault is written (the host's logger; it redacts secrets where the host does). */
export interface FaultLog {
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface LastResort {
  /** Faults seen so far, by kind. */
  readonly counts: { uncaughtException: number; unhandledRejection: number };
  uninstall(): void;
}

export interface LastResortOptions {
  /** Faults written per minute at most; the rest are counted and summed up in the next line. */
  maxLogsPerMinute?: number;
  now?: () => number;
}

/** Install the handlers; a second call on the same process adds a second pair (do it once, at the root). */
export function installLastResortHandlers(
  proc: ProcessEvents,
  log: FaultLog,
  options: LastResortOptions = {},
): LastResort {
  const maxPerMinute = options.maxLogsPerMinute ?? 20;
  const now = options.now ?? Date.now;
  const counts = { uncaughtException: 0, unhandledRejection: 0 };
  let windowStart = now();
  let written = 0;
  let suppressed = 0;

  const report = (kind: keyof typeof counts, value: unknown) => {
    counts[kind] += 1;
    const t = now();
    if (t - windowStart >= 60_000) {
      windowStart = t;
      written = 0;
    }
    // A fault in a hot path must not turn into a flood of log lines (or a full disk).
    if (written >= maxPerMinute) {
      suppressed += 1;
      return;
    }
    written += 1;
    try {
      log.error(`${kind}: kept running`, {
        ...describeFault(value),
        ...(suppressed > 0 ? { suppressedBefore: suppressed } : {}),
      });
      suppressed = 0;
    } catch {
      // The logger itself failed: there is nowhere left to report to.
    }
  };
  const onException = (error: Error) => report('uncaughtException', error);
  const onRejection = (reason: unknown) => report('unhandledRejection', reason);
  proc.on('uncaughtException', onException);
  proc.on('unhandledRejection', onRejection);
  return {
    counts,
    uninstall() {
      proc.off('uncaughtException', onException);
      proc.off('unhandledRejection', onRejection);
    },
  };
}

/** Name, message and the top of the stack, bounded; never the whole object (it may hold secrets). */
export function describeFault(value: unknown): { error: string; stack?: string } {
  if (value instanceof Error) {
    const stack = value.stack?.split('\n').slice(1, 8).join('\n');
    return {
      error: `${value.name}: ${value.message}`.slice(0, 500),
      ...(stack ? { stack: stack.slice(0, 2_000) } : {}),
    };
  }
  return {
    error: `non-error value: ${typeof value === 'string' ? value.slice(0, 200) : typeof value}`,
  };
}
