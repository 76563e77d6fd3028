import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { resetFakeElectron } from '../../test/support/fake-electron';

vi.mock(
  'electron',
  async () => (await import('../../test/support/fake-electron')).fakeElectronModule,
);

const { createSafeStorageCipher } = await import('./secret-cipher.electron');
const { EncryptedFileCredentialStore } = await import('../core/state/credential-store');

/**
 * `secrets.json` as the previous Lookout wrote it (format 1, the synchronous safeStorage API):
 * read with the asynchronous API, every secret comes through; when the OS asks for a secret to be
 * encrypted again it is, and the file moves to format 2 with the original kept. A format from a
 * newer Lookout is never written over.
 */
const FIXTURE = join(import.meta.dirname, '../core/state/fixtures/formats/secrets.v1.json');

let dir: string;
beforeEach(async () => {
  resetFakeElectron();
  dir = await mkdtemp(join(tmpdir(), 'lookout-secrets-format-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function store() {
  return new EncryptedFileCredentialStore({
    path: join(dir, 'secrets.json'),
    cipher: await createSafeStorageCipher('darwin'),
  });
}

describe('secrets.json across versions', () => {
  it('format 1 (synchronous API) is read, encrypted again as the OS asks, and kept once as it was', async () => {
    const path = join(dir, 'secrets.json');
    await copyFile(FIXTURE, path);
    const secrets = await store();
    expect(await secrets.get('gateway')).toBe('hunter2-very-secret');
    expect(await secrets.get('task-events-token')).toBe('opaque token with spaces');
    expect(secrets.lastProblem).toBeNull();
    const now = JSON.parse(await readFile(path, 'utf8')) as {
      version: number;
      data: { entries: Record<string, string> };
    };
    expect(now.version).toBe(2);
    const plain = Object.fromEntries(
      Object.entries(now.data.entries).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]),
    );
    expect(plain).toEqual({
      gateway: 'aenc:hunter2-very-secret',
      'task-events-token': 'aenc:opaque token with spaces',
    });
    expect(await readFile(`${path}.v1.bak`, 'utf8')).toBe(await readFile(FIXTURE, 'utf8'));
    // A restart reads the re-encrypted file with no further change.
    const again = await store();
    expect(await again.get('gateway')).toBe('hunter2-very-secret');
  });

  it('a newer format is kept as it is; secrets entered meanwhile live in memory only', async () => {
    const path = join(dir, 'secrets.json');
    const fixture = JSON.parse(await readFile(FIXTURE, 'utf8')) as Record<string, unknown>;
    const newer = `${JSON.stringify({ ...fixture, version: 3 })}\n`;
    await writeFile(path, newer);
    const secrets = await store();
    expect(await secrets.get('gateway')).toBeNull();
    expect(secrets.lastProblem).toMatch(
      /written by a newer Lookout \(format 3; this one reads up to 2\)/,
    );
    await secrets.set('gateway', 'typed-again');
    expect(await secrets.get('gateway')).toBe('typed-again');
    expect(secrets.lastProblem).toMatch(
      /from a newer Lookout, and this version does not write over it/,
    );
    expect(await readFile(path, 'utf8')).toBe(newer);
    expect(await readdir(dir)).toEqual(['secrets.json']);
  });
});
