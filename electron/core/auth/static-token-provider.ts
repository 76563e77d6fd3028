import type { Credentials } from '../kernel/ports';
import { type CredentialProvider, CredentialsError } from '../kernel/ports';
import type { SecretGetter } from './secrets';

/**
 * A static token (API token, or a JWT pasted by an admin) read from the credential store before
 * every attempt, so a token replaced in settings is used on the next reconnect.
 */
export class StaticTokenProvider implements CredentialProvider {
  constructor(
    private readonly credentialRef: string,
    private readonly getSecret: SecretGetter,
  ) {}

  async getCredentials(_options?: { forceRefresh: boolean }): Promise<Credentials> {
    const token = await this.getSecret(this.credentialRef);
    if (!token) {
      throw new CredentialsError(
        `No token is stored for "${this.credentialRef}": paste the token in the endpoint's settings.`,
      );
    }
    return { token };
  }
}
