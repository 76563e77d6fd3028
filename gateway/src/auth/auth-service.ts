import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import {
  loginRequestSchema,
  refreshRequestSchema,
  type Role,
} from '../../../shared/protocol/lookout-wire';
import { readJson, sendError, sendJson } from '../http/http-util';
import type { GatewayMetrics } from '../metrics';
import { AuthStateUnavailableError, type AuthState } from './auth-state';
import type { ClientAddresses } from './client-address';
import type { LimitVerdict, LoginLimiter } from './login-limiter';
import { TokenError, type IssuedTokens, type Principal, type TokenService } from './tokens';
import { credentialVersion, type UserRecord, type UserSource } from './users';

/** What the auth routes work with; one place builds it (the gateway). */
export interface AuthServiceDeps {
  tokens: TokenService;
  users: UserSource;
  state: AuthState;
  limiter: LoginLimiter;
  addresses: ClientAddresses;
  /** The HS256 secret: keys the password fingerprint in tokens. */
  secret: string;
  metrics: GatewayMetrics;
}

const revokeRequestSchema = z.object({ sub: z.string().min(1).max(200) }).strict();

/** How long an upgrade may use a users list before checking the file again. */
const UPGRADE_USERS_MAX_AGE_MS = 1_000;

/**
 * Sign-in, refresh and revocation (docs/protocol.md §8), and the check every upgrade passes.
 *
 * - A session begins at sign-in: its tokens carry its id (`sid`), its start (`sat`) and a
 *   fingerprint of the password it was opened with (`pwv`).
 * - A refresh checks the users list as it is now (a removed user or a changed password ends the
 *   session; the role comes from the list, never from the token), then rotates: each refresh token
 *   works once, and presenting an older one revokes the whole session (someone holds a copy).
 * - A revocation ends every session of a user begun before it; sockets they opened are closed by
 *   the gateway, on every instance (the state pushes revocations to all).
 */
export class AuthService {
  constructor(private readonly deps: AuthServiceDeps) {}

  async login(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { limiter, metrics } = this.deps;
    const address = this.deps.addresses.of(req);
    if (!this.allowed(res, await limiter.addressAttempt(address))) return;
    const body = loginRequestSchema.safeParse(await readJson(req, 16 * 1024));
    if (!body.success)
      return sendError(res, 400, 'bad-request', 'expected {"username","password"}');
    const { username, password } = body.data;
    if (!this.allowed(res, await limiter.accountAttempt(username))) return;
    const users = await this.deps.users.current();
    const user = await users.authenticate(username, password);
    if (!user) {
      metrics.count('auth.loginFailures');
      return sendError(res, 401, 'bad-credentials', 'unknown user or wrong password');
    }
    await limiter.accountSucceeded(username);
    const issued = await this.guarded(res, () => this.openSession(user, user));
    if (!issued) return;
    metrics.count('auth.logins');
    sendJson(res, 200, { ...issued, user: { sub: user.sub, role: user.role } });
  }

  async refresh(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { limiter, metrics, tokens } = this.deps;
    if (!this.allowed(res, await limiter.refreshAttempt(this.deps.addresses.of(req)))) return;
    const body = refreshRequestSchema.safeParse(await readJson(req, 16 * 1024));
    if (!body.success) return sendError(res, 400, 'bad-request', 'expected {"refresh"}');
    const refused = (error: string, message: string) => {
      metrics.count(`auth.refreshRefused.${error}`);
      sendError(res, 401, error, `${message}; sign in again`);
    };
    let claims;
    try {
      claims = await tokens.verifyRefresh(body.data.refresh);
    } catch (error) {
      const reason = error instanceof TokenError ? error.reason : 'invalid';
      return reason === 'expired'
        ? refused('refresh-expired', 'the refresh token expired')
        : refused('bad-token', 'the refresh token is not valid here');
    }
    // The users list as it is now: no fallback to what the token says.
    const user = (await this.deps.users.current()).bySub(claims.sub);
    if (!user) return refused('user-unknown', 'this user is no longer known to the gateway');
    if (claims.pwv !== credentialVersion(this.deps.secret, user))
      return refused('credentials-changed', 'the password changed since this session began');
    const nextJti = randomUUID();
    const outcome = await this.guarded(res, () =>
      this.deps.state.rotate(claims, claims.jti, nextJti, tokens.refreshTtlSec * 1000),
    );
    if (outcome === null) return;
    switch (outcome) {
      case 'unknown':
        return refused('session-unknown', 'this session is not known (expired or ended)');
      case 'revoked':
        return refused('revoked', 'this session was revoked');
      case 'reused':
        return refused(
          'refresh-reused',
          'this refresh token was already used: the session is revoked',
        );
      case 'ok':
        break;
    }
    const issued = await tokens.issue(
      { sub: user.sub, role: user.role },
      { sid: claims.sid, sat: claims.sat, pwv: credentialVersion(this.deps.secret, user) },
      nextJti,
    );
    metrics.count('auth.refreshes');
    sendJson(res, 200, { ...issued, user: { sub: user.sub, role: user.role } });
  }

