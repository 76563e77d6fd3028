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
  { ok: true; client: SecretServiceClient } | { ok: false; reason: string };

/**
 * Connects to the desktop's Secret Service (bounded: a hung daemon costs `timeoutMs` at start).
 * Never throws: an absent bus, an absent or locked keyring come back as the reason, in words,
 * that Settings and the password hint show.
 */
export async function probeSecretService(
  options: SecretServiceClientOptions,
): Promise<SecretServiceProbe> {
  try {
    return { ok: true, client: await SecretServiceClient.open(options) };
  } catch (error) {
    return { ok: false, reason: memoryReason(error) };
  }
}

/** The credential store for a probe: the Secret Service, or memory with the probe's reason. */
export function secretServiceOrMemory(
  probe: SecretServiceProbe,
  deps: { sink?: SecretSink; logger?: Logger },
): CredentialStore {
  return probe.ok
    ? new SecretServiceCredentialStore(probe.client, deps)
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
  /** Keyring calls one at a time, in order: a delete never overtakes the set before it. */
  private queue: Promise<unknown> = Promise.resolve();
  /** Set when the keyring failed after start: why secrets since are in memory only. */
  private degraded: string | null = null;

  constructor(
    private readonly client: SecretServiceClient,
    private readonly deps: { sink?: SecretSink; logger?: Logger } = {},
  ) {}

  async get(ref: string): Promise<string | null> {
    const known = this.memory.get(ref);
    if (known !== undefined) return known;
    const stored = await this.keyring('read', ref, async () => {
      const [item] = await this.client.search(attributes(ref));
      return item === undefined ? null : this.client.read(item);
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
    await this.keyring('store', ref, () =>
      this.client.write(`Lookout: ${ref}`, attributes(ref), secret),
    );
  }

  async delete(ref: string): Promise<void> {
    this.memory.delete(ref);
    await this.keyring('delete', ref, async () => {
      for (const item of await this.client.search(attributes(ref))) await this.client.remove(item);
    });
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
    this.client.close();
  }

  /**
   * One keyring call, queued. A failure is logged by ref and kind (never the secret), turns the
   * store to memory-only with the reason, and resolves `undefined`: the caller's secret is kept.
   */
  private keyring<T>(what: string, ref: string, work: () => Promise<T>): Promise<T | undefined> {
    const run = this.queue.then(work).catch((error: unknown) => {
      const reason = memoryReason(error);
      this.degraded = `The keyring stopped working: ${reason}`;
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

function attributes(ref: string): Record<string, string> {
  return { 'xdg:schema': SCHEMA, ref };
}
