/** Why a token was refused; `expired` lets the client know a refresh will help. */
export class TokenError extends Error {
  override readonly name = 'TokenError';
  constructor(
    readonly reason: 'missing' | 'expired' | 'invalid' | 'wrong-type',
    message: string,
  ) {
    super(message);
  }
}
