import type { LookoutBridge, SendPayload } from '../../../shared/ipc/contract';

/** A render error caught by a boundary, with where it happened. */
export interface CaughtError {
  /** What was being shown (`Lookout`, `Diagnostics`, …). */
  scope: string;
  name: string;
  message: string;
  stack?: string;
  componentStack?: string;
  at: number;
}

/** Where the page runs, for the details a user copies into a bug report. */
export interface ErrorContext {
  appVersion?: string;
  host?: string;
  route?: string;
  userAgent?: string;
}

/** Turns anything thrown into a name and message (a thrown string or object is still explained). */
export function describeThrown(thrown: unknown): { name: string; message: string; stack?: string } {
  if (thrown instanceof Error) {
    return {
      name: thrown.name,
      message: thrown.message,
      ...(thrown.stack ? { stack: thrown.stack } : {}),
    };
  }
  let message: string;
  try {
    message = typeof thrown === 'string' ? thrown : JSON.stringify(thrown);
  } catch {
    message = String(thrown);
  }
  return { name: 'Non-error thrown', message: message ?? String(thrown) };
}

/** The text behind "Copy details": what failed, where and when, and both stacks. */
export function errorDetails(caught: CaughtError, context: ErrorContext = {}): string {
  const lines = [
    `Lookout ${context.appVersion ?? '(version unknown)'}${context.host ? ` (${context.host})` : ''}: render error in ${caught.scope}`,
    `When: ${new Date(caught.at).toISOString()}`,
    ...(context.route ? [`View: ${context.route}`] : []),
    `Error: ${caught.name}: ${caught.message}`,
    '',
    'Stack:',
    caught.stack?.trim() || '(none)',
    '',
    'Component stack:',
    caught.componentStack?.trim() || '(none)',
    ...(context.userAgent ? ['', `User agent: ${context.userAgent}`] : []),
  ];
  return `${lines.join('\n')}\n`;
}

/** What the main process logs about it (bounded to the IPC contract's limits). */
export function errorReport(caught: CaughtError): SendPayload<'app:renderer-error'> {
  return {
    scope: caught.scope.slice(0, 64),
    message: `${caught.name}: ${caught.message}`.slice(0, 2_000),
    ...(caught.stack ? { stack: caught.stack.slice(0, 8_000) } : {}),
    ...(caught.componentStack ? { componentStack: caught.componentStack.slice(0, 8_000) } : {}),
  };
}

/** At most this many errors per page go to the main process log (a render loop must not flood it). */
const MAX_REPORTS = 20;

/**
 * Sends caught errors to the main process log (`app:renderer-error`), at most `MAX_REPORTS` per
 * page, never throwing.
 */
export function createErrorReporter(
  bridge: Pick<LookoutBridge, 'send'> | null,
): (caught: CaughtError) => void {
  let sent = 0;
  return (caught) => {
    if (!bridge || sent >= MAX_REPORTS) return;
    sent += 1;
    try {
      bridge.send('app:renderer-error', errorReport(caught));
    } catch {
      // The bridge is gone (the page is closing): nothing more to do.
    }
  };
}
