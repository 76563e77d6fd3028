/** The slice of Electron's `app` the lock needs. */
export interface SingleInstanceApp {
  requestSingleInstanceLock(): boolean;
  quit(): void;
  on(event: 'second-instance', listener: () => void): unknown;
}

/**
 * One Lookout per user: a second launch hands over to the first (which shows its window) and
 * quits. Returns false in the second instance, which must then stop starting up.
 */
export function acquireSingleInstance(app: SingleInstanceApp, focusFirst: () => void): boolean {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return false;
  }
  app.on('second-instance', () => focusFirst());
  return true;
}
