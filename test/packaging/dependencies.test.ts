import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { osOnlyPackages } from '../../scripts/package-check';
import { builderConfig } from './builder-config';

/**
 * The supply-chain rules for production dependencies: exact versions only (no ranges, tags,
 * URLs or git refs), the lock file agrees, and the reconnect library we decided against
 * (`reconnecting-websocket`, unmaintained; the session's own reconnect driver replaces it) never
 * comes back.
 */

interface PackageJson {
  allowScripts?: Record<string, boolean>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

interface PackageLock {
  packages: Record<string, { version?: string; dev?: boolean; optional?: boolean }>;
}

const root = join(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as PackageJson;
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as PackageLock;
const EXACT = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;

describe('production dependencies', () => {
  const deps = Object.entries(pkg.dependencies ?? {});

  it('are few and each pinned to an exact version', () => {
    expect(deps.length).toBeGreaterThan(0);
    expect(deps.length).toBeLessThanOrEqual(15);
    for (const [name, version] of deps) expect(version, name).toMatch(EXACT);
  });

  it('are installed at exactly the pinned version according to the lock file', () => {
    for (const [name, version] of deps) {
      const locked = lock.packages[`node_modules/${name}`];
      expect(locked?.version, name).toBe(version);
      expect(locked?.dev ?? false, `${name} is marked dev-only in the lock`).toBe(false);
    }
  });

  it('do not include reconnecting-websocket, anywhere', () => {
    const all = {
      ...pkg.dependencies,
      ...pkg.devDependencies,
      ...pkg.optionalDependencies,
      ...pkg.peerDependencies,
    };
    expect(Object.keys(all)).not.toContain('reconnecting-websocket');
    expect(Object.keys(lock.packages).filter((p) => p.endsWith('/reconnecting-websocket'))).toEqual(
      [],
    );
  });

  it('dev tools are pinned too (a range in a build tool changes what ships)', () => {
    for (const [name, version] of Object.entries(pkg.devDependencies ?? {}))
      expect(version, name).toMatch(EXACT);
  });
});

/**
 * The do-not-disturb add-ons for macOS and Windows are native modules: optional, pinned, never
 * compiled by `npm ci` (no compiler or headers needed on Linux CI; electron-builder builds them for
 * Electron when packaging on their OS), and shipped only to the OS they read.
 */
describe('the macOS / Windows do-not-disturb add-ons', () => {
  const ADD_ONS = [
    'macos-notification-state',
    'windows-focus-assist',
    'windows-notification-state',
  ];

  it('are optional, exactly pinned and locked as optional', () => {
    expect(Object.keys(pkg.optionalDependencies ?? {}).sort()).toEqual(ADD_ONS);
    for (const [name, version] of Object.entries(pkg.optionalDependencies ?? {})) {
      expect(version, name).toMatch(EXACT);
      const locked = lock.packages[`node_modules/${name}`];
      expect(locked?.version, name).toBe(version);
      expect(locked?.optional, `${name} is optional in the lock`).toBe(true);
    }
  });

  it('never run their install scripts at npm ci (allowScripts: false)', () => {
    for (const name of ADD_ONS) expect(pkg.allowScripts?.[name], name).toBe(false);
  });

  it('stay out of the Linux build with their whole tree; the app’s own files stay as on other OSes', async () => {
    const osOnly = osOnlyPackages(lock);
    expect(osOnly).toEqual(expect.arrayContaining([...ADD_ONS, 'bindings']));
    const config = await builderConfig();
    // electron-builder's loader normalises a `files` list into file sets ({ filter: [...] }).
    const list = (files: unknown): string[] =>
      (Array.isArray(files) ? files : [files]).flatMap((f: unknown) =>
        typeof f === 'string' ? [f] : ((f as { filter?: string[] }).filter ?? []),
      );
    const linux = list(config.linux?.files);
    // A platform `files` list replaces the top-level one for the app's files: it must repeat it.
    expect(linux.slice(0, list(config.files).length)).toEqual(list(config.files));
    const dropped = linux.filter((p) => p.startsWith('!node_modules/')).join('\n');
    for (const name of osOnly) expect(dropped, `linux.files drops ${name}`).toContain(name);
  });
});
