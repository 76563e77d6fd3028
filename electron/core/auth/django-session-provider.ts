import type { Credentials } from '../dialects/dialect';
import { type CredentialProvider, CredentialsError } from '../connection/ports';
import type { FetchLike, SecretGetter } from './secrets';

export interface DjangoSessionOptions {
  /** The admin login page, e.g. `http://localhost:8000/admin/login/`. */
  loginUrl: string;
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
 * from the 302. The cookie is reused until the server rejects it (`forceRefresh`).
 */
export class DjangoSessionProvider implements CredentialProvider {
  private session: string | null = null;
  private readonly fetch: FetchLike;

  constructor(private readonly options: DjangoSessionOptions) {
    this.fetch = options.fetch ?? fetch;
  }

  async getCredentials({ forceRefresh }: { forceRefresh: boolean }): Promise<Credentials> {
    if (!this.session || forceRefresh) this.session = await this.signIn();
    return { cookie: `sessionid=${this.session}` };
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
      );
    }
    throw new Error(
      `The admin login answered HTTP ${res.status} without a session: try again later.`,
    );
  }
}
