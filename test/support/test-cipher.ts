import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { DecryptedSecret, SecretCipher } from '../../electron/core/state/credential-store';

/**
 * A real cipher (AES-256-GCM) standing in for Electron's safeStorage: a random key per instance
 * unless one is given (a fixed key reads fixture files).
 */
export class TestCipher implements SecretCipher {
  constructor(
    readonly backend = 'gnome_libsecret',
    private readonly available = true,
    private readonly key: Buffer = randomBytes(32),
  ) {}
  isAvailable(): boolean {
    return this.available;
  }
  async encrypt(plain: string): Promise<Buffer> {
    return aesEncrypt(this.key, plain);
  }
  async decrypt(data: Buffer): Promise<DecryptedSecret> {
    return { plain: aesDecrypt(this.key, data), reEncrypt: false };
  }
}

/** AES-256-GCM: iv (12) + tag (16) + body. */
export function aesEncrypt(key: Buffer, plain: string): Buffer {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
  return Buffer.concat([iv, c.getAuthTag(), body]);
}

export function aesDecrypt(key: Buffer, data: Buffer): string {
  const d = createDecipheriv('aes-256-gcm', key, data.subarray(0, 12));
  d.setAuthTag(data.subarray(12, 28));
  return Buffer.concat([d.update(data.subarray(28)), d.final()]).toString('utf8');
}
