/**
 * Packaging check (CI, no Electron binary needed): stages the app in a temp dir, builds main +
 * preload (esbuild) and the renderer (vite), runs electron-builder `--linux dir tar.gz` against a
 * stub Electron dist, then opens the asar and asserts it holds the main entry, preload, renderer
 * and gateway code and nothing from sources, tests or dev dependencies; also checks the fuses were
 * flipped in the packaged binary and the tar.gz exists. Exits non-zero on any missing entry.
 *
 * `npx tsx scripts/package-check.ts [--keep]`: everything happens under one temp dir, removed at
 * the end unless `--keep`.
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { extractFile, listPackage } from '@electron/asar';
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { buildMain } from './build-main';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ELECTRON_VERSION = '45.4.1';
/** Electron's fuse sentinel (@electron/fuses) followed by wire version 1 and 8 fuses. */
const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
/** Electron 45's default wire: RunAsNode, NodeOptions, Inspect and GrantFile on; the rest off. */
const DEFAULT_WIRE = '10110001';

export interface PackageCheckResult {
  ok: boolean;
  problems: string[];
  entries: string[];
  fuses: Record<string, string>;
  tarball: string | null;
  workDir: string;
}

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): void {
  const r = spawnSync(cmd, args, {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
    timeout: 240_000,
    encoding: 'utf8',
  });
  if (r.status !== 0) {
    throw new Error(
      `${cmd} ${args.join(' ')} failed (${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`.slice(
        -6_000,
      ),
    );
  }
}

/** A directory that looks enough like Electron's linux-x64 dist for electron-builder. */
function makeStubElectronDist(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const wire = Buffer.concat([
    Buffer.from(`#!/bin/sh\necho "stub electron: no binary on this machine" >&2\nexit 1\n# `),
    Buffer.from(FUSE_SENTINEL, 'ascii'),
    Buffer.from([1, DEFAULT_WIRE.length]),
    Buffer.from(DEFAULT_WIRE, 'ascii'),
    Buffer.from('\n'),
  ]);
  writeFileSync(join(dir, 'electron'), wire);
  chmodSync(join(dir, 'electron'), 0o755);
  writeFileSync(join(dir, 'version'), ELECTRON_VERSION);
  writeFileSync(join(dir, 'LICENSE'), 'MIT (stub)\n');
  writeFileSync(join(dir, 'LICENSES.chromium.html'), '<html></html>\n');
  mkdirSync(join(dir, 'resources'), { recursive: true });
  mkdirSync(join(dir, 'locales'), { recursive: true });
  writeFileSync(join(dir, 'locales', 'en-US.pak'), '');
}

/**
 * Copies the production dependency tree (as `npm ls --omit=dev` sees it, offline) into the stage.
 * A symlinked node_modules is not enough: electron-builder then packs only the direct deps.
 */
function copyProductionDeps(stage: string): void {
  const r = spawnSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
  });
  const dirs = r.stdout
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith(join(root, 'node_modules') + sep));
  if (dirs.length === 0) throw new Error(`npm ls found no production dependencies: ${r.stderr}`);
  for (const dir of dirs) {
    const target = join(stage, relative(root, dir));
    if (!existsSync(target)) cpSync(dir, target, { recursive: true, dereference: true });
  }
}

/** Copies what electron-builder reads into a fresh project dir, then builds into it. */
async function stageApp(stage: string): Promise<void> {
  mkdirSync(stage, { recursive: true });
  for (const file of ['package.json', 'package-lock.json', 'electron-builder.yml']) {
    copyFileSync(join(root, file), join(stage, file));
  }
  cpSync(join(root, 'build'), join(stage, 'build'), { recursive: true });
  copyProductionDeps(stage);
  await buildMain(join(stage, 'dist', 'desktop'));
  run(
    'npx',
    [
      'vite',
      'build',
      '-c',
      'renderer/vite.config.ts',
      '--outDir',
      join(stage, 'dist', 'renderer'),
      '--emptyOutDir',
      '--logLevel',
      'warn',
    ],
    root,
  );
}

