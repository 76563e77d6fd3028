/** The credential provider an endpoint's auth config asks for. */
import type { AuthConfig } from '../../../shared/config/endpoint';
import { type CredentialProvider, noCredentials } from '../kernel/ports';
import { DjangoSessionProvider } from './django-session-provider';
import { PasswordJwtProvider } from './password-jwt-provider';
import type { FetchLike, SecretGetter } from './secrets';
import { StaticTokenProvider } from './static-token-provider';

/** The credential provider an endpoint's `auth` config asks for. */
export function createCredentialProvider(
  auth: AuthConfig,
  getSecret: SecretGetter,
  fetchImpl?: FetchLike,
): CredentialProvider {
  switch (auth.method) {
    case 'none':
      return noCredentials;
    case 'token':
      return new StaticTokenProvider(auth.credentialRef, getSecret);
    case 'password-jwt':
      return new PasswordJwtProvider({
        loginUrl: auth.loginUrl,
        refreshUrl: auth.refreshUrl,
        username: auth.username,
        credentialRef: auth.credentialRef,
        getSecret,
        fetch: fetchImpl,
      });
    case 'django-session':
      return new DjangoSessionProvider({
        loginUrl: auth.loginUrl,
        ...(auth.sessionCheckUrl ? { sessionCheckUrl: auth.sessionCheckUrl } : {}),
        username: auth.username,
        credentialRef: auth.credentialRef,
        getSecret,
        fetch: fetchImpl,
      });
  }
}

/** The credential-store reference an auth config names, or null when it needs none. */
export function credentialRefOf(auth: AuthConfig): string | null {
  return auth.method === 'none' ? null : auth.credentialRef;
}
