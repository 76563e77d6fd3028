import { defineConfig } from 'vitest/config';

/**
 * Four Vitest projects, one per kind of test (README "Tests" says what goes where):
 * - `unit`: beside their source as `*.test.ts(x)`; no sockets, servers or processes (the setup
 *   file refuses them), so the whole project runs in well under a minute: `npm run unit`. In
 *   worker threads: nothing here needs a process of its own, and a thread starts for a fraction
 *   of a fork's cost (a fifth less CPU for the project, measured on the 2-core machine).
 * - `integration`: `test/integration/**`: real `ws` servers on port 0, Redis, dunst, processes.
 * - `reliability`: `test/reliability/**`: the soak, kill -9 and restart scenarios, long runs.
 * - `packaging`: `test/packaging/**`: electron-builder against a stub Electron.
 * `npm test` runs them in that order; `npx vitest run --project NAME [paths]` runs one.
 */
export default defineConfig({
  test: {
    environment: 'node',
    // Generous: real servers, processes and Redis on a 2-core machine; every wait inside is bounded too.
    testTimeout: 60_000,
    hookTimeout: 30_000,
    pool: 'forks',
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results-unit/vitest.json' },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          pool: 'threads',
          include: ['{electron,shared,gateway,renderer,scripts}/**/*.test.{ts,tsx}'],
          setupFiles: ['test/support/no-io.ts'],
        },
      },
      { extends: true, test: { name: 'integration', include: ['test/integration/**/*.test.ts'] } },
      { extends: true, test: { name: 'reliability', include: ['test/reliability/**/*.test.ts'] } },
      { extends: true, test: { name: 'packaging', include: ['test/packaging/**/*.test.ts'] } },
    ],
  },
});
