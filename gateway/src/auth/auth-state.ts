import type { Principal } from './tokens';

/**
 * Where the gateway keeps what authentication must remember: sessions (the one valid refresh
 * token of each, for rotation with reuse detection), revocations, and the sign-in limiter's
 * buckets. In this process by default (`MemoryAuthState`); in Redis when the gateway uses Redis
 * (`RedisAuthState`), so that every instance honours the same state.
 *
 * Revocations are also mirrored in every instance's memory (`RevocationMirror`) and pushed to all
 * instances as they happen, so the upgrade check needs no I/O and the sockets a revocation ends
 * are closed on every instance at once.
 */

/** Thrown when the shared store (Redis) cannot be reached for something that must not be decided locally. */
export class AuthStateUnavailableError extends Error {
  override readonly name = 'AuthStateUnavailableError';
}

/** Outcome of presenting a refresh token. */
export type RotateOutcome =
  /** It was the session's current one: the next one is now current. */
  | 'ok'
  /** No such session (expired, evicted, or kept by an instance that restarted without Redis). */
  | 'unknown'
  /** An older refresh token of a live session: someone holds a copy. The session is now revoked. */
  | 'reused'
  /** The session or its user was revoked. */
  | 'revoked';

export type Revocation =
  { kind: 'user'; sub: string; at: number } | { kind: 'session'; sid: string; at: number };

/** A session as it is created at sign-in. */
export interface NewSession {
  sid: string;
  sub: string;
  /** When it began (epoch ms); travels in its tokens as `sat`. */
  sat: number;
  /** Id of its first refresh token. */
  jti: string;
}

/** A token bucket: `burst` at once, refilled at `perMinute`. */
export interface BucketSpec {
  burst: number;
  perMinute: number;
}

export interface TakeResult {
  ok: boolean;
  /** Seconds until one token is back (for `Retry-After`). */
  retryAfterSec: number;
}

export interface AuthState {
  readonly kind: 'memory' | 'redis';
  start(): Promise<void>;
  stop(): Promise<void>;
  createSession(session: NewSession, ttlMs: number): Promise<void>;
  /** Present refresh token `jti` of a session; on 'ok' `nextJti` is the one valid next. */
  rotate(
    session: Pick<NewSession, 'sid' | 'sub' | 'sat'>,
    jti: string,
    nextJti: string,
    ttlMs: number,
  ): Promise<RotateOutcome>;
  /** End every session of a user begun up to `at` (and the tokens they hold). */
  revokeUser(sub: string, at: number): Promise<void>;
  /** From the local mirror, no I/O: does a revocation cover this principal's token? */
  isRevoked(principal: Pick<Principal, 'sub' | 'sid' | 'sat' | 'iat'>): boolean;
  /** Every revocation, from this instance or another (to close the sockets it covers). */
  onRevocation(listener: (revocation: Revocation) => void): () => void;
  /** Take `cost` tokens (negative: give back) from the bucket `key`. */
  take(key: string, spec: BucketSpec, cost?: number): Promise<TakeResult>;
  /** Buckets this instance holds in memory (bounded). */
  readonly trackedKeys: number;
}

/**
 * The revocations every instance knows, pruned once no token they could cover is still valid
 * (`retentionMs`, the longest token lifetime).
 */
export class RevocationMirror {
  private readonly users = new Map<string, number>();
  private readonly sessions = new Map<string, number>();
  private readonly listeners = new Set<(revocation: Revocation) => void>();

  constructor(private readonly retentionMs: number) {}

  /** Record a revocation; listeners hear it once (a repeat of a known one is ignored). */
  add(revocation: Revocation, now = Date.now()): void {
    const map = revocation.kind === 'user' ? this.users : this.sessions;
    const key = revocation.kind === 'user' ? revocation.sub : revocation.sid;
    if ((map.get(key) ?? -1) >= revocation.at) return;
    map.set(key, revocation.at);
    this.prune(now);
    for (const listener of this.listeners) listener(revocation);
  }

  isRevoked(p: Pick<Principal, 'sub' | 'sid' | 'sat' | 'iat'>): boolean {
    if (p.sid !== undefined && this.sessions.has(p.sid)) return true;
    const userAt = this.users.get(p.sub);
    if (userAt === undefined) return false;
    // Our tokens carry when their session began (ms); others only `iat` (s): a token issued in
    // the second of the revocation counts as revoked.
    return p.sat !== undefined ? p.sat <= userAt : p.iat * 1000 <= userAt;
  }

  onRevocation(listener: (revocation: Revocation) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get size(): number {
    return this.users.size + this.sessions.size;
  }

  prune(now = Date.now()): void {
    for (const map of [this.users, this.sessions])
      for (const [key, at] of map) if (now - at > this.retentionMs) map.delete(key);
  }
}

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Token buckets in memory, bounded by `maxKeys` without letting a flood of one-off keys wipe the
 * state that matters. Keys are kept in two LRU segments: a key seen once lives in `probation`; a
 * key with two or more tokens taken (an account being guessed at, a busy address) moves to
 * `protected`. One-off keys only ever push out other one-off keys, so an attacker cannot clear a
 * locked account by sending a million requests from a million addresses.
 */
export class BoundedBuckets {
  private readonly probation = new Map<string, Bucket>();
  private readonly guarded = new Map<string, Bucket>();
  private readonly segmentMax: number;

