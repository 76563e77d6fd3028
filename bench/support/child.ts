/**
 * The child side of `Proc`: options from argv, typed send/receive over IPC, and an exit when the
 * parent goes away so no benchmark process outlives its runner.
 */
import type { ProcMessage } from './proc';

export function childOptions<T>(): T {
  return JSON.parse(process.argv[2] ?? '{}') as T;
}

export function reply(message: ProcMessage): void {
  process.send?.(message);
}

export function onCommand(handler: (message: ProcMessage) => void | Promise<void>): void {
  process.on('message', (raw) => {
    const message = raw as ProcMessage;
    Promise.resolve(handler(message)).catch((error: unknown) =>
      reply({
        type: 'error',
        message: error instanceof Error ? (error.stack ?? error.message) : String(error),
      }),
    );
  });
  // The runner died or closed the channel: nothing left to do here.
  process.on('disconnect', () => process.exit(0));
  process.on('SIGTERM', () => process.exit(0));
}
