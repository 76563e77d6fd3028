import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium';

/**
 * End-to-end tests: the browser host (real core, real gateway or backend doubles, real sockets)
 * driven in Debian's Chromium. Build first (`npm run build:renderer`); `npm test` does.
 */
export default defineConfig({
  testDir: './specs',
  outputDir: '../test-results/e2e',
  timeout: 90_000,
  expect: { timeout: 15_000 },
  workers: 1,
  retries: 0,
  reporter: [['list'], ['json', { outputFile: '../test-results-e2e/results.json' }]],
  use: {
    viewport: { width: 1280, height: 800 },
    launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
    trace: 'off',
  },
});
