import { z } from 'zod';
import { systemClock, type Clock, type Logger, type SecretSink } from '../kernel/ports';
import { CREDENTIALS_FORMAT } from './file-formats';
import { PersistedFile, type SaveResult } from './persist';

/**
 * Where secrets (passwords, API tokens, refresh tokens) live, by the `credentialRef` an endpoint
 * names. Secrets never reach disk in plaintext: either a real OS-backed cipher protects them, or
 * they stay in memory for this session and `describe()` says why.
 */
export interface CredentialStore {
  get(ref: string): Promise<string | null>;
  set(ref: string, secret: string): Promise<void>;
  delete(ref: string): Promise<void>;
  /** For settings and diagnostics: will secrets survive a restart, and if not, why. */
  describe(): CredentialStoreDescription;
  /** Lets go of what the store holds open (a D-Bus connection) when the core stops. */
  close?(): void;
}

export interface CredentialStoreDescription {
  persistent: boolean;
  backend: string;
  reason: string;
}

/**
 * Encryption by the OS (Electron's asynchronous `safeStorage` API in the desktop host). `backend`
 * is the platform's name for it; `basic_text` means Linux without a keyring, where the
 * "encryption" uses a fixed, public key and so protects nothing.
 */
export interface SecretCipher {
  /** Known when the cipher is made (the host asks the OS once, after start-up). */
  isAvailable(): boolean;
  readonly backend: string;
  encrypt(plain: string): Promise<Buffer>;
  decrypt(data: Buffer): Promise<DecryptedSecret>;
}

/** A decrypted secret, and whether the OS asks for it to be encrypted again (a rotated key). */
export interface DecryptedSecret {
  plain: string;
  reEncrypt: boolean;
}

/** Secrets in memory only: for tests, and where nothing safe to persist with exists. */
export class MemoryCredentialStore implements CredentialStore {
  private readonly secrets = new Map<string, string>();

  constructor(
    private readonly reason = 'Secrets are kept in memory only and are forgotten when Lookout quits.',
    private readonly sink?: SecretSink,
  ) {}

  async get(ref: string): Promise<string | null> {
    return this.secrets.get(ref) ?? null;
  }

  async set(ref: string, secret: string): Promise<void> {
    this.sink?.addSecret(secret);
    this.secrets.set(ref, secret);
  }

  async delete(ref: string): Promise<void> {
    this.secrets.delete(ref);
  }

  describe(): CredentialStoreDescription {
    return { persistent: false, backend: 'memory', reason: this.reason };
  }
}

const fileSchema = z.object({ entries: z.record(z.string(), z.string()) });
type CredentialFile = z.infer<typeof fileSchema>;

export interface EncryptedFileCredentialStoreOptions {
  path: string;
  cipher: SecretCipher;
  clock?: Clock;
  logger?: Logger;
  sink?: SecretSink;
  /** Told the outcome of every write of the file (failed saves reach the UI). */
  onSaved?: (result: SaveResult) => void;
}

/**
 * Secrets encrypted by the OS cipher, stored base64 in a crash-safe JSON file. If the cipher is
 * unavailable or is `basic_text`, nothing is written: secrets stay in memory for this session.
 */
export class EncryptedFileCredentialStore implements CredentialStore {
  private readonly file: PersistedFile<CredentialFile>;
  private readonly memory = new Map<string, string>();
  private entries: Record<string, string> | null = null;
  private loading: Promise<Record<string, string>> | null = null;
  private readonly persistent: boolean;
  private readonly reason: string;
  /** A problem met while loading or decrypting, for diagnostics. */
  lastProblem: string | null = null;

  constructor(private readonly options: EncryptedFileCredentialStoreOptions) {
    this.file = new PersistedFile({
      path: options.path,
      ...CREDENTIALS_FORMAT,
      schema: fileSchema,
      clock: options.clock ?? systemClock,
      ...(options.logger ? { logger: options.logger } : {}),
      ...(options.onSaved ? { onSaved: options.onSaved } : {}),
    });
    const { cipher } = options;
    if (!cipher.isAvailable()) {
      this.persistent = false;
      this.reason =
        'OS encryption is not available, so secrets are kept in memory only and must be entered again after a restart.';
    } else if (cipher.backend === 'basic_text') {
      this.persistent = false;
      this.reason =
        'No keyring is running (the OS would encrypt with a fixed, public key: basic_text), so secrets are kept in memory only. Start a keyring such as gnome-keyring or KWallet to have them remembered.';
    } else {
      this.persistent = true;
      this.reason = `Secrets are encrypted by the OS (${cipher.backend}) and stored in ${options.path}.`;
    }
  }

  describe(): CredentialStoreDescription {
    return {
      persistent: this.persistent,
      backend: this.options.cipher.backend,
      reason: this.reason,
    };
  }

  async get(ref: string): Promise<string | null> {
    const inMemory = this.memory.get(ref);
    if (inMemory !== undefined) return inMemory;
    if (!this.persistent) return null;
    const stored = (await this.load())[ref];
    if (stored === undefined) return null;
    let decrypted: DecryptedSecret;
    try {
      decrypted = await this.options.cipher.decrypt(Buffer.from(stored, 'base64'));
    } catch (error) {
      // A keyring reset or a copied file: the entry cannot be read; the user signs in again.
      this.lastProblem = `The saved secret "${ref}" could not be decrypted (${(error as Error).message}); enter it again.`;
      return null;
    }
    const secret = decrypted.plain;
    this.options.sink?.addSecret(secret);
    if (this.memory.get(ref) === undefined) this.memory.set(ref, secret);
    // The OS rotated its key (or has a better one): store the secret under the new one.
    if (decrypted.reEncrypt && this.memory.get(ref) === secret) {
      this.options.logger?.info('secret encrypted again at the OS request', { ref });
      await this.persist(ref, secret);
    }
    return this.memory.get(ref) ?? secret;
  }

  async set(ref: string, secret: string): Promise<void> {
    this.options.sink?.addSecret(secret);
    this.memory.set(ref, secret);
    if (!this.persistent) return;
    await this.persist(ref, secret);
  }

  private async persist(ref: string, secret: string): Promise<void> {
    let encrypted: string;
    try {
      encrypted = (await this.options.cipher.encrypt(secret)).toString('base64');
    } catch (error) {
      this.lastProblem = `The secret "${ref}" could not be encrypted (${(error as Error).message}); it is kept in memory until Lookout quits.`;
      return;
    }
    await this.load();
    // Read after the awaits: another set/delete may have changed the entries meanwhile.
    const entries = { ...this.entries };
    entries[ref] = encrypted;
    await this.write(entries);
  }

  async delete(ref: string): Promise<void> {
    this.memory.delete(ref);
    if (!this.persistent) return;
    await this.load();
    const entries = { ...this.entries };
    if (!(ref in entries)) return;
    delete entries[ref];
    await this.write(entries);
  }

  private async write(entries: Record<string, string>): Promise<void> {
    this.entries = entries;
    const result = await this.file.save({ entries });
    if (!result.ok) this.lastProblem = result.error;
  }

  private load(): Promise<Record<string, string>> {
    if (this.entries) return Promise.resolve(this.entries);
    this.loading ??= this.file.load().then((outcome) => {
      if (outcome.status === 'set-aside' || outcome.status === 'newer')
        this.lastProblem = outcome.message;
      this.entries = outcome.value?.entries ?? {};
      return this.entries;
    });
    return this.loading;
  }
}
