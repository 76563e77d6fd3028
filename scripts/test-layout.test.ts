import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Every test file belongs to one Vitest project (vitest.config.ts; README "Tests"): a test put in
 * a place no project includes (e.g. the old `test/desktop/` or `gateway/test/`) would never run,
 * silently. This walks the tree and says where such a file should go.
 */
const ROOT = join(import.meta.dirname, '..');
const SKIP = new Set(['node_modules', 'dist', 'release', '.git', 'coverage']);
const UNIT = /^(electron|shared|gateway\/src|renderer|scripts)\/.*\.test\.tsx?$/;
const OTHER = /^test\/(integration|reliability|packaging)\/.*\.test\.ts$/;

function testFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(entry.name) || entry.name.startsWith('test-results')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) testFiles(path, out);
    else if (/\.test\.tsx?$/.test(entry.name)) out.push(relative(ROOT, path));
  }
  return out;
}

describe('test layout', () => {
  it('puts every test file where one Vitest project runs it', () => {
    const files = testFiles(ROOT);
    expect(files.length).toBeGreaterThan(100);
    const lost = files.filter((f) => !UNIT.test(f) && !OTHER.test(f) && !f.startsWith('e2e/'));
    expect(
      lost,
      'unit tests go beside their source; tests with sockets, servers or processes in test/integration/<area>/; long runs in test/reliability/',
    ).toEqual([]);
  });
});
