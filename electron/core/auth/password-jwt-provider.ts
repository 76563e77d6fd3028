/** Password → JWT credentials: sign in, refresh with the refresh token, sign in again when refused. */
import { decodeJwt } from 'jose';
import type { Credentials } from '../kernel/ports';
import { type CredentialProvider, CredentialsError } from '../kernel/ports';
import type { FetchLike, SecretGetter } from './secrets';

export interface PasswordJwtOptions {
  /** `POST` target taking `{email|username, password}` and answering `{access, refresh}`. */
  loginUrl: string;
  /** `POST` target taking `{refresh}` and answering `{access}` (and maybe a rotated `refresh`). */
  refreshUrl?: string;
  username: string;
  /** Field name for the user: SimpleJWT with a custom user model uses `email`. */
  usernameField?: 'email' | 'username';
  credentialRef: string;
  getSecret: SecretGetter;
  fetch?: FetchLike;
  /** Refresh when the access token expires within this margin (ms). */
  refreshMarginMs?: number;
  now?: () => number;
}

/**
 * Email/user + password exchanged for a JWT pair, the access token refreshed when it is near its
 * `exp` or when the server said it expired (`forceRefresh`). The token is decoded only to read
 * `exp`; verifying it is the server's job.
 */
export class PasswordJwtProvider implements CredentialProvider {
  private access: string | null = null;
  private refresh: string | null = null;
  private readonly fetch: FetchLike;
  private readonly now: () => number;

  constructor(private readonly options: PasswordJwtOptions) {
    this.fetch = options.fetch ?? fetch;
    this.now = options.now ?? Date.now;
  }

  async getCredentials({ forceRefresh }: { forceRefresh: boolean }): Promise<Credentials> {
    if (this.access && !forceRefresh && !this.expiresSoon(this.access))
      return { token: this.access };
    if (this.refresh && this.options.refreshUrl && !this.expiresSoon(this.refresh)) {
      const refreshed = await this.tryRefresh(this.refresh);
      if (refreshed) return { token: refreshed };
    }
    return { token: await this.login() };
  }

  private expiresSoon(token: string): boolean {
    try {
      const { exp } = decodeJwt(token);
      if (typeof exp !== 'number') return false;
      return exp * 1000 - this.now() < (this.options.refreshMarginMs ?? 60_000);
    } catch {
      // Not a JWT we can read: treat it as opaque and let the server judge it.
      return false;
    }
  }

  private async tryRefresh(refresh: string): Promise<string | null> {
    const res = await this.post(this.options.refreshUrl ?? '', { refresh });
    if (res.status === 401 || res.status === 400 || res.status === 403) {
      this.refresh = null;
      return null; // The refresh token is dead: sign in again with the password.
    }
    const body = await this.json(res, 'refresh');
    if (typeof body.access !== 'string')
      throw new Error(`Token refresh at ${this.options.refreshUrl} returned no access token.`);
    this.access = body.access;
    if (typeof body.refresh === 'string') this.refresh = body.refresh;
    return body.access;
  }

  private async login(): Promise<string> {
    const password = await this.options.getSecret(this.options.credentialRef);
    if (!password) {
      throw new CredentialsError(
        `No password is stored for ${this.options.username}: enter it in the endpoint's settings.`,
      );
    }
    const field =
      this.options.usernameField ?? (this.options.username.includes('@') ? 'email' : 'username');
    const res = await this.post(this.options.loginUrl, {
      [field]: this.options.username,
      password,
    });
    if (res.status === 400 || res.status === 401 || res.status === 403) {
      this.access = null;
      this.refresh = null;
      const said = await serverWords(res);
      throw new CredentialsError(
        `Sign-in as ${this.options.username} was refused (HTTP ${res.status}${said ? `: ${said}` : ''}): check the email and password in the endpoint's settings.`,
        'refused',
      );
    }
    const body = await this.json(res, 'sign-in');
    if (typeof body.access !== 'string')
      throw new Error(`Sign-in at ${this.options.loginUrl} returned no access token.`);
    this.access = body.access;
    this.refresh = typeof body.refresh === 'string' ? body.refresh : null;
    return body.access;
  }

  private post(url: string, body: unknown): Promise<Response> {
    // A network failure rejects with a plain Error: the engine backs off and retries.
    return this.fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
      redirect: 'manual',
    });
  }

  private async json(res: Response, what: string): Promise<Record<string, unknown>> {
    if (!res.ok) throw new Error(`The ${what} endpoint answered HTTP ${res.status}.`);
    const body: unknown = await res.json().catch(() => null);
    if (typeof body !== 'object' || body === null)
      throw new Error(`The ${what} endpoint did not answer JSON.`);
    return body as Record<string, unknown>;
  }
}

/** The refusal in the server's own words (`{"error"}`, `{"detail"}`, `{"message"}`), bounded. */
async function serverWords(res: Response): Promise<string> {
  const body: unknown = await res.json().catch(() => null);
  if (typeof body !== 'object' || body === null) return '';
  const b = body as Record<string, unknown>;
  const said = [b.error, b.detail, b.message].find((v) => typeof v === 'string');
  return typeof said === 'string' ? said.slice(0, 200) : '';
}
