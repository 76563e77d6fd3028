/**
 * Preloaded (`node --import tsx --import test/support/plant-faults.ts <entry>`) into a real host or
 * gateway process by the last-resort tests: on SIGUSR2 it throws from a timer (an uncaught
 * exception) and rejects a promise nobody awaits (an unhandled rejection), the two ways a bug in
 * a handler ends a Node process. The test then checks that the process logged both and still serves.
 */
process.on('SIGUSR2', () => {
  setTimeout(() => {
    throw new Error('planted fault: a handler threw');
  }, 0);
  void Promise.reject(new Error('planted fault: a promise rejected unhandled'));
});
