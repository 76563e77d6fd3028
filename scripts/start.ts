/**
 * `npm start`: builds what is missing, then runs the Electron app where an Electron binary is
 * installed, and otherwise says so plainly and starts the browser host (printing the address).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const root = process.cwd();
const args = process.argv.slice(2);

/** Newest modification time below a folder (bounded walk of our own sources). */
function newest(dir: string): number {
  let latest = 0;
  const walk = (d: string, depth: number) => {
    if (depth > 8 || !existsSync(d)) return;
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, entry.name);
      if (entry.isDirectory()) walk(p, depth + 1);
      else latest = Math.max(latest, statSync(p).mtimeMs);
    }
  };
  walk(dir, 0);
  return latest;
}

function build(what: string, cmd: string, cmdArgs: string[]): void {
  console.log(`lookout: building ${what}…`);
  const r = spawnSync(cmd, cmdArgs, { stdio: 'inherit', cwd: root });
  if (r.status !== 0) {
    console.error(`lookout: building ${what} failed; see the output above.`);
    process.exit(r.status ?? 1);
  }
}

const rendererIndex = join(root, 'dist', 'renderer', 'index.html');
const rendererStale =
  !existsSync(rendererIndex) ||
  Math.max(newest(join(root, 'renderer')), newest(join(root, 'shared'))) >
    statSync(rendererIndex).mtimeMs;
if (rendererStale)
  build('the renderer', 'npx', [
    'vite',
    'build',
    '-c',
    'renderer/vite.config.ts',
    '--logLevel',
    'warn',
  ]);

/** Path of a runnable Electron binary, or null with the reason. */
function electronBinary(): { path: string } | { reason: string } {
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) {
    const candidate = join(override, process.platform === 'win32' ? 'electron.exe' : 'electron');
    return existsSync(candidate)
      ? { path: candidate }
      : { reason: `ELECTRON_OVERRIDE_DIST_PATH has no electron binary (${candidate})` };
  }
  try {
    const require = createRequire(import.meta.url);
    const pkgDir = join(require.resolve('electron/package.json'), '..');
    const pathFile = join(pkgDir, 'path.txt');
    if (!existsSync(pathFile))
      return {
        reason: 'the electron package is installed without its binary (downloads are blocked here)',
      };
    const rel = readFileSafe(pathFile);
    const bin = join(pkgDir, 'dist', rel);
    return rel && existsSync(bin)
      ? { path: bin }
      : { reason: 'the Electron binary is missing from node_modules/electron/dist' };
  } catch {
    return { reason: 'the electron package is not installed' };
  }
}

function readFileSafe(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return '';
  }
}

const forceBrowser = args.includes('--browser') || process.env.LOOKOUT_HOST === 'browser';
const electron = forceBrowser ? { reason: 'the browser host was asked for' } : electronBinary();
if ('path' in electron) {
  build('the desktop host', 'npx', ['tsx', 'scripts/build-main.ts']);
  const child = spawn(electron.path, ['.', ...args], { stdio: 'inherit', cwd: root });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  console.log(`lookout: no Electron binary to run (${electron.reason}).`);
  console.log(
    'lookout: starting the browser host instead: the same app, in your browser, on 127.0.0.1.',
  );
  const child = spawn(
    'npx',
    ['tsx', 'electron/browser-host/main.ts', ...args.filter((a) => a !== '--browser')],
    {
      stdio: 'inherit',
      cwd: root,
    },
  );
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('exit', (code) => process.exit(code ?? 0));
}
