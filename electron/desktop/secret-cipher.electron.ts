import { safeStorage } from 'electron';
import type { SecretCipher } from '../core/app/core-api';

/**
 * The SecretCipher port over Electron's asynchronous `safeStorage` API (Keychain, DPAPI,
 * libsecret/kwallet); the synchronous one is deprecated in Electron 45 and lint forbids it here.
 * Entries written by the synchronous API decrypt with the asynchronous one, which also says when
 * a secret should be encrypted again (a rotated key). On Linux without a keyring safeStorage falls
 * back to a fixed key (`basic_text`), which is plaintext in all but name: then this cipher reports
 * itself unavailable and refuses to encrypt, so the core keeps secrets in memory for the session
 * and tells the user so. Make it after `app.whenReady()` (the backend is chosen then).
 */
export async function createSafeStorageCipher(
  platform: NodeJS.Platform = process.platform,
): Promise<SecretCipher> {
  const backend = storageBackend(platform);
  const available =
    backend !== 'basic_text' && (await safeStorage.isAsyncEncryptionAvailable().catch(() => false));
  const refuse = (what: string): Error =>
    new Error(`safeStorage is not safe here (backend ${backend}): ${what}`);
  return {
    backend,
    isAvailable: () => available,
    async encrypt(plain: string): Promise<Buffer> {
      if (!available) throw refuse('secrets stay in memory');
      return safeStorage.encryptStringAsync(plain);
    },
    async decrypt(cipher: Buffer) {
      if (!available) throw refuse('cannot decrypt');
      const { result, shouldReEncrypt } = await safeStorage.decryptStringAsync(cipher);
      return { plain: result, reEncrypt: shouldReEncrypt };
    },
  };
}

function storageBackend(platform: NodeJS.Platform): string {
  if (platform === 'linux') return safeStorage.getSelectedStorageBackend?.() ?? 'unknown';
  if (platform === 'win32') return 'dpapi';
  if (platform === 'darwin') return 'keychain';
  return 'unknown';
}
