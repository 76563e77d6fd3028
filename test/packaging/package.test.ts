import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { APP_ID, PRODUCT_NAME } from '../../electron/desktop/app-identity';
import { TRAY_ICON_NAMES, TRAY_TEMPLATE_SUFFIX } from '../../electron/desktop/tray-view';
import { controlFile, parseFpmArgs } from '../../scripts/fpm-deb';
import {
  ELECTRON_VERSION,
  SIZE_BUDGETS,
  checkEntries,
  checkShippedDependencies,
  checkSizes,
  packageCheck,
  smokeLoadMain,
} from '../../scripts/package-check';
import {
  OUR_DEB_DEPENDS,
  electronBuilderDefaultDebDepends,
  parseControl,
} from '../../scripts/packaging/deb-check';
import { builderConfig } from './builder-config';
import { FOCUS_USAGE_KEY } from '../../electron/desktop/dnd/dnd-macos';

const root = join(import.meta.dirname, '..', '..');
const yml = readFileSync(join(root, 'electron-builder.yml'), 'utf8');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

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

  it('electron-builder reads and validates the config; Electron is pinned to the same version everywhere', async () => {
    const config = await builderConfig();
    expect(config.electronVersion).toBe(ELECTRON_VERSION);
    expect(pkg.devDependencies.electron).toMatch(/^45\.\d+\.\d+$/);
  });

  it('builds Linux for x64 and arm64, macOS as one universal app, Windows with NSIS', async () => {
    const config = await builderConfig();
    const targets = (list: unknown) =>
      (list as Array<{ target: string; arch: string[] }>).map((t) => [t.target, t.arch]);
    expect(targets(config.linux?.target)).toEqual([
      ['AppImage', ['x64', 'arm64']],
      ['deb', ['x64', 'arm64']],
      ['tar.gz', ['x64', 'arm64']],
    ]);
    expect(targets(config.mac?.target)).toEqual([
      ['dmg', ['universal']],
      ['zip', ['universal']],
    ]);
    expect(config.win?.target).toEqual(['nsis']);
  });

  it('the AppImage uses the static runtime (toolset 1.x), not the legacy FUSE 2 one', async () => {
    const config = await builderConfig();
    expect(config.toolsets?.appimage).toBe('1.0.3');
  });

  it('the deb depends on everything electron-builder would list by default, plus what Electron links', async () => {
    const config = await builderConfig();
    const defaults = electronBuilderDefaultDebDepends();
    // Read from electron-builder's own source: if it grows its list, this test says so.
    expect(defaults).toEqual(expect.arrayContaining(['libgtk-3-0', 'xdg-utils', 'libxtst6']));
    expect(config.deb?.depends).toEqual([...defaults, ...OUR_DEB_DEPENDS]);
  });

  it('declares hardened fuses', async () => {
    const config = await builderConfig();
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      loadBrowserProcessSpecificV8Snapshot: false,
      grantFileProtocolExtraPrivileges: false,
    });
    expect(config.mac?.hardenedRuntime).toBe(true);
    expect(existsSync(join(root, 'build/entitlements.mac.plist'))).toBe(true);
    expect(existsSync(join(root, 'build/entitlements.mac.inherit.plist'))).toBe(true);
  });

  it('declares why it asks for Focus status on macOS (without it macOS 13+ ends the app that asks)', async () => {
    const config = await builderConfig();
    const extendInfo = config.mac?.extendInfo as Record<string, unknown> | undefined;
    expect(extendInfo?.[FOCUS_USAGE_KEY]).toEqual(expect.stringMatching(/Focus/));
    // The restricted entitlement needs a provisioning profile; without one the app would not start.
    expect(readFileSync(join(root, 'build/entitlements.mac.plist'), 'utf8')).not.toContain(
      'usernotifications.communication',
    );
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

  it('has a tray icon for every health state, with and without unread, paused or not, at 1x and 2x, coloured and as a macOS template', () => {
    expect(TRAY_ICON_NAMES).toHaveLength(16);
    for (const name of TRAY_ICON_NAMES) {
      for (const variant of ['', TRAY_TEMPLATE_SUFFIX]) {
        expect(pngSize(join(root, `build/tray/${name}${variant}.png`))).toEqual([16, 16]);
        expect(pngSize(join(root, `build/tray/${name}${variant}@2x.png`))).toEqual([32, 32]);
      }
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
        '/node_modules/windows-focus-assist',
      ],
      ['vitest'],
      ['windows-focus-assist'],
    );
    expect(problems).toContain('missing from the asar: /dist/desktop/main.cjs');
    expect(problems).toContain('sources in the asar: /electron/desktop/main.ts');
    expect(problems).toContain('source map in the asar: /dist/desktop/main.cjs.map');
    expect(problems).toContain('dev dependency in the asar: vitest');
    expect(problems).toContain('macOS / Windows add-on in the Linux asar: windows-focus-assist');
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

describe('what ships', () => {
  it('dependencies are only what main.cjs loads at run time; bundled packages are devDependencies', () => {
    expect(Object.keys(pkg.dependencies)).toEqual(['electron-updater']);
    for (const bundled of ['react', 'react-dom', 'zod', 'zustand', 'ws', 'jose'])
      expect(Object.keys(pkg.devDependencies), bundled).toContain(bundled);
    expect(Object.keys({ ...pkg.dependencies, ...pkg.devDependencies })).not.toContain('redis');
    expect(checkShippedDependencies(['electron-updater', 'react'], ['electron-updater'])).toEqual([
      'react is a dependency but main.cjs never loads it: it is bundled or unused, make it a devDependency',
    ]);
    expect(checkShippedDependencies([], ['electron-updater'])).toEqual([
      'main.cjs loads electron-updater at run time but it is not in dependencies',
    ]);
  });

  it('the size budgets flag a preload that carries zod again', () => {
    expect(
      checkSizes({ 'app.asar': 3_000_000, 'main.cjs': 1_200_000, 'preload.cjs': 461_119 }),
    ).toEqual(['preload.cjs is 450 KB, over its 8 KB budget']);
    expect(checkSizes({ 'app.asar': 1, 'main.cjs': 1, 'preload.cjs': 1 })).toEqual([]);
  });
});

describe("the deb, built from electron-builder's fpm call with dpkg-deb", () => {
  const args = [
    ...['-s', 'dir', '--force', '-t', 'deb', '-d', 'libgtk-3-0', '-d', 'libgbm1'],
    ...['--deb-recommends', 'libappindicator3-1', '--deb-compression', 'xz'],
    ...['--architecture', 'arm64', '--description', 'Short line\n Longer text\n\nafter a gap'],
    ...['--version', '1.2.3', '--package', '/tmp/x.deb', '--name', 'lookout'],
    ...[
      '--maintainer',
      'M <m@x.invalid>',
      '--url',
      'https://x.invalid',
      '--deb-priority',
      'optional',
    ],
    '/dist/=/opt/Lookout',
  ];

  it('writes the control data fpm would write', () => {
    const control = parseControl(controlFile(parseFpmArgs(args), 42));
    expect(control).toMatchObject({
      Package: 'lookout',
      Version: '1.2.3',
      Architecture: 'arm64',
      Maintainer: 'M <m@x.invalid>',
      'Installed-Size': '42',
      Depends: 'libgtk-3-0, libgbm1',
      Recommends: 'libappindicator3-1',
      Priority: 'optional',
      Homepage: 'https://x.invalid',
    });
    expect(control.Description).toBe('Short line\n Longer text\n.\nafter a gap');
  });

  it('refuses fpm options it does not implement instead of ignoring them', () => {
    expect(() => parseFpmArgs([...args, '--rpm-os', 'linux'])).toThrow(
      /--rpm-os is not understood/,
    );
    expect(() => parseFpmArgs(['-s', 'dir', '-t', 'rpm'])).toThrow(/only -t deb/);
  });
});

describe('electron-builder against a stub Electron', () => {
  it('builds the Linux targets for x64 and arm64 and proves the asar, sizes, fuses, debs and AppImages', async () => {
    const result = await packageCheck();
    expect(result.problems).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.artifacts).toEqual({
      tarballs: ['lookout-0.1.0-arm64.tar.gz', 'lookout-0.1.0.tar.gz'],
      debs: ['lookout_0.1.0_amd64.deb', 'lookout_0.1.0_arm64.deb'],
      appImages: ['Lookout-0.1.0-arm64.AppImage', 'Lookout-0.1.0.AppImage'],
    });
    for (const [file, budget] of Object.entries(SIZE_BUDGETS))
      expect(result.sizes[file as keyof typeof SIZE_BUDGETS], file).toBeLessThanOrEqual(budget);
    console.info(`packaged sizes: ${JSON.stringify(result.sizes)}`);
    expect(result.debControl).toMatchObject({ Package: 'lookout', Architecture: 'amd64' });
    expect(result.debDepends).toEqual(
      expect.arrayContaining([
        'libgtk-3-0',
        'xdg-utils',
        'libxtst6',
        'libatspi2.0-0',
        'libuuid1',
        'libasound2',
        'libgbm1',
      ]),
    );
    expect(result.appImageCompression).toBe('zstd');
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
      GrantFileProtocolExtraPrivileges: '0',
    });
    expect(result.tarball).toMatch(/lookout-0\.1\.0\.tar\.gz$/);
    expect(existsSync(result.workDir)).toBe(false);
  }, 300_000);
});