  constructor(maxKeys: number) {
    this.segmentMax = Math.max(1, Math.floor(maxKeys / 2));
  }

  get size(): number {
    return this.probation.size + this.guarded.size;
  }

  take(key: string, spec: BucketSpec, cost = 1, now = Date.now()): TakeResult {
    const rate = spec.perMinute / 60_000;
    const found = this.guarded.get(key) ?? this.probation.get(key);
    const bucket = found ?? { tokens: spec.burst, at: now };
    bucket.tokens = Math.min(spec.burst, bucket.tokens + (now - bucket.at) * rate);
    bucket.at = now;
    const ok = cost <= 0 || bucket.tokens >= cost;
    if (ok) bucket.tokens = Math.min(spec.burst, bucket.tokens - cost);
    this.place(key, bucket, spec.burst);
    return { ok, retryAfterSec: ok ? 0 : Math.ceil((1 - bucket.tokens) / rate / 1000) };
  }

  /** Re-insert at the most recent end of the segment its history earns. */
  private place(key: string, bucket: Bucket, burst: number): void {
    this.probation.delete(key);
    this.guarded.delete(key);
    if (bucket.tokens >= burst) return; // full again: the same as never seen
    const target = bucket.tokens <= burst - 2 ? this.guarded : this.probation;
    target.set(key, bucket);
    if (target.size > this.segmentMax) {
      const oldest = target.keys().next().value;
      if (oldest !== undefined) target.delete(oldest);
    }
  }
}

export interface MemoryAuthStateOptions {
  /** How long revocations are kept: the longest lifetime of a token they could cover. */
  revocationRetentionMs: number;
  /** Limiter buckets kept at most. */
  maxTrackedKeys: number;
  /** Sessions kept per user; signing in once more drops the oldest (its refresh token then answers 401). */
  maxSessionsPerUser?: number;
}

interface StoredSession {
  sub: string;
  jti: string;
  expiresAt: number;
}

/** Auth state of a single instance: sessions and revocations live as long as the process. */
export class MemoryAuthState implements AuthState {
  readonly kind = 'memory' as const;
  private readonly sessions = new Map<string, StoredSession>();
  private readonly byUser = new Map<string, Set<string>>();
  private readonly mirror: RevocationMirror;
  private readonly buckets: BoundedBuckets;
  private readonly maxSessionsPerUser: number;
  private sweeper: ReturnType<typeof setInterval> | null = null;

  constructor(options: MemoryAuthStateOptions) {
    this.mirror = new RevocationMirror(options.revocationRetentionMs);
    this.buckets = new BoundedBuckets(options.maxTrackedKeys);
    this.maxSessionsPerUser = options.maxSessionsPerUser ?? 50;
  }

  get trackedKeys(): number {
    return this.buckets.size;
  }

  async start(): Promise<void> {
    this.sweeper = setInterval(() => this.sweep(), 60_000);
    this.sweeper.unref();
  }

  async stop(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
  }

  async createSession(session: NewSession, ttlMs: number): Promise<void> {
    this.sessions.set(session.sid, {
      sub: session.sub,
      jti: session.jti,
      expiresAt: Date.now() + ttlMs,
    });
    let mine = this.byUser.get(session.sub);
    if (!mine) this.byUser.set(session.sub, (mine = new Set()));
    mine.add(session.sid);
    for (const sid of mine) {
      if (mine.size <= this.maxSessionsPerUser) break;
      mine.delete(sid);
      this.sessions.delete(sid);
    }
  }

  async rotate(
    session: Pick<NewSession, 'sid' | 'sub' | 'sat'>,
    jti: string,
    nextJti: string,
    ttlMs: number,
  ): Promise<RotateOutcome> {
    if (this.mirror.isRevoked({ ...session, iat: 0 })) return 'revoked';
    const stored = this.sessions.get(session.sid);
    if (!stored || stored.expiresAt < Date.now() || stored.sub !== session.sub) return 'unknown';
    if (stored.jti !== jti) {
      this.drop(session.sid, stored.sub);
      this.mirror.add({ kind: 'session', sid: session.sid, at: Date.now() });
      return 'reused';
    }
    stored.jti = nextJti;
    stored.expiresAt = Date.now() + ttlMs;
    return 'ok';
  }

  async revokeUser(sub: string, at: number): Promise<void> {
    for (const sid of this.byUser.get(sub) ?? []) this.sessions.delete(sid);
    this.byUser.delete(sub);
    this.mirror.add({ kind: 'user', sub, at });
  }

  isRevoked(principal: Pick<Principal, 'sub' | 'sid' | 'sat' | 'iat'>): boolean {
    return this.mirror.isRevoked(principal);
  }

  onRevocation(listener: (revocation: Revocation) => void): () => void {
    return this.mirror.onRevocation(listener);
  }

  async take(key: string, spec: BucketSpec, cost = 1): Promise<TakeResult> {
    return this.buckets.take(key, spec, cost);
  }

  private drop(sid: string, sub: string): void {
    this.sessions.delete(sid);
    const mine = this.byUser.get(sub);
    mine?.delete(sid);
    if (mine?.size === 0) this.byUser.delete(sub);
  }

  private sweep(now = Date.now()): void {
    for (const [sid, s] of this.sessions) if (s.expiresAt < now) this.drop(sid, s.sub);
    this.mirror.prune(now);
  }
}
