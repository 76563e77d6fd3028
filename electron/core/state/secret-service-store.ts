/**
 * The browser host's credential store on the desktop's Secret Service (GNOME Keyring, KWallet,
 * KeePassXC), or memory with the reason in words when there is none to use.
 */
import type { Logger, SecretSink } from '../kernel/ports';
import {
  MemoryCredentialStore,
  type CredentialStore,
  type CredentialStoreDescription,
} from './credential-store';
import {
  SecretServiceClient,
  SecretServiceUnavailable,
  type SecretServiceClientOptions,
} from './secret-service.dbus';

/** What every item Lookout stores carries, so a search finds ours only (libsecret's schema key). */
const SCHEMA = 'dev.lookout.console.Secret';

/** The words every memory-only reason ends with: what it costs the user. */
const MEMORY_ONLY = 'so secrets are kept in memory only and asked for again after a restart';

/** What the host makes its credential store from: a connected Secret Service, or why not. */
export type SecretServiceProbe =
  | {
      ok: true;
      client: SecretServiceClient;
      /** A new connection and session (the keyring daemon restarted: the old session is gone). */
      reopen: () => Promise<SecretServiceClient>;
    }
  | { ok: false; reason: string };

/**
 * Connects to the desktop's Secret Service (bounded: a hung daemon costs `timeoutMs` at start).
 * Never throws: an absent bus, an absent or locked keyring come back as the reason, in words,
 * that Settings and the password hint show.
 */
export async function probeSecretService(
  options: SecretServiceClientOptions,
): Promise<SecretServiceProbe> {
  try {
    const reopen = () => SecretServiceClient.open(options);
    return { ok: true, client: await reopen(), reopen };
  } catch (error) {
    return { ok: false, reason: memoryReason(error) };
  }
}

/** The credential store for a probe: the Secret Service, or memory with the probe's reason. */
export function secretServiceOrMemory(
  probe: SecretServiceProbe,
  deps: SecretServiceStoreDeps,
): CredentialStore {
  return probe.ok
    ? new SecretServiceCredentialStore(probe.client, deps, probe.reopen)
    : new MemoryCredentialStore(probe.reason, deps.sink);
}

/** Why secrets stay in memory, and what to do to have them remembered. */
export function memoryReason(error: unknown): string {
  if (!(error instanceof SecretServiceUnavailable))
    return `The desktop's Secret Service could not be used (${String(error)}), ${MEMORY_ONLY}.`;
  switch (error.kind) {
    case 'no-bus':
      return `No desktop session bus is reachable (DBUS_SESSION_BUS_ADDRESS is not set or dead), ${MEMORY_ONLY}. Start Lookout inside a desktop session to have them remembered in its keyring.`;
    case 'no-service':
      return `No Secret Service is running (nothing owns org.freedesktop.secrets on the session bus), ${MEMORY_ONLY}. Start a keyring (GNOME Keyring, KWallet or KeePassXC with Secret Service on) and restart Lookout to have them remembered.`;
    case 'no-collection':
      return `The Secret Service has no default keyring, ${MEMORY_ONLY}. Create one (e.g. in Seahorse, "Passwords and Keys") and restart Lookout to have them remembered.`;
    case 'locked':
      return `The desktop's default keyring is locked, ${MEMORY_ONLY}. Unlock it (log in to the desktop, or open "Passwords and Keys") and restart Lookout to have them remembered.`;
    case 'timeout':
      return `The Secret Service did not answer in time (${error.message}), ${MEMORY_ONLY}. Restart the keyring daemon, then Lookout.`;
    case 'failed':
      return `The Secret Service refused to work (${error.message}), ${MEMORY_ONLY}.`;
  }
}

/**
 * Secrets in the desktop's Secret Service (GNOME Keyring, KWallet, KeePassXC), one item per
 * `credentialRef`, found by attributes `{xdg:schema, ref}` as libsecret tools show them
 * (`secret-tool search xdg:schema dev.lookout.console.Secret`). A copy stays in memory for the
 * session. If the keyring stops answering or is locked later, secrets entered since stay in memory
 * and `describe()` says so: nothing is lost for this session, and nothing fails silently.
 */
export class SecretServiceCredentialStore implements CredentialStore {
  private readonly memory = new Map<string, string>();
  /** Refs whose last store or delete failed: written (or deleted) again once the keyring works. */
  private readonly unsaved = new Set<string>();
  /** Keyring calls one at a time, in order: a delete never overtakes the set before it. */
  private queue: Promise<unknown> = Promise.resolve();
  /** Set when the keyring failed after start: why secrets since are in memory only. */
  private degraded: string | null = null;

  private client: SecretServiceClient | null;
  private closed = false;

