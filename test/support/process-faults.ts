/**
 * Records the process-level failures a test provoked: an uncaught exception or an unhandled
 * rejection in a server's handler (which would end a real gateway or host process). Tests assert
 * the list is empty, so a handler that throws fails the test that sent the request, by name.
 */
export function recordProcessFaults(): { faults: string[]; stop(): void } {
  const faults: string[] = [];
  const onRejection = (reason: unknown) => faults.push(`unhandledRejection: ${describe(reason)}`);
  const onException = (error: unknown) => faults.push(`uncaughtException: ${describe(error)}`);
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return {
    faults,
    stop() {
      process.off('unhandledRejection', onRejection);
      process.off('uncaughtException', onException);
    },
  };
}

function describe(value: unknown): string {
  return value instanceof Error ? `${value.name}: ${value.message}` : String(value);
}
