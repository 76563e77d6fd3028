import type { AuthState, BucketSpec, TakeResult } from './auth-state';

/** The sign-in limiter's budgets (docs/protocol.md §8). */
export interface AuthLimits {
  /** Sign-in attempts from one client address: `addressBurst` at once, `addressPerMinute` sustained. */
  addressBurst: number;
  addressPerMinute: number;
  /** Failed sign-ins at one account, from any address. */
  accountBurst: number;
  accountPerMinute: number;
  /** Refreshes from one client address (their own bucket: sign-ins never use it up). */
  refreshBurst: number;
  refreshPerMinute: number;
  /** Limiter buckets kept in memory at most (with Redis: only the fallback while it is away). */
  maxTrackedKeys: number;
}

export const DEFAULT_AUTH_LIMITS: AuthLimits = {
  addressBurst: 30,
  addressPerMinute: 30,
  accountBurst: 10,
  // Ten guesses, then one every 90 s: about 960 a day at most, whatever the number of addresses.
  accountPerMinute: 2 / 3,
  refreshBurst: 60,
  refreshPerMinute: 60,
  maxTrackedKeys: 20_000,
};

/** Why an attempt was refused, and for how long. */
export type LimitVerdict =
  { ok: true } | { ok: false; scope: 'address' | 'account'; retryAfterSec: number };

/**
 * Per account and per client address, so one person's typos behind a NAT lock out only their own
 * account, and one address cannot try every account; refreshes have a bucket of their own. The
 * account bucket counts failures only: it is taken before the password is checked (so parallel
 * guesses cannot all slip through) and given back when the password was right.
 */
export class LoginLimiter {
  private readonly address: BucketSpec;
  private readonly account: BucketSpec;
  private readonly refreshes: BucketSpec;

  constructor(
    private readonly state: AuthState,
    limits: AuthLimits,
  ) {
    this.address = { burst: limits.addressBurst, perMinute: limits.addressPerMinute };
    this.account = { burst: limits.accountBurst, perMinute: limits.accountPerMinute };
    this.refreshes = { burst: limits.refreshBurst, perMinute: limits.refreshPerMinute };
  }

  /** Any sign-in request from this address (cheap malformed ones too). */
  async addressAttempt(address: string): Promise<LimitVerdict> {
    return verdict('address', await this.state.take(`login:addr:${address}`, this.address));
  }

  /** A password is about to be checked for this account. */
  async accountAttempt(username: string): Promise<LimitVerdict> {
    return verdict('account', await this.state.take(accountKey(username), this.account));
  }

  /** The password was right: the attempt does not count against the account. */
  async accountSucceeded(username: string): Promise<void> {
    await this.state.take(accountKey(username), this.account, -1);
  }

  async refreshAttempt(address: string): Promise<LimitVerdict> {
    return verdict('address', await this.state.take(`refresh:addr:${address}`, this.refreshes));
  }
}

function accountKey(username: string): string {
  return `login:acct:${username.trim().toLowerCase()}`;
}

function verdict(scope: 'address' | 'account', result: TakeResult): LimitVerdict {
  return result.ok
    ? { ok: true }
    : { ok: false, scope, retryAfterSec: Math.max(1, result.retryAfterSec) };
}
