/**
 * Packaging check (CI, no Electron binary and no electron-builder downloads needed): stages the
 * app in a temp dir, builds main + preload (esbuild) and the renderer (vite), and runs
 * electron-builder on `electron-builder.yml`'s Linux targets for x64 and arm64 against a stub
 * Electron dist, with fpm replaced by Debian's dpkg-deb (`fpm-deb.ts`) and the AppImage toolset
 * by Debian's squashfs-tools (only the AppImage runtime is a placeholder). Then it opens what was
 * built and asserts:
 * - the asar holds the main entry, preload, renderer and gateway code and nothing from sources,
 *   tests or dev dependencies; `dependencies` is exactly what main.cjs loads at run time;
 * - size budgets for app.asar and the preload (which must carry no zod), and no Redis in main.cjs;
 * - main.cjs loads in Node; the fuses are flipped in the packaged binary;
 * - each .deb's control data (Depends = electron-builder's defaults + ours), layout, maintainer
 *   scripts and desktop entry (desktop-file-validate); each AppImage's toolset (static runtime:
 *   zstd image), AppDir and desktop entry; each tar.gz exists.
 * Exits non-zero on any problem.
 *
 * `npx tsx scripts/package-check.ts [--keep]`: everything happens under one temp dir, removed at
 * the end unless `--keep`.
 */
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { extractFile, listPackage } from '@electron/asar';
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import type { Metafile } from 'esbuild';
import { buildMain } from './build-main';
import { checkAppImage, inspectAppImage } from './packaging/appimage-check';
import { checkDeb, inspectDeb, validateDesktopEntry } from './packaging/deb-check';
import { makeAppImageTools, makeFpmShim, makeStubElectronDist } from './packaging/stub-tools';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const rootPkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  name: string;
  productName: string;
  version: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
};
/** The Electron the app is built for: the pinned devDependency. */
export const ELECTRON_VERSION = rootPkg.devDependencies?.electron ?? '';
const EXECUTABLE = 'lookout';

/**
 * Upper bounds, in bytes, on what ships (measured sizes: see the README's packaging section),
 * with room for the app to grow but not for a dependency coming back: the asar held 18.9 MB
 * before node_modules stopped duplicating the bundles and Redis (1.2 MB of main.cjs) left the
 * desktop build; the preload was 461 KB while it carried zod.
 */
export const SIZE_BUDGETS = {
  'app.asar': 5 * 1024 * 1024,
  'main.cjs': 2 * 1024 * 1024,
  'preload.cjs': 8 * 1024,
} as const;

/** Linux architectures built here, as electron-builder, Debian and the AppImage toolset name them. */
const ARCHS = [
  { builder: 'x64', unpacked: 'linux-unpacked', deb: 'amd64', appImage: 'x64', suffix: '' },
  {
    builder: 'arm64',
    unpacked: 'linux-arm64-unpacked',
    deb: 'arm64',
    appImage: 'arm64',
    suffix: '-arm64',
  },
] as const;

export interface PackageCheckResult {
  ok: boolean;
  problems: string[];
  entries: string[];
  fuses: Record<string, string>;
  /** Bytes of what ships (x64). */
  sizes: Record<keyof typeof SIZE_BUDGETS, number>;
  /** Built artifacts by kind, file names only. */
  artifacts: { tarballs: string[]; debs: string[]; appImages: string[] };
  /** Control data of the x64 .deb. */
  debControl: Record<string, string>;
  debDepends: string[];
  /** Compression of the x64 AppImage's image (zstd = static-runtime toolset). */
  appImageCompression: string | null;
  tarball: string | null;
  workDir: string;
}

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): void {
  const r = spawnSync(cmd, args, {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
    timeout: 300_000,
    encoding: 'utf8',
    maxBuffer: 32 * 1024 * 1024,
  });
  if (r.status !== 0) {
    throw new Error(
      `${cmd} ${args.join(' ')} failed (${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`.slice(
        -6_000,
      ),
    );
  }
}