  constructor(
    client: SecretServiceClient,
    private readonly deps: SecretServiceStoreDeps = {},
    /** How to connect again after a failure (the daemon restarted); none: stay in memory. */
    private readonly reopen?: () => Promise<SecretServiceClient>,
  ) {
    this.client = client;
  }

  async get(ref: string): Promise<string | null> {
    const known = this.memory.get(ref);
    if (known !== undefined) return known;
    const stored = await this.keyring('read', ref, async (client) => {
      const [item] = await client.search(attributes(ref));
      return item === undefined ? null : client.read(item);
    });
    if (stored === null || stored === undefined) return null;
    this.deps.sink?.addSecret(stored);
    // A set meanwhile wins: it is newer than what the keyring held.
    if (!this.memory.has(ref)) this.memory.set(ref, stored);
    return this.memory.get(ref) ?? stored;
  }

  async set(ref: string, secret: string): Promise<void> {
    this.deps.sink?.addSecret(secret);
    this.memory.set(ref, secret);
    this.unsaved.add(ref);
    await this.save();
  }

  async delete(ref: string): Promise<void> {
    this.memory.delete(ref);
    this.unsaved.add(ref);
    await this.save();
  }

  /**
   * Brings the keyring in line with memory for every ref not yet saved (this one, and any a
   * failure left behind): a keyring that works again gets what was entered meanwhile.
   */
  private async save(): Promise<void> {
    const done = await this.keyring('store', [...this.unsaved].join(', '), async (client) => {
      for (const ref of [...this.unsaved]) {
        const secret = this.memory.get(ref);
        if (secret === undefined) {
          for (const item of await client.search(attributes(ref))) await client.remove(item);
        } else {
          await client.write(`Lookout: ${ref}`, attributes(ref), secret);
        }
        // A set meanwhile queued its own save; only what was written is done.
        if (this.memory.get(ref) === secret) this.unsaved.delete(ref);
      }
      return true;
    });
    if (done && this.unsaved.size === 0 && this.degraded) {
      this.degraded = null;
      this.deps.logger?.info('keyring works again; secrets entered meanwhile are stored');
    }
    if (done) this.deps.onSaved?.({ ok: true });
  }

  describe(): CredentialStoreDescription {
    if (this.degraded) return { persistent: false, backend: 'memory', reason: this.degraded };
    return {
      persistent: true,
      backend: 'secret-service',
      reason:
        "Secrets are stored in the desktop's keyring (Secret Service, default collection) and remembered after a restart.",
    };
  }

  /** Closes the D-Bus connection (the core is stopping). */
  close(): void {
    this.closed = true;
    this.client?.close();
    this.client = null;
  }

  /** The open connection, or a new one where the last one failed. */
  private async connected(): Promise<SecretServiceClient> {
    if (this.client) return this.client;
    if (this.closed) throw new SecretServiceUnavailable('failed', 'Lookout is stopping');
    if (!this.reopen)
      throw new SecretServiceUnavailable('failed', 'the connection to the keyring was lost');
    this.client = await this.reopen();
    return this.client;
  }

  /**
   * One keyring call, queued. A failure is logged by ref and kind (never the secret), turns the
   * store to memory-only with the reason, and resolves `undefined`: the caller's secret is kept.
   */
  private keyring<T>(
    what: string,
    ref: string,
    work: (client: SecretServiceClient) => Promise<T>,
  ): Promise<T | undefined> {
    const run = this.queue
      .then(async () => work(await this.connected()))
      .catch((error: unknown) => {
        // The connection or its session may be what broke: the next call connects afresh.
        this.client?.close();
        this.client = null;
        const reason = memoryReason(error);
        const cause = error instanceof Error ? error.message : String(error);
        this.degraded = `The desktop's keyring stopped answering (${cause}), so secrets entered since are kept in memory only for now; Lookout stores them in the keyring as soon as it works again (start or unlock it).`;
        // The storage banner: what failed and what to do, never the secret.
        this.deps.onSaved?.({ ok: false, error: this.degraded });
        this.deps.logger?.warn('keyring call failed; secrets kept in memory', {
          what,
          ref,
          reason,
        });
        return undefined;
      });
    this.queue = run;
    return run;
  }
}

/** What the store is made with: the core's redactor, its log, and the storage health report. */
export interface SecretServiceStoreDeps {
  sink?: SecretSink;
  logger?: Logger;
  /** Told how each keyring write went (a failure shows as a storage banner until one works). */
  onSaved?: (result: { ok: true } | { ok: false; error: string }) => void;
}

function attributes(ref: string): Record<string, string> {
  return { 'xdg:schema': SCHEMA, ref };
}
