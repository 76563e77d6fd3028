import type { Clock } from '../../electron/core/kernel/ports';

/**
 * Real timers with a wall clock the test can move (`jump`), as after a suspend or a clock
 * change: timers keep their real durations while `now()` leaps. (Timers under the test's control
 * instead: `manual-clock.ts`.)
 */
export function jumpingClock(): Clock & { jump(ms: number): void } {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
    jump: (ms) => {
      offset += ms;
    },
  };
}