/**
 * Packages that ship only to macOS or Windows: the do-not-disturb add-ons (`optionalDependencies`)
 * and everything they pull in, as the lock file lists them (optional and not dev-only).
 */
export function osOnlyPackages(lock: {
  packages: Record<string, { optional?: boolean; dev?: boolean }>;
}): string[] {
  const names = Object.entries(lock.packages)
    .filter(([path, entry]) => path !== '' && entry.optional === true && entry.dev !== true)
    .map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length));
  return [...new Set(names)].sort();
}

/**
 * Copies the production dependency tree (as `npm ls --omit=dev` sees it, offline) into the stage.
 * A symlinked node_modules is not enough: electron-builder then packs only the direct deps. The
 * macOS / Windows add-ons stay out: a Linux build must not ship them (`linux.files` drops them in a
 * release), and electron-builder would otherwise rebuild them for Electron, which needs Electron's
 * headers from the network.
 */
function copyProductionDeps(stage: string): void {
  const r = spawnSync('npm', ['ls', '--omit=dev', '--omit=optional', '--all', '--parseable'], {
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
export function checkEntries(
  entries: string[],
  devDeps: string[],
  osOnly: string[] = [],
): string[] {
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
        for (const template of ['', 'Template']) {
          const icon = `/dist/desktop/tray/tray-${name}${variant}${template}${scale}.png`;
          if (!has(icon)) problems.push(`missing from the asar: ${icon}`);
        }
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
  for (const name of osOnly) {
    if (has(`/node_modules/${name}`))
      problems.push(`macOS / Windows add-on in the Linux asar: ${name}`);
  }
  return problems;
}

/** Package names main.cjs requires at run time, besides Node built-ins and electron. */
export function mainExternals(main: string): string[] {
  const builtins = new Set(builtinModules);
  // Optional: ws's native speed-ups, each required inside a try.
  const optional = new Set(['electron', 'bufferutil', 'utf-8-validate']);
  const names = [...main.matchAll(/require\("([^"./][^"]*)"\)/g)]
    .map((m) => m[1]!)
    .map((spec) =>
      (spec.startsWith('@') ? spec.split('/').slice(0, 2) : spec.split('/').slice(0, 1)).join('/'),
    )
    .filter((name) => !name.startsWith('node:') && !builtins.has(name) && !optional.has(name));
  return [...new Set(names)].sort();
}

/**
 * `dependencies` is what electron-builder ships in node_modules, so it must be exactly what
 * main.cjs loads: a package there that main.cjs does not require is dead weight (everything else
 * is bundled), and one main.cjs requires that is not there breaks the installed app.
 */
export function checkShippedDependencies(dependencies: string[], externals: string[]): string[] {
  const problems: string[] = [];
  for (const name of dependencies) {
    if (!externals.includes(name))
      problems.push(
        `${name} is a dependency but main.cjs never loads it: it is bundled or unused, make it a devDependency`,
      );
  }
  for (const name of externals) {
    if (!dependencies.includes(name))
      problems.push(`main.cjs loads ${name} at run time but it is not in dependencies`);
  }
  return problems;
}

/**
 * Every package main.cjs requires at run time must be in the asar together with its whole
 * dependency tree, or the installed app fails at start.
 */
function checkRuntimeDeps(asar: string, entries: string[], externals: string[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  const queue = [...externals];
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

/** Packages whose code esbuild put into a bundle, from its metafile. */
export function bundledPackages(meta: Metafile): string[] {
  const names = Object.keys(meta.inputs)
    .map((input) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1])
    .filter((name): name is string => Boolean(name));
  return [...new Set(names)].sort();
}

/** Size budgets: each file that ships must stay under its bound. */
export function checkSizes(sizes: Record<keyof typeof SIZE_BUDGETS, number>): string[] {
  return Object.entries(SIZE_BUDGETS)
    .filter(([name, budget]) => sizes[name as keyof typeof SIZE_BUDGETS] > budget)
    .map(
      ([name, budget]) =>
        `${name} is ${kb(sizes[name as keyof typeof SIZE_BUDGETS])} KB, over its ${kb(budget)} KB budget`,
    );
}

const kb = (bytes: number): string => (bytes / 1024).toFixed(0);

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
  setPath() {}, setAppLogsPath() {}, setAsDefaultProtocolClient: () => true,
  exit(code) { process.exit(code); },
};
const crashReporter = { start() {} };
const protocol = { registerSchemesAsPrivileged() {}, handle() {} };
Module._load = function (request, ...rest) {
  if (request === 'electron') return { app, crashReporter, protocol };
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
  const result: PackageCheckResult = {
    ok: false,
    problems,
    entries: [],
    fuses: {},
    sizes: { 'app.asar': 0, 'main.cjs': 0, 'preload.cjs': 0 },
    artifacts: { tarballs: [], debs: [], appImages: [] },
    debControl: {},
    debDepends: [],
    appImageCompression: null,
    tarball: null,
    workDir,
  };
  try {
    makeStubElectronDist(stub, ELECTRON_VERSION);
    const fpm = join(workDir, 'fpm');
    makeFpmShim(fpm, join(root, 'scripts', 'fpm-deb.ts'));
    const appImageTools = join(workDir, 'appimage-tools');
    makeAppImageTools(
      appImageTools,
      ARCHS.map((a) => a.appImage),
    );
    await stageApp(stage);
    problems.push(...smokeLoadMain(stage, workDir));

    const meta = JSON.parse(readFileSync(join(stage, 'dist', 'desktop-meta.json'), 'utf8')) as {
      main: Metafile;
      preload: Metafile;
    };
    const inPreload = bundledPackages(meta.preload);
    if (inPreload.length > 0)
      problems.push(`the preload bundles ${inPreload.join(', ')}: it must only hold our adapter`);
    // The desktop never runs Redis (its gateway is in memory) nor node-notifier (Electron notifies;
    // on Linux through D-Bus, which is bundled for that).
    const excluded = bundledPackages(meta.main).filter((name) =>
      /^(@redis\/.*|redis|node-notifier)$/.test(name),
    );
    if (excluded.length > 0)
      problems.push(`main.cjs bundles ${excluded.join(', ')}: the desktop app never uses them`);

    // The config's Linux targets (AppImage, deb, tar.gz) for x64 and arm64, as a release would.
    run(
      process.execPath,
      [
        join(root, 'node_modules', 'electron-builder', 'cli.js'),
        '--linux',
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
        CUSTOM_FPM_PATH: fpm,
        APPIMAGE_TOOLS_PATH: appImageTools,
      },
    );
    const built = readdirSync(out);
    result.artifacts = {
      tarballs: built.filter((f) => f.endsWith('.tar.gz')).sort(),
      debs: built.filter((f) => f.endsWith('.deb')).sort(),
      appImages: built.filter((f) => f.endsWith('.AppImage')).sort(),
    };

    const unpacked = join(out, 'linux-unpacked');
    const asar = join(unpacked, 'resources', 'app.asar');
    if (!existsSync(asar)) throw new Error(`no app.asar at ${asar}`);
    const entries = listPackage(asar, { isPack: false });
    result.entries = entries;
    const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as Parameters<
      typeof osOnlyPackages
    >[0];
    problems.push(
      ...checkEntries(entries, Object.keys(rootPkg.devDependencies ?? {}), osOnlyPackages(lock)),
    );

    const main = extractFile(asar, 'dist/desktop/main.cjs').toString('utf8');
    const externals = mainExternals(main);
    problems.push(...checkShippedDependencies(Object.keys(rootPkg.dependencies ?? {}), externals));
    problems.push(...checkRuntimeDeps(asar, entries, externals));
    for (const [marker, what] of [
      ['// electron/desktop/desktop-app.ts', 'the desktop composition'],
      ['// electron/core/compose/lookout-core.ts', 'the core'],
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
    result.sizes = {
      'app.asar': statSync(asar).size,
      'main.cjs': Buffer.byteLength(main),
      'preload.cjs': Buffer.byteLength(preload),
    };
    problems.push(...checkSizes(result.sizes));

    const wire = await getCurrentFuseWire(join(unpacked, EXECUTABLE));
    const want: Array<[FuseV1Options, string]> = [
      [FuseV1Options.RunAsNode, '0'],
      [FuseV1Options.EnableCookieEncryption, '1'],
      [FuseV1Options.EnableNodeOptionsEnvironmentVariable, '0'],
      [FuseV1Options.EnableNodeCliInspectArguments, '0'],
      [FuseV1Options.EnableEmbeddedAsarIntegrityValidation, '1'],
      [FuseV1Options.OnlyLoadAppFromAsar, '1'],
      [FuseV1Options.GrantFileProtocolExtraPrivileges, '0'],
    ];
    for (const [fuse, expected] of want) {
      const actual = String.fromCharCode(Number(wire[fuse]));
      result.fuses[FuseV1Options[fuse]] = actual;
      if (actual !== expected)
        problems.push(`fuse ${FuseV1Options[fuse]} is ${actual}, want ${expected}`);
    }

    for (const arch of ARCHS) {
      if (!existsSync(join(out, arch.unpacked, 'resources', 'app.asar')))
        problems.push(`no ${arch.builder} build (${arch.unpacked})`);
      const tar = `${rootPkg.name}-${rootPkg.version}${arch.suffix}.tar.gz`;
      if (!built.includes(tar)) problems.push(`no ${tar} was built`);
      else if (arch.builder === 'x64') result.tarball = join(out, tar);

      const debName = `${rootPkg.name}_${rootPkg.version}_${arch.deb}.deb`;
      if (!built.includes(debName)) problems.push(`no ${debName} was built`);
      else {
        const deb = inspectDeb(join(out, debName), EXECUTABLE);
        problems.push(
          ...checkDeb(deb, {
            name: rootPkg.name,
            version: rootPkg.version,
            arch: arch.deb,
            productDir: rootPkg.productName,
            executable: EXECUTABLE,
          }),
          ...validateDesktopEntry(deb.desktopEntry, `${debName} desktop entry`),
        );
        if (arch.builder === 'x64') {
          result.debControl = deb.control;
          result.debDepends = deb.depends;
        }
      }

      const appImageName = `${rootPkg.productName}-${rootPkg.version}${arch.suffix}.AppImage`;
      if (!built.includes(appImageName)) problems.push(`no ${appImageName} was built`);
      else {
        const image = inspectAppImage(join(out, appImageName), EXECUTABLE);
        problems.push(
          ...checkAppImage(image, EXECUTABLE),
          ...validateDesktopEntry(image.desktopEntry, `${appImageName} desktop entry`),
        );
        if (arch.builder === 'x64') result.appImageCompression = image.compression;
      }
    }
  } catch (error) {
    problems.push(error instanceof Error ? error.message : String(error));
  } finally {
    if (!options.keep) rmSync(workDir, { recursive: true, force: true });
  }
  result.ok = problems.length === 0;
  return result;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const keep = process.argv.includes('--keep');
  const result = await packageCheck({ keep });
  console.log(`asar entries: ${result.entries.length}; fuses: ${JSON.stringify(result.fuses)}`);
  console.log(
    `sizes: ${Object.entries(result.sizes)
      .map(([name, bytes]) => `${name} ${bytes.toLocaleString('en')} B`)
      .join(', ')}`,
  );
  console.log(`built: ${Object.values(result.artifacts).flat().join(', ')}`);
  if (result.ok) {
    console.log(`package check passed${keep ? ` (kept in ${result.workDir})` : ''}`);
  } else {
    for (const p of result.problems) console.error(`✗ ${p}`);
    console.error(`package check failed: ${result.problems.length} problem(s)`);
    process.exit(1);
  }
}
