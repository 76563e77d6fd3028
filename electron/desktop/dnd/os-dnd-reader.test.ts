import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { infoPlistDeclares, osDndReader } from './os-dnd-reader';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lookout-plist-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const base = {
  load: () => ({}),
  appUserModelId: 'dev.lookout.console',
  osRelease: '23.0.0',
  infoPlistPath: '/nowhere/Info.plist',
};

describe('the OS reader per platform', () => {
  it('macOS and Windows get one; Linux and the BSDs keep the core’s readers', () => {
    expect(osDndReader({ ...base, platform: 'darwin' })).toBeTypeOf('function');
    expect(osDndReader({ ...base, platform: 'win32' })).toBeTypeOf('function');
    for (const platform of ['linux', 'freebsd', 'openbsd'] as const) {
      expect(osDndReader({ ...base, platform })).toBeUndefined();
    }
  });
});

describe('the Info.plist check (macOS 13+ asks for Focus only when declared)', () => {
  it('finds the key in an XML plist, and in a binary one (keys are plain ASCII there)', async () => {
    const xml = join(dir, 'xml.plist');
    writeFileSync(xml, '<dict><key>NSFocusStatusUsageDescription</key><string>x</string></dict>');
    expect(await infoPlistDeclares(xml)).toBe(true);
    const binary = join(dir, 'binary.plist');
    writeFileSync(
      binary,
      Buffer.concat([
        Buffer.from('bplist00\xd1\x01\x02', 'latin1'),
        Buffer.from('_\x10\x1dNSFocusStatusUsageDescription', 'latin1'),
      ]),
    );
    expect(await infoPlistDeclares(binary)).toBe(true);
  });

  it('a plist without it, or none at all (development runs), is "not declared"', async () => {
    const plain = join(dir, 'plain.plist');
    writeFileSync(plain, '<dict><key>CFBundleName</key><string>Electron</string></dict>');
    expect(await infoPlistDeclares(plain)).toBe(false);
    expect(await infoPlistDeclares(join(dir, 'missing.plist'))).toBe(false);
  });
});
