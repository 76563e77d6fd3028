/**
 * Milliseconds on the system-wide monotonic clock (CLOCK_MONOTONIC via `process.hrtime`). Every
 * process on the machine reads the same clock, so a timestamp taken in a sender process can be
 * subtracted from one taken in the runner: that is how cross-process latencies are measured.
 */
export function hrNow(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}
