/** The slice of Electron's `app` the lock needs. */
export interface SingleInstanceApp {
  requestSingleInstanceLock(): boolean;
  quit(): void;
  on(event: 'second-instance', listener: (event: unknown, argv: string[]) => void): unknown;
}

/**
 * One Lookout per user: a second launch hands over to the first (which shows its window) and
 * quits. Returns false in the second instance, which must then stop starting up.
 */
export function acquireSingleInstance(
  app: SingleInstanceApp,
  /** Shows the first window; `argv` is the second launch's (it may carry a `lookout://` link). */
  focusFirst: (argv: readonly string[]) => void,
): boolean {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return false;
  }
  app.on('second-instance', (_event, argv) => focusFirst(Array.isArray(argv) ? argv : []));
  return true;
}
