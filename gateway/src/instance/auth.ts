import { randomBytes } from 'node:crypto';
import type { GatewayLogger } from '../logger';
import type { GatewayMetrics } from '../metrics';
import type { GatewayOptions } from '../options';
import type { RedisTopology } from '../storage/redis-topology';
import { AuthService } from '../auth/auth-service';
import { MemoryAuthState, type AuthState } from '../auth/auth-state';
import { ClientAddresses } from '../auth/client-address';
import { LazyRedisAuthState } from '../auth/lazy-redis-auth-state';
import { DEFAULT_AUTH_LIMITS, LoginLimiter } from '../auth/login-limiter';
import { TokenService, type IssuedTokens, type Principal } from '../auth/tokens';
import { UserSource } from '../auth/users';
import { demoUsers } from '../demo/demo-accounts';

/**
 * Who may connect, for one instance: the token service, the users (options, file, demo), the
 * sign-in state (in memory, or in Redis to share revocations and limits across instances), the
 * client addresses and the sign-in routes' service, built from the options in one place and
 * started and stopped with the instance.
 */
export class GatewayAuth {
  readonly tokens: TokenService;
  readonly users: UserSource;
  readonly state: AuthState;
  readonly addresses: ClientAddresses;
  readonly service: AuthService;

  private readonly metrics: GatewayMetrics;
  private readonly logger: GatewayLogger;

  constructor(
    private readonly options: GatewayOptions,
    deps: { redis: RedisTopology | null; metrics: GatewayMetrics; logger: GatewayLogger },
  ) {
    const { redis, metrics, logger } = deps;
    this.metrics = metrics;
    this.logger = logger;
    const secret = options.secret ?? (options.demo ? randomBytes(32).toString('hex') : undefined);
    if (!secret)
      throw new Error('a gateway secret is required (LOOKOUT_GATEWAY_SECRET), or run with --demo');
    this.tokens = new TokenService({
      hs256Secret: secret,
      jwks: options.jwks,
      jwksUrl: options.jwksUrl,
      issuer: options.issuer,
      audience: options.audience,
      accessTtlSec: options.accessTtlSec ?? 15 * 60,
      refreshTtlSec: options.refreshTtlSec ?? 7 * 24 * 3600,
    });
    this.users = new UserSource(options.users ?? [], options.usersFile, (reason) => {
      metrics.count('auth.usersFileErrors');
      logger.error('the users file could not be read again; keeping the last good list', {
        reason,
      });
    });
    const limits = { ...DEFAULT_AUTH_LIMITS, ...options.authLimits };
    // A revocation must outlive every token it covers.
    const revocationRetentionMs =
      Math.max(this.tokens.refreshTtlSec, this.tokens.accessTtlSec) * 1000 + 60_000;
    this.state = redis
      ? new LazyRedisAuthState({
          redis,
          revocationRetentionMs,
          maxTrackedKeys: limits.maxTrackedKeys,
          logger,
        })
      : new MemoryAuthState({ revocationRetentionMs, maxTrackedKeys: limits.maxTrackedKeys });
    this.addresses = new ClientAddresses(options.trustedProxies);
    this.service = new AuthService({
      tokens: this.tokens,
      users: this.users,
      state: this.state,
      limiter: new LoginLimiter(this.state, limits),
      addresses: this.addresses,
      secret,
      metrics,
    });
  }

  /** Load the users (a users file that cannot be read stops the start) and open the state. */
  async start(): Promise<void> {
    if (this.options.demo) this.users.addFixed(await demoUsers(this.options.demoPassword));
    await this.users.load();
    await this.state.start();
  }

  stop(): Promise<void> {
    return this.state.stop();
  }

  /** End every session of a user begun before now, on every instance. */
  async revoke(sub: string): Promise<void> {
    await this.state.revokeUser(sub, Date.now());
    this.metrics.count('auth.revocations');
    this.logger.info('user revoked', { sub });
  }

  /** Tokens for a user, as `/auth/login` would issue them. */
  async issueTokens(user: Pick<Principal, 'sub' | 'role'>): Promise<IssuedTokens> {
    return this.service.openSession(user, (await this.users.current()).bySub(user.sub));
  }

  /** Read the users file again now; resolves with the number of users known. */
  async reloadUsers(): Promise<number> {
    return (await this.users.current()).size;
  }
}
