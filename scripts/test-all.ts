/**
 * `npm test`: every suite, in order, each counted: typecheck, lint, the renderer build, the four
 * Vitest projects (unit, integration, reliability, packaging: vitest.config.ts), end-to-end tests
 * (Playwright). Ends with one `N passed, N failed` line covering all of them and exits non-zero on
 * any failure. Typecheck and lint count as one check each.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';

interface StepResult {
  name: string;
  passed: number;
  failed: number;
}

function run(cmd: string, args: string[]): number {
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: process.env });
  return r.status ?? 1;
}

function single(name: string, cmd: string, args: string[]): StepResult {
  console.log(`\n▶ ${name}`);
  const ok = run(cmd, args) === 0;
  return { name, passed: ok ? 1 : 0, failed: ok ? 0 : 1 };
}

/** One Vitest project (see vitest.config.ts), counted from its own JSON report. */
function vitest(project: string, what: string): StepResult {
  console.log(`\n▶ ${project} tests (vitest: ${what})`);
  const report = `test-results-unit/${project}.json`;
  rmSync(report, { force: true });
  const status = run('npx', ['vitest', 'run', '--project', project, `--outputFile.json=${report}`]);
  if (!existsSync(report)) return { name: project, passed: 0, failed: 1 };
  const json = JSON.parse(readFileSync(report, 'utf8')) as {
    numPassedTests: number;
    numFailedTests: number;
    numFailedTestSuites: number;
  };
  // A file that fails to load has no failed tests, only a failed suite: count those then.
  const failed = json.numFailedTests > 0 ? json.numFailedTests : json.numFailedTestSuites;
  return {
    name: project,
    passed: json.numPassedTests,
    failed: failed > 0 || status === 0 ? failed : 1,
  };
}

function playwright(): StepResult {
  console.log('\n▶ end-to-end tests (Playwright + Chromium through the browser host)');
  const report = 'test-results-e2e/results.json';
  rmSync(report, { force: true });
  const status = run('npx', ['playwright', 'test', '-c', 'e2e/playwright.config.ts']);
  if (!existsSync(report)) return { name: 'e2e', passed: 0, failed: 1 };
  const json = JSON.parse(readFileSync(report, 'utf8')) as {
    stats: { expected: number; unexpected: number; flaky: number; skipped: number };
  };
  const failed = json.stats.unexpected + json.stats.flaky + json.stats.skipped;
  return {
    name: 'e2e',
    passed: json.stats.expected,
    failed: failed > 0 || status === 0 ? failed : 1,
  };
}

const steps: Array<() => StepResult> = [
  () => single('typecheck', 'npx', ['tsc', '-p', 'tsconfig.node.json', '--noEmit']),
  () => single('typecheck (renderer)', 'npx', ['tsc', '-p', 'tsconfig.web.json', '--noEmit']),
  () => single('lint', 'npx', ['eslint', '--max-warnings', '0', '.']),
  () =>
    single('format (prettier --check)', 'npx', ['prettier', '--check', '--log-level', 'warn', '.']),
  () =>
    single('build the renderer', 'npx', [
      'vite',
      'build',
      '-c',
      'renderer/vite.config.ts',
      '--logLevel',
      'warn',
    ]),
  () => vitest('unit', 'beside the source, no sockets or processes'),
  () => vitest('integration', 'real ws servers, Redis, dunst, processes'),
  () => vitest('reliability', 'soak, kill -9, restarts'),
  () => vitest('packaging', 'electron-builder against a stub Electron'),
  playwright,
];

const results = steps.map((step) => step());
console.log('\nSummary');
for (const r of results)
  console.log(`  ${r.failed ? '✗' : '✓'} ${r.name}: ${r.passed} passed, ${r.failed} failed`);
const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed, 0);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
