/**
 * A stand-in for fpm that builds a `.deb` with Debian's own `dpkg-deb`, from exactly the arguments
 * electron-builder passes to fpm. electron-builder downloads fpm (a Ruby bundle) from GitHub,
 * which our build machines cannot reach; with `CUSTOM_FPM_PATH` pointing here, electron-builder's
 * deb target runs unchanged (control data, maintainer scripts, desktop entry, icons, file layout)
 * and only the last step, writing the archive, is ours. It writes what fpm writes for a deb:
 * `control` (the fields fpm fills from these arguments), `postinst`/`postrm` from the after-install
 * and after-remove scripts, `md5sums`, files owned by root, xz compression.
 *
 * Only the arguments electron-builder 26 passes are understood; any other makes it fail loudly, so
 * a change in electron-builder's fpm call is noticed instead of silently ignored.
 *
 * `node --import tsx scripts/fpm-deb.ts -s dir -t deb … src=dest …`
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The arguments of one fpm call, as electron-builder's FpmTarget makes them. */
export interface FpmDebRequest {
  name: string;
  version: string;
  iteration?: string;
  architecture: string;
  maintainer: string;
  vendor?: string;
  url?: string;
  license?: string;
  description: string;
  category?: string;
  priority: string;
  depends: string[];
  recommends: string[];
  compression: string;
  afterInstall?: string;
  afterRemove?: string;
  output: string;
  /** `source=destination` pairs; a source ending in `/` means the folder's contents. */
  mappings: Array<{ source: string; destination: string }>;
}

const VALUE_FLAGS: Record<string, keyof FpmDebRequest | 'ignored' | 'source' | 'target'> = {
  '-s': 'source',
  '-t': 'target',
  '-d': 'depends',
  '--deb-recommends': 'recommends',
  '--deb-compression': 'compression',
  '--deb-priority': 'priority',
  '--architecture': 'architecture',
  '--after-install': 'afterInstall',
  '--after-remove': 'afterRemove',
  '--description': 'description',
  '--version': 'version',
  '--iteration': 'iteration',
  '--package': 'output',
  '--name': 'name',
  '--maintainer': 'maintainer',
  '--vendor': 'vendor',
  '--url': 'url',
  '--license': 'license',
  '--category': 'category',
  '--log': 'ignored',
};
const BOOLEAN_FLAGS = new Set(['--force', '--debug']);

/** Reads fpm's command line; throws on anything electron-builder 26 does not pass. */
export function parseFpmArgs(args: readonly string[]): FpmDebRequest {
  const request: Partial<FpmDebRequest> & { depends: string[]; recommends: string[] } = {
    depends: [],
    recommends: [],
    mappings: [],
    priority: 'optional',
    compression: 'xz',
  };
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i]!;
    if (BOOLEAN_FLAGS.has(arg)) continue;
    const field = VALUE_FLAGS[arg];
    if (field) {
      const value = args[i + 1];
      if (value === undefined) throw new Error(`fpm-deb: ${arg} needs a value`);
      i += 1;
      if (field === 'source' && value !== 'dir')
        throw new Error(`fpm-deb: only -s dir, not ${value}`);
      if (field === 'target' && value !== 'deb')
        throw new Error(`fpm-deb: only -t deb, not ${value}`);
      if (field === 'depends' || field === 'recommends') request[field].push(value);
      else if (field !== 'source' && field !== 'target' && field !== 'ignored')
        (request as Record<string, unknown>)[field] = value;
      continue;
    }
    if (arg.startsWith('-')) {
      throw new Error(
        `fpm-deb: ${arg} is not understood: electron-builder changed its fpm call, update scripts/fpm-deb.ts`,
      );
    }
    const eq = arg.indexOf('=');
    if (eq <= 0) throw new Error(`fpm-deb: expected source=destination, got ${arg}`);
    request.mappings!.push({ source: arg.slice(0, eq), destination: arg.slice(eq + 1) });
  }
  for (const required of ['name', 'version', 'architecture', 'maintainer', 'output'] as const) {
    if (!request[required]) throw new Error(`fpm-deb: --${required} is missing`);
  }
  return { description: '', ...request } as FpmDebRequest;
}

/** The `control` file fpm writes for these arguments (Debian policy §5.3). */
export function controlFile(request: FpmDebRequest, installedSizeKb: number): string {
  const version = request.iteration ? `${request.version}-${request.iteration}` : request.version;
  const [first = 'no description given', ...rest] = request.description.split('\n');
  const fields: Array<[string, string | undefined]> = [
    ['Package', request.name],
    ['Version', version],
    ['License', request.license],
    ['Vendor', request.vendor],
    ['Architecture', request.architecture],
    ['Maintainer', request.maintainer],
    ['Installed-Size', String(installedSizeKb)],
    ['Depends', request.depends.join(', ') || undefined],
    ['Recommends', request.recommends.join(', ') || undefined],
    ['Section', request.category ?? 'default'],
    ['Priority', request.priority],
    ['Homepage', request.url],
  ];
  const lines = fields.filter(([, v]) => v !== undefined).map(([k, v]) => `${k}: ${v}`);
  lines.push(`Description: ${first}`);
  for (const line of rest) lines.push(/^\s*$/.test(line) ? ' .' : ` ${line}`);
  return `${lines.join('\n')}\n`;
}

function sizeKb(dir: string): number {
  let bytes = 0;
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) bytes += statSync(path).size;
    }
  };
  walk(dir);
  return Math.ceil(bytes / 1024);
}

function md5sums(root: string): string {
  const lines: string[] = [];
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) {
        if (path !== join(root, 'DEBIAN')) walk(path);
      } else if (entry.isFile()) {
        const sum = createHash('md5').update(readFileSync(path)).digest('hex');
        lines.push(`${sum}  ${relative(root, path)}`);
      }
    }
  };
  walk(root);
  return `${lines.join('\n')}\n`;
}

/** Lays out the package tree and runs `dpkg-deb --build`. */
export function buildDeb(request: FpmDebRequest): void {
  const root = mkdtempSync(join(tmpdir(), 'lookout-deb-'));
  try {
    for (const { source, destination } of request.mappings) {
      const target = join(root, destination);
      if (source.endsWith('/')) {
        mkdirSync(target, { recursive: true });
        cpSync(source, target, { recursive: true, verbatimSymlinks: true });
      } else {
        mkdirSync(dirname(target), { recursive: true });
        copyFileSync(source, target);
      }
    }
    const installedSize = sizeKb(root);
    const debian = join(root, 'DEBIAN');
    mkdirSync(debian);
    writeFileSync(join(debian, 'control'), controlFile(request, installedSize));
    writeFileSync(join(debian, 'md5sums'), md5sums(root));
    for (const [script, name] of [
      [request.afterInstall, 'postinst'],
      [request.afterRemove, 'postrm'],
    ] as const) {
      if (!script) continue;
      copyFileSync(script, join(debian, name));
      chmodSync(join(debian, name), 0o755);
    }
    chmodSync(root, 0o755);
    rmSync(request.output, { force: true });
    const r = spawnSync(
      'dpkg-deb',
      ['--root-owner-group', `-Z${request.compression}`, '--build', root, request.output],
      { encoding: 'utf8' },
    );
    if (r.status !== 0) {
      throw new Error(`dpkg-deb failed (${r.status ?? r.signal}): ${r.stderr || r.error?.message}`);
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    buildDeb(parseFpmArgs(process.argv.slice(2)));
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}
