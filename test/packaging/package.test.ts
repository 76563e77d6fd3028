import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { APP_ID, PRODUCT_NAME } from '../../electron/desktop/app-identity';
import { TRAY_ICON_NAMES } from '../../electron/desktop/tray-view';
import { checkEntries, packageCheck, smokeLoadMain } from '../../scripts/package-check';

const root = join(import.meta.dirname, '..', '..');
const yml = readFileSync(join(root, 'electron-builder.yml'), 'utf8');

/** Width and height from a PNG's IHDR chunk. */
function pngSize(file: string): [number, number] {
  const buf = readFileSync(file);
  expect(buf.subarray(1, 4).toString('ascii')).toBe('PNG');
  return [buf.readUInt32BE(16), buf.readUInt32BE(20)];
}

describe('packaging config', () => {
  it('appId matches the AppUserModelID the app sets', () => {
    expect(yml).toMatch(new RegExp(`^appId: ${APP_ID.replace(/\./g, '\\.')}\\b`, 'm'));
    expect(yml).toMatch(new RegExp(`^productName: ${PRODUCT_NAME}$`, 'm'));
  });

  it('declares every target and hardened fuses', () => {
    for (const target of ['AppImage', 'deb', 'tar.gz', 'nsis', 'dmg', 'zip']) {
      expect(yml).toContain(`- ${target}`);
    }
    for (const fuse of [
      'runAsNode: false',
      'enableCookieEncryption: true',
      'enableNodeOptionsEnvironmentVariable: false',
      'enableNodeCliInspectArguments: false',
      'enableEmbeddedAsarIntegrityValidation: true',
      'onlyLoadAppFromAsar: true',
    ]) {
      expect(yml).toContain(fuse);
    }
    expect(yml).toContain('hardenedRuntime: true');
    expect(existsSync(join(root, 'build/entitlements.mac.plist'))).toBe(true);
    expect(existsSync(join(root, 'build/entitlements.mac.inherit.plist'))).toBe(true);
  });

  it('has a real icon set at every size the targets need', () => {
    for (const size of [16, 24, 32, 48, 64, 128, 256, 512, 1024]) {
      expect(pngSize(join(root, `build/icons/${size}x${size}.png`))).toEqual([size, size]);
    }
    expect(pngSize(join(root, 'build/icon.png'))).toEqual([1024, 1024]);
    const ico = readFileSync(join(root, 'build/icon.ico'));
    expect(ico.readUInt16LE(2)).toBe(1);
    expect(ico.readUInt16LE(4)).toBe(7);
    expect(readFileSync(join(root, 'build/icon.icns')).subarray(0, 4).toString('ascii')).toBe(
      'icns',
    );
  });

  it('has a tray icon for every health state, with and without unread, at 1x and 2x', () => {
    expect(TRAY_ICON_NAMES).toHaveLength(8);
    for (const name of TRAY_ICON_NAMES) {
      expect(pngSize(join(root, `build/tray/${name}.png`))).toEqual([16, 16]);
      expect(pngSize(join(root, `build/tray/${name}@2x.png`))).toEqual([32, 32]);
    }
  });

  it('the asar check reports a missing entry and forbidden files', () => {
    const problems = checkEntries(
      [
        '/package.json',
        '/dist/desktop/preload.cjs',
        '/dist/renderer/index.html',
        '/electron/desktop/main.ts',
        '/dist/desktop/main.cjs.map',
        '/node_modules/vitest',
      ],
      ['vitest'],
    );
    expect(problems).toContain('missing from the asar: /dist/desktop/main.cjs');
    expect(problems).toContain('sources in the asar: /electron/desktop/main.ts');
    expect(problems).toContain('source map in the asar: /dist/desktop/main.cjs.map');
    expect(problems).toContain('dev dependency in the asar: vitest');
  });

  it('the load check fails a main bundle that cannot load', () => {
    const work = mkdtempSync(join(tmpdir(), 'lookout-smoke-'));
    try {
      mkdirSync(join(work, 'stage', 'dist', 'desktop'), { recursive: true });
      writeFileSync(
        join(work, 'stage', 'dist', 'desktop', 'main.cjs'),
        'require("electron").app.whenReady();\nrequire("a-package-that-is-not-there");\n',
      );
      const problems = smokeLoadMain(join(work, 'stage'), work);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/does not load in Node.*a-package-that-is-not-there/s);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});

describe('electron-builder against a stub Electron', () => {
  it('packs main, preload, renderer and gateway into the asar with production deps only, flips the fuses and builds the tar.gz', async () => {
    const result = await packageCheck();
    expect(result.problems).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.entries).toContain('/dist/desktop/main.cjs');
    expect(result.entries).toContain('/dist/desktop/preload.cjs');
    expect(result.entries).toContain('/dist/renderer/index.html');
    expect(result.fuses).toEqual({
      RunAsNode: '0',
      EnableCookieEncryption: '1',
      EnableNodeOptionsEnvironmentVariable: '0',
      EnableNodeCliInspectArguments: '0',
      EnableEmbeddedAsarIntegrityValidation: '1',
      OnlyLoadAppFromAsar: '1',
    });
    expect(result.tarball).toMatch(/lookout-0\.1\.0\.tar\.gz$/);
    expect(existsSync(result.workDir)).toBe(false);
  }, 300_000);
});
