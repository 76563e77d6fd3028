import { safeStorage } from 'electron';
import type { SecretCipher } from '../core/app/core-api';

/**
 * The SecretCipher port over Electron's `safeStorage` (Keychain, DPAPI, libsecret/kwallet). On
 * Linux without a keyring safeStorage silently falls back to a fixed key (`basic_text`), which is
 * plaintext in all but name: then this cipher reports itself unavailable and refuses to encrypt,
 * so the core keeps secrets in memory for the session and tells the user so.
 * Only valid after `app.whenReady()` (the backend is chosen then).
 */
export function createSafeStorageCipher(
  platform: NodeJS.Platform = process.platform,
): SecretCipher {
  const backend = storageBackend(platform);
  const available = (): boolean => backend !== 'basic_text' && safeStorage.isEncryptionAvailable();
  return {
    backend,
    isAvailable: available,
    encrypt(plain: string): Buffer {
      if (!available()) {
        throw new Error(
          `safeStorage is not safe here (backend ${backend}): secrets stay in memory`,
        );
      }
      return safeStorage.encryptString(plain);
    },
    decrypt(cipher: Buffer): string {
      if (!available()) {
        throw new Error(`safeStorage is not safe here (backend ${backend}): cannot decrypt`);
      }
      return safeStorage.decryptString(cipher);
    },
  };
}

function storageBackend(platform: NodeJS.Platform): string {
  if (platform === 'linux') return safeStorage.getSelectedStorageBackend?.() ?? 'unknown';
  if (platform === 'win32') return 'dpapi';
  if (platform === 'darwin') return 'keychain';
  return 'unknown';
}
