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
import { Hs256Verifier } from './hs256';
import { TokenError } from './token-error';

export { TokenError } from './token-error';

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
  /** Expected `iss` / `aud`; both required whenever a JWKS is configured (see the constructor). */
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
  /** Session of a token this gateway issued (absent on tokens from another issuer). */
  sid?: string;
  /** When that session began (sign-in), epoch ms: a revocation of the user ends sessions begun before it. */
  sat?: number;
  /** Fingerprint of the password the session was opened with (`credentialVersion`). */
  pwv?: string;
}

/** A refresh token's claims: its session and its own id within the session's rotation. */
export interface RefreshClaims extends Principal {
  sid: string;
  sat: number;
  jti: string;
}

/** The session a pair of tokens belongs to (made at sign-in, carried through every refresh). */
export interface SessionClaims {
  sid: string;
  sat: number;
  /** Omitted for principals that are not in the users list (tokens an embedder issued). */
  pwv?: string;
}

export interface IssuedTokens {
  access: string;
  refresh: string;
  expiresIn: number;
}

export class TokenService {
  private readonly secret: Uint8Array;
  /** HS256 checks on the upgrade path, synchronous (see `hs256.ts` for why not jose). */
  private readonly hs256: Hs256Verifier;
  private readonly jwks: JWTVerifyGetKey | null;

  constructor(private readonly options: TokenOptions) {
    if (Buffer.byteLength(options.hs256Secret) < 32) {
      throw new Error('the gateway secret must be at least 32 bytes (LOOKOUT_GATEWAY_SECRET)');
    }
    // A JWKS signs for every application of its identity provider: without iss and aud checks a
    // token minted for another application (same provider) would open this gateway.
    if ((options.jwks || options.jwksUrl) && (!options.issuer || !options.audience)) {
      throw new Error(
        'a JWKS needs an issuer and an audience (--issuer and --audience, or LOOKOUT_JWT_ISSUER and ' +
          'LOOKOUT_JWT_AUDIENCE): without them a token minted for another application would be accepted',
      );
    }
    this.secret = new TextEncoder().encode(options.hs256Secret);
    this.hs256 = new Hs256Verifier(options.hs256Secret);
    this.jwks = options.jwks
      ? createLocalJWKSet(options.jwks)
      : options.jwksUrl
        ? createRemoteJWKSet(new URL(options.jwksUrl))
        : null;
  }

  get accessTtlSec(): number {
    return this.options.accessTtlSec;
  }

  get refreshTtlSec(): number {
    return this.options.refreshTtlSec;
  }

  /**
   * A fresh access + refresh pair for a user in a session; `jti` is the refresh token's id, which
   * the session store holds as the one valid next refresh (rotation).
   */
  async issue(
    user: { sub: string; role: Role },
    session: SessionClaims,
    jti: string,
    now = Date.now(),
  ): Promise<IssuedTokens> {
    const iat = Math.floor(now / 1000);
    const claims = { role: user.role, sid: session.sid, sat: session.sat, pwv: session.pwv };
    const sign = (typ: 'access' | 'refresh', ttl: number) => {
      const jwt = new SignJWT({ ...claims, typ, ...(typ === 'refresh' ? { jti } : {}) })
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

  /** Verify a refresh token (only tokens this gateway issued: HS256 with `typ: refresh`, in a session). */
  async verifyRefresh(token: string | undefined): Promise<RefreshClaims> {
    const principal = await this.verify(token, 'refresh');
    const { sid, sat, jti } = principal as Partial<RefreshClaims>;
    if (!sid || typeof sat !== 'number' || !jti)
      throw new TokenError('invalid', 'refresh token without a session (issued before sessions)');
    return { ...principal, sid, sat, jti };
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
        payload = this.hs256.verify(token, common);
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
    const principal: Principal & { jti?: string } = {
      sub: payload.sub,
      role: role.data,
      exp: payload.exp ?? 0,
      iat: payload.iat ?? 0,
    };
    // Session claims are ours: only read them from tokens we signed (HS256).
    if (alg === 'HS256') {
      if (typeof payload.sid === 'string') principal.sid = payload.sid;
      if (typeof payload.sat === 'number') principal.sat = payload.sat;
      if (typeof payload.pwv === 'string') principal.pwv = payload.pwv;
      if (typeof payload.jti === 'string') principal.jti = payload.jti;
    }
    return principal;
  }
}