/** What must be in the asar, and what must never be; returns the problems found. */
export function checkEntries(entries: string[], devDeps: string[]): string[] {
  const problems: string[] = [];
  const has = (p: string): boolean => entries.includes(p);
  for (const required of [
    '/package.json',
    '/dist/desktop/main.cjs',
    '/dist/desktop/preload.cjs',
    '/dist/desktop/icon.png',
    '/dist/renderer/index.html',
    '/node_modules/electron-updater/package.json',
  ]) {
    if (!has(required)) problems.push(`missing from the asar: ${required}`);
  }
  if (!entries.some((e) => /^\/dist\/renderer\/assets\/.+\.js$/.test(e))) {
    problems.push('missing from the asar: the renderer script (dist/renderer/assets/*.js)');
  }
  for (const name of ['ok', 'degraded', 'disconnected', 'sign-in']) {
    for (const variant of ['', '-unread']) {
      for (const scale of ['', '@2x']) {
        const icon = `/dist/desktop/tray/tray-${name}${variant}${scale}.png`;
        if (!has(icon)) problems.push(`missing from the asar: ${icon}`);
      }
    }
  }
  const forbidden: Array<[RegExp, string]> = [
    [/^\/(electron|shared|gateway|renderer\/src|test|scripts|bench|e2e|docs|build)\//, 'sources'],
    [/^\/[^/]+\.(ts|tsx|yml|md)$/, 'top-level source/config file'],
    [/^\/dist\/.*\.map$/, 'source map'],
    [/^\/dist\/desktop-meta\.json$/, 'build metadata'],
    [/\.test\.[cm]?[jt]sx?$/, 'test file'],
    [/^\/(tsconfig|vitest|eslint)/, 'dev config'],
  ];
  for (const entry of entries) {
    for (const [pattern, what] of forbidden) {
      if (pattern.test(entry)) problems.push(`${what} in the asar: ${entry}`);
    }
  }
  for (const dev of devDeps) {
    if (has(`/node_modules/${dev}`)) problems.push(`dev dependency in the asar: ${dev}`);
  }
  return problems;
}

/**
 * Every package main.cjs requires at run time (besides Node built-ins and electron) must be in the
 * asar together with its whole dependency tree, or the installed app fails at start.
 */
function checkRuntimeDeps(asar: string, entries: string[], main: string): string[] {
  const builtins = new Set(builtinModules);
  // Optional: ws's native speed-ups and redis's OpenTelemetry hook, each required inside a try.
  const optional = new Set(['electron', 'bufferutil', 'utf-8-validate', '@opentelemetry/api']);
  const externals = [...main.matchAll(/require\("([^"./][^"]*)"\)/g)]
    .map((m) => m[1]!)
    .map((spec) =>
      (spec.startsWith('@') ? spec.split('/').slice(0, 2) : spec.split('/').slice(0, 1)).join('/'),
    )
    .filter((name) => !name.startsWith('node:') && !builtins.has(name) && !optional.has(name));
  const problems: string[] = [];
  const seen = new Set<string>();
  const queue = [...new Set(externals)];
  if (queue.length === 0)
    problems.push('main.cjs requires no package: the externals list looks wrong');
  while (queue.length > 0) {
    const name = queue.shift()!;
    if (seen.has(name)) continue;
    seen.add(name);
    const manifest = `/node_modules/${name}/package.json`;
    if (!entries.includes(manifest)) {
      problems.push(`runtime dependency missing from the asar: ${name}`);
      continue;
    }
    const pkg = JSON.parse(extractFile(asar, manifest.slice(1)).toString('utf8')) as {
      dependencies?: Record<string, string>;
    };
    queue.push(...Object.keys(pkg.dependencies ?? {}));
  }
  return problems;
}

/**
 * Loads the bundled main.cjs in plain Node with a stub `electron` whose `whenReady()` never
 * resolves: every bundled module is evaluated (catching ESM/CJS bundling mistakes and missing
 * runtime deps), nothing starts. Runs from the stage, whose node_modules holds prod deps only.
 */
export function smokeLoadMain(stage: string, workDir: string): string[] {
  const hook = join(workDir, 'stub-electron.cjs');
  writeFileSync(
    hook,
    `const Module = require('node:module');
const load = Module._load;
const app = {
  setName() {}, getPath: () => ${JSON.stringify(workDir)}, getAppPath: () => ${JSON.stringify(stage)},
  getVersion: () => '0.0.0', requestSingleInstanceLock: () => true, quit() {}, on() {},
  setAppUserModelId() {}, whenReady: () => new Promise(() => {}), isPackaged: true,
  exit(code) { process.exit(code); },
};
Module._load = function (request, ...rest) {
  if (request === 'electron') return { app };
  if (request === 'electron-updater') return { autoUpdater: {} };
  return load.call(this, request, ...rest);
};
process.on('exit', (code) => { if (code === 0) console.log('main.cjs loaded'); });
`,
  );
  const r = spawnSync(process.execPath, ['-r', hook, join(stage, 'dist', 'desktop', 'main.cjs')], {
    cwd: stage,
    encoding: 'utf8',
    timeout: 30_000,
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  if (r.status === 0 && r.stdout.includes('main.cjs loaded')) return [];
  return [`main.cjs does not load in Node (${r.status ?? r.signal}): ${r.stderr.slice(-2_000)}`];
}

/** Runs the whole check; never leaves files outside its temp dir. */
export async function packageCheck(options: { keep?: boolean } = {}): Promise<PackageCheckResult> {
  const workDir = mkdtempSync(join(tmpdir(), 'lookout-package-'));
  const stage = join(workDir, 'app');
  const stub = join(workDir, 'electron-dist');
  const out = join(workDir, 'release');
  const problems: string[] = [];
  let entries: string[] = [];
  const fuses: Record<string, string> = {};
  let tarball: string | null = null;
  try {
    makeStubElectronDist(stub);
    await stageApp(stage);
    problems.push(...smokeLoadMain(stage, workDir));
    run(
      process.execPath,
      [
        join(root, 'node_modules', 'electron-builder', 'cli.js'),
        '--linux',
        'dir',
        'tar.gz',
        '--x64',
        '--publish',
        'never',
        `-c.electronDist=${stub}`,
        `-c.electronVersion=${ELECTRON_VERSION}`,
        `-c.directories.output=${out}`,
      ],
      stage,
      {
        ELECTRON_BUILDER_7ZIP_PATH: process.env.ELECTRON_BUILDER_7ZIP_PATH ?? '/usr/bin/7za',
        ELECTRON_SKIP_BINARY_DOWNLOAD: '1',
        CSC_IDENTITY_AUTO_DISCOVERY: 'false',
      },
    );
    const unpacked = join(out, 'linux-unpacked');
    const asar = join(unpacked, 'resources', 'app.asar');
    if (!existsSync(asar)) throw new Error(`no app.asar at ${asar}`);
    entries = listPackage(asar, { isPack: false });
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      devDependencies?: Record<string, string>;
    };
    problems.push(...checkEntries(entries, Object.keys(pkg.devDependencies ?? {})));

    const main = extractFile(asar, 'dist/desktop/main.cjs').toString('utf8');
    problems.push(...checkRuntimeDeps(asar, entries, main));
    for (const [marker, what] of [
      ['// electron/desktop/desktop-app.ts', 'the desktop composition'],
      ['// electron/core/app/lookout-core.ts', 'the core'],
      ['// gateway/src/gateway.ts', 'the embedded gateway'],
    ] as const) {
      if (!main.includes(marker)) problems.push(`main.cjs does not contain ${what} (${marker})`);
    }
    // A sandboxed preload can require nothing but electron (and a few built-ins): one file.
    const preload = extractFile(asar, 'dist/desktop/preload.cjs').toString('utf8');
    const preloadRequires = [...preload.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]);
    const stray = preloadRequires.filter((spec) => spec !== 'electron');
    if (stray.length > 0) problems.push(`preload.cjs requires ${stray.join(', ')}: bundle them`);
    const packagedPkg = JSON.parse(extractFile(asar, 'package.json').toString('utf8')) as {
      main?: string;
    };
    if (packagedPkg.main !== 'dist/desktop/main.cjs') {
      problems.push(`packaged package.json main is ${String(packagedPkg.main)}`);
    }

    const wire = await getCurrentFuseWire(join(unpacked, 'lookout'));
    const want: Array<[FuseV1Options, string]> = [
      [FuseV1Options.RunAsNode, '0'],
      [FuseV1Options.EnableCookieEncryption, '1'],
      [FuseV1Options.EnableNodeOptionsEnvironmentVariable, '0'],
      [FuseV1Options.EnableNodeCliInspectArguments, '0'],
      [FuseV1Options.EnableEmbeddedAsarIntegrityValidation, '1'],
      [FuseV1Options.OnlyLoadAppFromAsar, '1'],
    ];
    for (const [fuse, expected] of want) {
      const actual = String.fromCharCode(Number(wire[fuse]));
      fuses[FuseV1Options[fuse]] = actual;
      if (actual !== expected)
        problems.push(`fuse ${FuseV1Options[fuse]} is ${actual}, want ${expected}`);
    }

    const tar = readdirSync(out).find((f) => f.endsWith('.tar.gz'));
    if (tar) tarball = join(out, tar);
    else problems.push('no .tar.gz was built');
  } catch (error) {
    problems.push(error instanceof Error ? error.message : String(error));
  } finally {
    if (!options.keep) rmSync(workDir, { recursive: true, force: true });
  }
  return { ok: problems.length === 0, problems, entries, fuses, tarball, workDir };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const result = await packageCheck({ keep: process.argv.includes('--keep') });
  console.log(`asar entries: ${result.entries.length}; fuses: ${JSON.stringify(result.fuses)}`);
  if (result.ok) {
    console.log(`package check passed (tar.gz: ${result.tarball ?? 'none'})`);
  } else {
    for (const p of result.problems) console.error(`✗ ${p}`);
    console.error(`package check failed: ${result.problems.length} problem(s)`);
    process.exit(1);
  }
}
