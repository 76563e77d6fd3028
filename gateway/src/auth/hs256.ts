import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import { TokenError } from './token-error';

/**
 * Synchronous HS256 verification of a compact JWT with node:crypto, for the upgrade path.
 *
 * Why not jose here: jose verifies through WebCrypto, whose every `subtle.verify` is a thread-pool
 * job; on a loaded 2-core machine that dispatch was most of the gateway's CPU per connection
 * (issue 23), while the HMAC itself costs a few microseconds. The checks mirror jose's
 * `jwtVerify` for our options (no clock tolerance): canonical signature, no `crit`, `exp` required
 * and in the future, `iat` and `sub` required, `nbf` not in the future, `iss` and `aud` when
 * configured. `gateway/src/auth/hs256.test.ts` holds it to jose's verdict, case by case.
 */
export class Hs256Verifier {
  private readonly key: KeyObject;

  constructor(secret: string) {
    this.key = createSecretKey(Buffer.from(secret, 'utf8'));
  }

  /** The verified claims; throws `TokenError` ('expired' or 'invalid') otherwise. */
  verify(
    token: string,
    expect: { issuer?: string; audience?: string },
    nowSec = Math.floor(Date.now() / 1000),
  ): Record<string, unknown> {
    const parts = token.split('.');
    if (parts.length !== 3) throw invalid('not a compact JWS');
    const [header, payload, signature] = parts as [string, string, string];
    const expected = createHmac('sha256', this.key).update(`${header}.${payload}`).digest();
    // Compared in its canonical text form: a signature spelled another way (padding, stray bits
    // in the last character) is refused, as jose refuses it.
    const given = Buffer.from(signature, 'utf8');
    const wanted = Buffer.from(expected.toString('base64url'), 'utf8');
    if (given.length !== wanted.length || !timingSafeEqual(given, wanted))
      throw invalid('signature verification failed');
    const head = decodeObject(header);
    if (head.alg !== 'HS256') throw invalid('algorithm not accepted');
    // Extensions we do not implement must not be ignored (RFC 7515 §4.1.11); b64:false is one.
    if (head.crit !== undefined || head.b64 !== undefined) throw invalid('unsupported header');
    const claims = decodeObject(payload);
    for (const name of ['exp', 'iat', 'sub'])
      if (claims[name] === undefined) throw invalid(`missing ${name} claim`);
    for (const name of ['exp', 'iat', 'nbf'])
      if (claims[name] !== undefined && typeof claims[name] !== 'number')
        throw invalid(`${name} is not a number`);
    if (typeof claims.sub !== 'string') throw invalid('sub is not a string');
    if (expect.issuer !== undefined && claims.iss !== expect.issuer) throw invalid('wrong issuer');
    if (expect.audience !== undefined) {
      const aud = claims.aud;
      const ok = Array.isArray(aud) ? aud.includes(expect.audience) : aud === expect.audience;
      if (!ok) throw invalid('wrong audience');
    }
    if (typeof claims.nbf === 'number' && claims.nbf > nowSec) throw invalid('not yet valid');
    if ((claims.exp as number) <= nowSec) throw new TokenError('expired', 'token expired');
    return claims;
  }
}

function invalid(message: string): TokenError {
  return new TokenError('invalid', message);
}

/** A base64url segment holding a JSON object, or `invalid`. */
function decodeObject(segment: string): Record<string, unknown> {
  if (!/^[A-Za-z0-9_-]*$/.test(segment)) throw invalid('not base64url');
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    throw invalid('not JSON');
  }
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw invalid('not a JSON object');
  return value as Record<string, unknown>;
}
