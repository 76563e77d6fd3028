/** django-channels credentials: a session cookie from the admin login form, renewed when refused. */
import type { Credentials } from '../kernel/ports';
import { type CredentialProvider, CredentialsError, type SessionCheck } from '../kernel/ports';
import type { FetchLike, SecretGetter } from './secrets';

export interface DjangoSessionOptions {
  /** The admin login page, e.g. `http://localhost:8000/admin/login/`. */
  loginUrl: string;
  /** Where a session is checked (200 live, 401/403 dead); default `/api/auth/me/` beside `loginUrl`. */
  sessionCheckUrl?: string;
  /** The email (Django admin's `username` field). */
  username: string;
  credentialRef: string;
  getSecret: SecretGetter;
  fetch?: FetchLike;
}

/** The value of one cookie from a response's Set-Cookie headers. */
function cookieFrom(res: Response, name: string): string | undefined {
  const all = res.headers.getSetCookie();
  for (const line of all) {
    const [pair] = line.split(';');
    const i = pair?.indexOf('=') ?? -1;
    if (pair && i > 0 && pair.slice(0, i).trim() === name) return pair.slice(i + 1).trim();
  }
  return undefined;
}

/**
 * django-channels as built authenticates the WebSocket by the Django `sessionid` cookie: get the
 * login page (for the `csrftoken` cookie), post the form with the CSRF token, take `sessionid`
 * from the 302.
 *
 * A held session is checked (`GET /api/auth/me/`) before it is used again: sessions expire and
 * are deleted server-side, and the notifications socket accepts an anonymous connection and then
 * silently sends it nothing, so a dead session must be renewed *before* connecting. A renewal is
 * also forced after an ambiguous refusal (`forceRefresh`).
 */
export class DjangoSessionProvider implements CredentialProvider {
  private session: string | null = null;
  private readonly fetch: FetchLike;
  private readonly checkUrl: string;

  constructor(private readonly options: DjangoSessionOptions) {
    this.fetch = options.fetch ?? fetch;
    this.checkUrl =
      options.sessionCheckUrl ?? new URL('/api/auth/me/', options.loginUrl).toString();
  }

  async getCredentials({ forceRefresh }: { forceRefresh: boolean }): Promise<Credentials> {
    if (this.session && !forceRefresh && (await this.checkSession()).status === 'dead') {
      this.session = null;
    }
    if (!this.session || forceRefresh) this.session = await this.signIn();
    return { cookie: `sessionid=${this.session}` };
  }

  /** Whether the held session is live, asked of the server without a socket; never throws. */
  async checkSession(): Promise<SessionCheck> {
    if (!this.session) return { status: 'unknown', detail: 'No session is held yet.' };
    const where = `GET ${new URL(this.checkUrl).pathname}`;
    try {
      const res = await this.fetch(this.checkUrl, {
        headers: { cookie: `sessionid=${this.session}`, accept: 'application/json' },
        redirect: 'manual',
        signal: AbortSignal.timeout(5_000),
      });
      await res.text().catch(() => '');
      if (res.status === 200) return { status: 'live', detail: `${where} answered 200.` };
      if (res.status === 401 || res.status === 403)
        return { status: 'dead', detail: `${where} answered ${res.status}: the session is gone.` };
      return { status: 'unknown', detail: `${where} answered ${res.status}.` };
    } catch (error) {
      return {
        status: 'unknown',
        detail: `${where} failed: ${error instanceof Error ? error.message : String(error)}.`,
      };
    }
  }

  private async signIn(): Promise<string> {
    const password = await this.options.getSecret(this.options.credentialRef);
    if (!password) {
      throw new CredentialsError(
        `No password is stored for ${this.options.username}: enter it in the endpoint's settings.`,
      );
    }
    const page = await this.fetch(this.options.loginUrl, { redirect: 'manual' });
    const csrf = cookieFrom(page, 'csrftoken');
    await page.text().catch(() => '');
    if (!page.ok || !csrf) {
      throw new Error(
        `The login page ${this.options.loginUrl} answered HTTP ${page.status}${csrf ? '' : ' without a csrftoken cookie'}: check the login URL (use localhost, not 127.0.0.1).`,
      );
    }
    const res = await this.fetch(this.options.loginUrl, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        cookie: `csrftoken=${csrf}`,
        // Django checks Referer on HTTPS; harmless on HTTP.
        referer: this.options.loginUrl,
      },
      body: new URLSearchParams({
        username: this.options.username,
        password,
        csrfmiddlewaretoken: csrf,
        next: '/admin/',
      }).toString(),
    });
    await res.text().catch(() => '');
    const session = cookieFrom(res, 'sessionid');
    if (res.status === 302 && session) return session;
    if (res.status === 200) {
      throw new CredentialsError(
        `Sign-in as ${this.options.username} was refused: check the email and password (the account must be staff).`,
        'refused',
      );
    }
    throw new Error(
      `The admin login answered HTTP ${res.status} without a session: try again later.`,
    );
  }
}
