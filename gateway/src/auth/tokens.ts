import {
  SignJWT,
  createLocalJWKSet,
  createRemoteJWKSet,
  decodeProtectedHeader,
  errors,
  jwtVerify,
  type JSONWebKeySet,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import { roleSchema, type Role } from '../../../shared/protocol/lookout-wire';

/**
 * Access and refresh tokens. Algorithms are pinned per key: HS256 only with the shared secret,
 * RS256 only with the JWKS, so a token cannot choose its own verification (no `alg: none`, no
 * HS256-signed-with-the-public-key confusion).
 */

export interface TokenOptions {
  /** Shared secret: signs the tokens `/auth/login` issues and verifies HS256 tokens. At least 32 bytes. */
  hs256Secret: string;
  /** Optional RS256 verification for tokens issued elsewhere: a local JWKS or its URL. */
  jwks?: JSONWebKeySet;
  jwksUrl?: string;
  /** Expected `iss` / `aud` when set. */
  issuer?: string;
  audience?: string;
  accessTtlSec: number;
  refreshTtlSec: number;
}

/** Who a verified access token speaks for. */
export interface Principal {
  sub: string;
  role: Role;
  /** Expiry, seconds since epoch. */
  exp: number;
  iat: number;
}

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

export interface IssuedTokens {
  access: string;
  refresh: string;
  expiresIn: number;
}

export class TokenService {
  private readonly secret: Uint8Array;
  private readonly jwks: JWTVerifyGetKey | null;

  constructor(private readonly options: TokenOptions) {
    if (Buffer.byteLength(options.hs256Secret) < 32) {
      throw new Error('the gateway secret must be at least 32 bytes (LOOKOUT_GATEWAY_SECRET)');
    }
    this.secret = new TextEncoder().encode(options.hs256Secret);
    this.jwks = options.jwks
      ? createLocalJWKSet(options.jwks)
      : options.jwksUrl
        ? createRemoteJWKSet(new URL(options.jwksUrl))
        : null;
  }

  get accessTtlSec(): number {
    return this.options.accessTtlSec;
  }

  /** A fresh access + refresh pair for a user. */
  async issue(user: { sub: string; role: Role }, now = Date.now()): Promise<IssuedTokens> {
    const iat = Math.floor(now / 1000);
    const sign = (typ: 'access' | 'refresh', ttl: number) => {
      const jwt = new SignJWT({ role: user.role, typ })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(user.sub)
        .setIssuedAt(iat)
        .setExpirationTime(iat + ttl);
      if (this.options.issuer) jwt.setIssuer(this.options.issuer);
      if (this.options.audience) jwt.setAudience(this.options.audience);
      return jwt.sign(this.secret);
    };
    return {
      access: await sign('access', this.options.accessTtlSec),
      refresh: await sign('refresh', this.options.refreshTtlSec),
      expiresIn: this.options.accessTtlSec,
    };
  }

  /** Verify a token presented on the upgrade. */
  verifyAccess(token: string | undefined): Promise<Principal> {
    return this.verify(token, 'access');
  }

  /** Verify a refresh token (only tokens this gateway issued: HS256 with `typ: refresh`). */
  verifyRefresh(token: string | undefined): Promise<Principal> {
    return this.verify(token, 'refresh');
  }

  private async verify(token: string | undefined, want: 'access' | 'refresh'): Promise<Principal> {
    if (!token) throw new TokenError('missing', 'no token');
    let alg: string | undefined;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch {
      throw new TokenError('invalid', 'not a JWT');
    }
    let payload: JWTPayload;
    try {
      const common = {
        issuer: this.options.issuer,
        audience: this.options.audience,
        requiredClaims: ['exp', 'iat', 'sub'],
      };
      if (alg === 'HS256') {
        ({ payload } = await jwtVerify(token, this.secret, { ...common, algorithms: ['HS256'] }));
      } else if (alg === 'RS256' && this.jwks && want === 'access') {
        ({ payload } = await jwtVerify(token, this.jwks, { ...common, algorithms: ['RS256'] }));
      } else {
        throw new TokenError('invalid', `algorithm ${alg ?? 'missing'} not accepted`);
      }
    } catch (error) {
      if (error instanceof TokenError) throw error;
      if (error instanceof errors.JWTExpired) throw new TokenError('expired', 'token expired');
      throw new TokenError('invalid', 'token verification failed');
    }
    // Tokens from other issuers (RS256) carry no `typ`: they count as access tokens.
    const typ = typeof payload.typ === 'string' ? payload.typ : 'access';
    if (typ !== want) throw new TokenError('wrong-type', `a ${typ} token cannot be used here`);
    const role = roleSchema.safeParse(payload.role);
    if (!role.success || typeof payload.sub !== 'string' || payload.sub.length === 0) {
      throw new TokenError('invalid', 'token lacks a valid role or sub claim');
    }
    return { sub: payload.sub, role: role.data, exp: payload.exp ?? 0, iat: payload.iat ?? 0 };
  }
}
