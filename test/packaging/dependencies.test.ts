import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The supply-chain rules for production dependencies: exact versions only (no ranges, tags,
 * URLs or git refs), the lock file agrees, and the reconnect library we decided against
 * (`reconnecting-websocket`, unmaintained; the session's own reconnect driver replaces it) never
 * comes back.
 */

interface PackageJson {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

interface PackageLock {
  packages: Record<string, { version?: string; dev?: boolean }>;
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