  /**
   * `POST /auth/revoke` `{"sub"}` (the caller checked the operator key): ends every session of the
   * user; `close` closes this instance's sockets of it and says how many.
   */
  async revokeRoute(
    req: IncomingMessage,
    res: ServerResponse,
    revoke: (sub: string) => Promise<number>,
  ): Promise<void> {
    const body = revokeRequestSchema.safeParse(await readJson(req, 16 * 1024));
    if (!body.success) return sendError(res, 400, 'bad-request', 'expected {"sub"}');
    const at = Date.now();
    const closed = await this.guarded(res, () => revoke(body.data.sub));
    if (closed === null) return;
    sendJson(res, 200, { sub: body.data.sub, revokedAt: at, closed });
  }

  /** A new session for a user (sign-in; embedders' `issueTokens`). */
  async openSession(
    user: { sub: string; role: Role },
    record: UserRecord | undefined,
  ): Promise<IssuedTokens> {
    const session = { sid: randomUUID(), sat: Date.now() };
    const jti = randomUUID();
    await this.deps.state.createSession(
      { ...session, sub: user.sub, jti },
      this.deps.tokens.refreshTtlSec * 1000,
    );
    const pwv = record ? credentialVersion(this.deps.secret, record) : undefined;
    return this.deps.tokens.issue(user, { ...session, pwv }, jti);
  }

  /** Why a verified access token may not open a socket now (`null`: it may). */
  async upgradeRefusal(principal: Principal): Promise<string | null> {
    if (this.deps.state.isRevoked(principal)) return 'this session was revoked';
    if (principal.pwv === undefined) return null;
    const user = (await this.deps.users.current(UPGRADE_USERS_MAX_AGE_MS)).bySub(principal.sub);
    if (!user) return 'this user is no longer known to the gateway';
    if (principal.pwv !== credentialVersion(this.deps.secret, user))
      return 'the password changed since this session began';
    return null;
  }

  private allowed(res: ServerResponse, verdict: LimitVerdict): boolean {
    if (verdict.ok) return true;
    this.deps.metrics.count(`auth.rateLimited.${verdict.scope}`);
    sendError(
      res,
      429,
      'rate-limited',
      verdict.scope === 'account'
        ? `too many failed sign-ins for this account; try again in ${verdict.retryAfterSec} s`
        : `too many attempts from this address; try again in ${verdict.retryAfterSec} s`,
      { 'retry-after': String(verdict.retryAfterSec) },
    );
    return false;
  }

  /** Run something that needs the shared auth state; answer 503 when it is unreachable. */
  private async guarded<T>(res: ServerResponse, fn: () => Promise<T>): Promise<T | null> {
    try {
      return await fn();
    } catch (error) {
      if (!(error instanceof AuthStateUnavailableError)) throw error;
      this.deps.metrics.count('auth.stateUnavailable');
      sendError(res, 503, 'storage-unavailable', 'session storage is unavailable; retry later', {
        'retry-after': '1',
      });
      return null;
    }
  }
}
