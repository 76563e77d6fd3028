/** Wraps a credential provider and records how its requests went, for the verified-auth facet. */
import type { Credentials } from '../kernel/ports';
import { type CredentialProvider, CredentialsError, type SessionCheck } from '../kernel/ports';

/** How the last request for credentials went. */
export type CredentialsResult =
  | { kind: 'none-yet' }
  /** Credentials obtained (for a password provider: its login was accepted, now or before). */
  | { kind: 'ok'; at: number }
  | { kind: 'missing'; at: number; detail: string }
  | { kind: 'refused'; at: number; detail: string }
  /** The sign-in service could not be reached; says nothing about the credentials. */
  | { kind: 'failed'; at: number; detail: string };

/**
 * A credential provider that remembers how its last answer went, for the verified auth facet:
 * Settings shows "signed in" only after the server accepted the credentials, "refused" only after
 * it refused them, never merely because a secret is stored.
 */
export class TrackedCredentials implements CredentialProvider {
  private last: CredentialsResult = { kind: 'none-yet' };
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly inner: CredentialProvider,
    private readonly now: () => number,
    /** Whether the provider signs in (password methods) or only reads a stored token. */
    readonly signsIn: boolean,
  ) {
    if (inner.checkSession) this.checkSession = () => inner.checkSession?.() ?? unknown();
  }

  get result(): CredentialsResult {
    return this.last;
  }

  /** Called after every change of `result`. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  checkSession?: () => Promise<SessionCheck>;

  async getCredentials(options: { forceRefresh: boolean }): Promise<Credentials> {
    try {
      const creds = await this.inner.getCredentials(options);
      this.set({ kind: 'ok', at: this.now() });
      return creds;
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      if (error instanceof CredentialsError) this.set({ kind: error.kind, at: this.now(), detail });
      else this.set({ kind: 'failed', at: this.now(), detail });
      throw error;
    }
  }

  private set(result: CredentialsResult): void {
    this.last = result;
    for (const listener of this.listeners) listener();
  }
}

async function unknown(): Promise<SessionCheck> {
  return { status: 'unknown', detail: 'No session check.' };
}
