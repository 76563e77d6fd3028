import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{electron,shared,gateway,renderer,test,scripts}/**/*.test.{ts,tsx}'],
    environment: 'node',
    // Generous: real servers, processes and Redis on a 2-core machine; every wait inside is bounded too.
    testTimeout: 60_000,
    hookTimeout: 30_000,
    pool: 'forks',
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results-unit/vitest.json' },
  },
});
