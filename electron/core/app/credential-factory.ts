import type { EndpointConfig } from '../../../shared/config/endpoint';
import { DjangoSessionProvider } from '../auth/django-session-provider';
import { PasswordJwtProvider } from '../auth/password-jwt-provider';
import type { FetchLike, SecretGetter } from '../auth/secrets';
import { StaticTokenProvider } from '../auth/static-token-provider';
import { noCredentials, type CredentialProvider } from '../connection/ports';
import { assertNever } from '../../../shared/util/assert-never';

/** The credential provider an endpoint's `auth` section asks for; secrets come from the store by reference. */
export function credentialProviderFor(
  endpoint: EndpointConfig,
  getSecret: SecretGetter,
  fetchImpl?: FetchLike,
): CredentialProvider {
  const auth = endpoint.auth;
  switch (auth.method) {
    case 'none':
      return noCredentials;
    case 'token':
      return new StaticTokenProvider(auth.credentialRef, getSecret);
    case 'password-jwt':
      return new PasswordJwtProvider({
        loginUrl: auth.loginUrl,
        ...(auth.refreshUrl ? { refreshUrl: auth.refreshUrl } : {}),
        username: auth.username,
        // Our gateway takes `username`; Django SimpleJWT with a custom user model takes `email`.
        usernameField: endpoint.dialect === 'django-channels' ? 'email' : 'username',
        credentialRef: auth.credentialRef,
        getSecret,
        ...(fetchImpl ? { fetch: fetchImpl } : {}),
      });
    case 'django-session':
      return new DjangoSessionProvider({
        loginUrl: auth.loginUrl,
        username: auth.username,
        credentialRef: auth.credentialRef,
        getSecret,
        ...(fetchImpl ? { fetch: fetchImpl } : {}),
      });
    default:
      return assertNever(auth, 'auth method');
  }
}

/** The credential reference of an endpoint, or null when it needs none. */
export function credentialRefOf(endpoint: EndpointConfig): string | null {
  return endpoint.auth.method === 'none' ? null : endpoint.auth.credentialRef;
}
