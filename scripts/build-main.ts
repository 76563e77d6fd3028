/**
 * Bundles the Electron main process and the preload with esbuild:
 * - `electron/desktop/main.ts` → `dist/desktop/main.cjs` (Node, CJS; the core, shared code, the
 *   embedded gateway and their packages (zod, ws, jose) are bundled in; `electron`,
 *   `electron-updater` and ws's optional native add-ons stay external). The Redis client is left
 *   out: the embedded gateway runs in memory and loads it only when given a Redis URL, which the
 *   desktop app never does; a stub says so if that ever changes.
 * - `electron/desktop/preload.ts` → `dist/desktop/preload.cjs` (ONE file, only `electron`
 *   external: a sandboxed preload cannot require project modules).
 * Also copies the window icon and the tray icons next to them. `--out <dir>` changes the folder.
 */
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile, type Plugin } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Entry points and the files they must pull in (checked after the build). */
export interface BuildResult {
  outDir: string;
  main: string;
  preload: string;
  /** Source files bundled into main.cjs, relative to the repo root. */
  mainInputs: string[];
  preloadInputs: string[];
}

/** Builds main + preload into `outDir` (default `dist/desktop`). */
export async function buildMain(outDir = join(root, 'dist', 'desktop')): Promise<BuildResult> {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const common = {
    absWorkingDir: root,
    bundle: true,
    sourcemap: 'linked' as const,
    legalComments: 'none' as const,
    logLevel: 'warning' as const,
    metafile: true,
    define: { 'process.env.NODE_ENV': '"production"' },
  };
  const main = await build({
    ...common,
    entryPoints: [join(root, 'electron/desktop/main.ts')],
    outfile: join(outDir, 'main.cjs'),
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // ws's optional native add-ons are required inside try blocks.
    external: ['electron', 'electron-updater', 'bufferutil', 'utf-8-validate'],
    plugins: [withoutRedis],
  });
  const preload = await build({
    ...common,
    entryPoints: [join(root, 'electron/desktop/preload.ts')],
    outfile: join(outDir, 'preload.cjs'),
    platform: 'browser',
    format: 'cjs',
    target: 'chrome130',
    minify: true,
    external: ['electron'],
  });
  cpSync(join(root, 'build', 'tray'), join(outDir, 'tray'), {
    recursive: true,
    filter: (src) => !src.endsWith('.svg'),
  });
  cpSync(join(root, 'build', 'icons', '256x256.png'), join(outDir, 'icon.png'));
  // Sourcemaps and the metafile are for developers and the packaging check, not the asar.
  writeFileSync(
    join(outDir, '..', 'desktop-meta.json'),
    JSON.stringify({ main: main.metafile, preload: preload.metafile }),
  );
  return {
    outDir,
    main: join(outDir, 'main.cjs'),
    preload: join(outDir, 'preload.cjs'),
    mainInputs: inputs(main.metafile),
    preloadInputs: inputs(preload.metafile),
  };
}

/**
 * Replaces `@redis/client` and `prom-client` in the desktop bundle by modules that explain why
 * they are missing. Only a gateway given a Redis URL imports the first, and only one serving
 * `/metrics` the second (both lazily); the desktop's embedded gateway is neither.
 */
const withoutRedis: Plugin = {
  name: 'lookout-without-server-packages',
  setup(b) {
    b.onResolve({ filter: /^(@redis\/client|prom-client)$/ }, (args) => ({
      path: args.path,
      namespace: 'not-in-desktop',
    }));
    b.onLoad({ filter: /.*/, namespace: 'not-in-desktop' }, (args) => ({
      loader: 'js',
      contents:
        args.path === 'prom-client'
          ? `function missing() {
  throw new Error('prom-client is not part of the desktop app: its embedded gateway serves no /metrics. Run the gateway on its own (npm run gateway).');
}
export const Counter = missing, Gauge = missing, Histogram = missing, Registry = missing, collectDefaultMetrics = missing;`
          : `function missing() {
  throw new Error('Redis is not part of the desktop app: its embedded gateway runs in memory. Run the gateway on its own (npm run gateway) to use Redis.');
}
export const createClient = missing, createCluster = missing, createSentinel = missing;`,
    }));
  },
};

function inputs(meta: Metafile | undefined): string[] {
  return Object.keys(meta?.inputs ?? {}).map((p) => relative(root, resolve(root, p)));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf('--out');
  const out = at > 0 && process.argv[at + 1] ? resolve(process.argv[at + 1]!) : undefined;
  const result = await buildMain(out);
  console.log(
    `built ${relative(root, result.main)} (${result.mainInputs.length} inputs) and ${relative(root, result.preload)} (${result.preloadInputs.length} inputs)`,
  );
}
