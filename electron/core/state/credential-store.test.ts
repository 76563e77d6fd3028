import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Redactor } from '../kernel/redact';
import { TestCipher } from '../../../test/support/test-cipher';
import { EncryptedFileCredentialStore, MemoryCredentialStore } from './credential-store';

const SECRET = 'hunter2-very-secret-password';
const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI0MiJ9.c2lnbmF0dXJl';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lookout-creds-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function everythingOnDisk(): Promise<string> {
  const names = await readdir(dir);
  const contents = await Promise.all(names.map((n) => readFile(join(dir, n))));
  return contents.map((b) => b.toString('latin1')).join('\n');
}

describe('EncryptedFileCredentialStore', () => {
  it('persists secrets encrypted, never in plaintext, and reads them back after a restart', async () => {
    const cipher = new TestCipher();
    const path = join(dir, 'credentials.json');
    const store = new EncryptedFileCredentialStore({ path, cipher });
    expect(store.describe()).toMatchObject({ persistent: true, backend: 'gnome_libsecret' });
    await Promise.all([store.set('admin', SECRET), store.set('api', TOKEN)]);

    const disk = await everythingOnDisk();
    expect(disk).toContain('"kind":"credentials"');
    for (const needle of [SECRET, TOKEN, Buffer.from(SECRET).toString('base64')]) {
      expect(disk).not.toContain(needle);
    }

    const again = new EncryptedFileCredentialStore({ path, cipher });
    expect(await again.get('admin')).toBe(SECRET);
    expect(await again.get('api')).toBe(TOKEN);
    await again.delete('admin');
    const third = new EncryptedFileCredentialStore({ path, cipher });
    expect(await third.get('admin')).toBeNull();
    expect(await third.get('api')).toBe(TOKEN);
  });

  it('refuses to persist with basic_text (no keyring) and says why', async () => {
    const path = join(dir, 'credentials.json');
    const store = new EncryptedFileCredentialStore({ path, cipher: new TestCipher('basic_text') });
    await store.set('admin', SECRET);
    expect(await store.get('admin')).toBe(SECRET);
    expect(store.describe()).toMatchObject({ persistent: false, backend: 'basic_text' });
    expect(store.describe().reason).toMatch(/No keyring.*memory only/);
    expect(await readdir(dir)).toEqual([]);
  });

  it('keeps secrets in memory when OS encryption is unavailable', async () => {
    const store = new EncryptedFileCredentialStore({
      path: join(dir, 'credentials.json'),
      cipher: new TestCipher('dpapi', false),
    });
    await store.set('admin', SECRET);
    expect(await store.get('admin')).toBe(SECRET);
    expect(store.describe().persistent).toBe(false);
    expect(await readdir(dir)).toEqual([]);
  });

  it('returns null with a clear problem when a saved secret cannot be decrypted (new keyring)', async () => {
    const path = join(dir, 'credentials.json');
    await new EncryptedFileCredentialStore({ path, cipher: new TestCipher() }).set('admin', SECRET);
    const other = new EncryptedFileCredentialStore({ path, cipher: new TestCipher() });
    expect(await other.get('admin')).toBeNull();
    expect(other.lastProblem).toMatch(/"admin" could not be decrypted.*enter it again/);
  });

  it('sets a corrupt credentials file aside instead of failing', async () => {
    const path = join(dir, 'credentials.json');
    await writeFile(path, 'not json');
    const store = new EncryptedFileCredentialStore({ path, cipher: new TestCipher() });
    expect(await store.get('admin')).toBeNull();
    expect(store.lastProblem).toMatch(/not valid JSON.*moved to/);
    await store.set('admin', SECRET);
    expect(await store.get('admin')).toBe(SECRET);
  });

  it('tells the redactor about every secret it handles', async () => {
    const redactor = new Redactor();
    const store = new MemoryCredentialStore(undefined, redactor);
    await store.set('admin', SECRET);
    expect(redactor.text(`login with ${SECRET} failed`)).not.toContain(SECRET);
    expect(store.describe()).toMatchObject({ persistent: false, backend: 'memory' });
  });
});
