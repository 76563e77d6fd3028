import {
  AuthStateUnavailableError,
  type AuthState,
  type BucketSpec,
  type NewSession,
  type Revocation,
  type RotateOutcome,
  type TakeResult,
} from './auth-state';
import type { RedisAuthState, RedisAuthStateOptions } from './redis-auth-state';
import type { Principal } from './tokens';

/**
 * The Redis auth state, loaded when the gateway starts: like the Redis event log, `@redis/client`
 * is imported only by a gateway given a Redis URL (the app's embedded gateway never loads it).
 */
export class LazyRedisAuthState implements AuthState {
  readonly kind = 'redis' as const;
  private state: RedisAuthState | null = null;
  private readonly listeners = new Set<(revocation: Revocation) => void>();

  constructor(private readonly options: RedisAuthStateOptions) {}

  get trackedKeys(): number {
    return this.state?.trackedKeys ?? 0;
  }

  async start(): Promise<void> {
    if (this.state) return;
    const { RedisAuthState } = await import('./redis-auth-state');
    const state = new RedisAuthState(this.options);
    state.onRevocation((r) => {
      for (const listener of this.listeners) listener(r);
    });
    this.state = state;
    await state.start();
  }

  async stop(): Promise<void> {
    await this.state?.stop();
  }

  async createSession(session: NewSession, ttlMs: number): Promise<void> {
    return this.started().createSession(session, ttlMs);
  }

  async rotate(
    session: Pick<NewSession, 'sid' | 'sub' | 'sat'>,
    jti: string,
    nextJti: string,
    ttlMs: number,
  ): Promise<RotateOutcome> {
    return this.started().rotate(session, jti, nextJti, ttlMs);
  }

  async revokeUser(sub: string, at: number): Promise<void> {
    return this.started().revokeUser(sub, at);
  }

  isRevoked(principal: Pick<Principal, 'sub' | 'sid' | 'sat' | 'iat'>): boolean {
    return this.state?.isRevoked(principal) ?? false;
  }

  onRevocation(listener: (revocation: Revocation) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async take(key: string, spec: BucketSpec, cost?: number): Promise<TakeResult> {
    return this.started().take(key, spec, cost);
  }

  private started(): RedisAuthState {
    if (!this.state) throw new AuthStateUnavailableError('the Redis auth state is not started');
    return this.state;
  }
}
