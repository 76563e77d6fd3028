import type { GatewayLogger } from '../logger';
import { describeRedisError as describe } from '../storage/redis-client';
import { connectRedis, type RedisConnection } from '../storage/redis-connection';
import { slotTag, type RedisTopology } from '../storage/redis-topology';
import {
  AuthStateUnavailableError,
  BoundedBuckets,
  RevocationMirror,
  type AuthState,
  type BucketSpec,
  type NewSession,
  type Revocation,
  type RotateOutcome,
  type TakeResult,
} from './auth-state';
import type { Principal } from './tokens';

/*
 * Keys (prefix `lookout:auth:`; `lookout:{auth}:` in a Cluster, so that the scripts, which touch a
 * session, the user's session set and the revocation sets together, find them in one slot):
 *   session:<sid>      the session's current refresh token id, expiring with it
 *   sessions:<sub>     zset of the user's sessions (score: start ms), for the per-user cap and revocation
 *   revoked:users      zset sub → revoked-at ms        revoked:sessions  zset sid → revoked-at ms
 *   bucket:<key>       hash {t: tokens, ts: ms} of a limiter bucket, expiring once full again
 * Channel `lookout:auth:revocations` carries each revocation as JSON to every instance.
 */

const CREATE_SCRIPT = `
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
local extra = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[5])
if extra > 0 then
  for _, sid in ipairs(redis.call('ZRANGE', KEYS[2], 0, extra - 1)) do
    redis.call('DEL', ARGV[6] .. sid)
  end
  redis.call('ZREMRANGEBYRANK', KEYS[2], 0, extra - 1)
end
return 1
`;

/**
 * KEYS: session, revoked:users, revoked:sessions, sessions:<sub>
 * ARGV: presented jti, next jti, ttl ms, sid, sub, sat, channel
 */
const ROTATE_SCRIPT = `
if redis.call('ZSCORE', KEYS[3], ARGV[4]) then return 'revoked' end
local userAt = redis.call('ZSCORE', KEYS[2], ARGV[5])
if userAt and tonumber(userAt) >= tonumber(ARGV[6]) then return 'revoked' end
local cur = redis.call('GET', KEYS[1])
if not cur then return 'unknown' end
if cur ~= ARGV[1] then
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  redis.call('DEL', KEYS[1])
  redis.call('ZREM', KEYS[4], ARGV[4])
  redis.call('ZADD', KEYS[3], now, ARGV[4])
  redis.call('PUBLISH', ARGV[7], cjson.encode({kind = 'session', sid = ARGV[4], at = now}))
  return 'reused'
end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 'ok'
`;

/**
 * KEYS: revoked:users, sessions:<sub>, revoked:sessions   ARGV: sub, at, channel, retention ms, session prefix
 */
const REVOKE_USER_SCRIPT = `
local cur = redis.call('ZSCORE', KEYS[1], ARGV[1])
if (not cur) or tonumber(cur) < tonumber(ARGV[2]) then redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1]) end
for _, sid in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do redis.call('DEL', ARGV[5] .. sid) end
redis.call('DEL', KEYS[2])
local old = tonumber(ARGV[2]) - tonumber(ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', old)
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', old)
redis.call('PUBLISH', ARGV[3], cjson.encode({kind = 'user', sub = ARGV[1], at = tonumber(ARGV[2])}))
return 1
`;

/** Token bucket on Redis time (instances' clocks may differ). ARGV: burst, perMinute, cost. */
const TAKE_SCRIPT = `
local burst = tonumber(ARGV[1])
local rate = tonumber(ARGV[2]) / 60000
local cost = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local b = redis.call('HMGET', KEYS[1], 't', 'ts')
local tokens = tonumber(b[1]) or burst
local ts = tonumber(b[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - ts) * rate)
local ok = 0
if cost <= 0 or tokens >= cost then
  tokens = math.min(burst, tokens - cost)
  ok = 1
end
if tokens >= burst then
  redis.call('DEL', KEYS[1])
else
  redis.call('HSET', KEYS[1], 't', tostring(tokens), 'ts', now)
  redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) / rate) + 1000)
end
return {ok, tostring(tokens)}
`;

export interface RedisAuthStateOptions {
  redis: RedisTopology;
  revocationRetentionMs: number;
  /** Buckets of the local fallback used while Redis is unreachable. */
  maxTrackedKeys: number;
  maxSessionsPerUser?: number;
  keyPrefix?: string;
  logger: GatewayLogger;
}

/**
 * Auth state in Redis, shared by every instance. Sessions and limiter buckets are read and written
 * atomically by Lua scripts; revocations are stored (to load at start) and published (to act on
 * at once). While Redis is unreachable, sign-in and refresh answer 503 (a session cannot be
 * checked or recorded), the limiter falls back to this instance's memory, and the upgrade check
 * keeps using the revocations it already knows.
 */
export class RedisAuthState implements AuthState {
  readonly kind = 'redis' as const;
  private readonly conn: RedisConnection;
  private readonly mirror: RevocationMirror;
  private readonly fallback: BoundedBuckets;
  private readonly prefix: string;
  private readonly channel: string;
  private fallbackWarned = false;

  constructor(private readonly options: RedisAuthStateOptions) {
    this.prefix = `${options.keyPrefix ?? 'lookout'}:${slotTag(options.redis, 'auth')}:`;
    this.channel = `${this.prefix}revocations`;
    this.mirror = new RevocationMirror(options.revocationRetentionMs);
    this.fallback = new BoundedBuckets(options.maxTrackedKeys);
    this.conn = connectRedis(options.redis);
    this.conn.onError(() => undefined);
    // After every (re)connection: what was revoked while we were away is loaded again.
    this.conn.onReady(() => void this.loadRevocations());
  }

  get trackedKeys(): number {
    return this.fallback.size;
  }

  async start(): Promise<void> {
    const ready = this.conn.connect().then(
      async () => {
        await this.conn.subscribe(this.channel, (message) => this.onMessage(message));
        await this.loadRevocations();
      },
      () => undefined,
    );
    await Promise.race([ready, new Promise((resolve) => setTimeout(resolve, 3_000))]);
  }

  async stop(): Promise<void> {
    this.conn.destroy();
  }

  async createSession(session: NewSession, ttlMs: number): Promise<void> {
    await this.run(
      CREATE_SCRIPT,
      [this.key('session', session.sid), this.key('sessions', session.sub)],
      [
        session.jti,
        String(ttlMs),
        String(session.sat),
        session.sid,
        String(this.options.maxSessionsPerUser ?? 50),
        `${this.prefix}session:`,
      ],
    );
  }

  async rotate(
    session: Pick<NewSession, 'sid' | 'sub' | 'sat'>,
    jti: string,
    nextJti: string,
    ttlMs: number,
  ): Promise<RotateOutcome> {
    const reply = await this.run(
      ROTATE_SCRIPT,
      [
        this.key('session', session.sid),
        `${this.prefix}revoked:users`,
        `${this.prefix}revoked:sessions`,
        this.key('sessions', session.sub),
      ],
      [jti, nextJti, String(ttlMs), session.sid, session.sub, String(session.sat), this.channel],
    );
    const outcome = String(reply) as RotateOutcome;
    // Known here at once; the other instances hear it from the script's PUBLISH.
    if (outcome === 'reused')
      this.mirror.add({ kind: 'session', sid: session.sid, at: Date.now() });
    return outcome;
  }

  async revokeUser(sub: string, at: number): Promise<void> {
    await this.run(
      REVOKE_USER_SCRIPT,
      [`${this.prefix}revoked:users`, this.key('sessions', sub), `${this.prefix}revoked:sessions`],
      [
        sub,
        String(at),
        this.channel,
        String(this.options.revocationRetentionMs),
        `${this.prefix}session:`,
      ],
    );
    // Known here at once, whether or not our own subscription delivers it first.
    this.mirror.add({ kind: 'user', sub, at });
  }

  isRevoked(principal: Pick<Principal, 'sub' | 'sid' | 'sat' | 'iat'>): boolean {
    return this.mirror.isRevoked(principal);
  }

  onRevocation(listener: (revocation: Revocation) => void): () => void {
    return this.mirror.onRevocation(listener);
  }

  async take(key: string, spec: BucketSpec, cost = 1): Promise<TakeResult> {
    try {
      const reply = (await this.conn.eval(
        TAKE_SCRIPT,
        [this.key('bucket', key)],
        [String(spec.burst), String(spec.perMinute), String(cost)],
      )) as [number, string];
      const tokens = Number(reply[1]);
      const ok = Number(reply[0]) === 1;
      return { ok, retryAfterSec: ok ? 0 : Math.ceil((1 - tokens) / (spec.perMinute / 60)) };
    } catch (error) {
      // Limits still apply while Redis is away, per instance.
      if (!this.fallbackWarned)
        this.options.logger.warn('sign-in limits are per instance while Redis is unreachable', {
          reason: describe(error),
        });
      this.fallbackWarned = true;
      return this.fallback.take(key, spec, cost);
    }
  }

  private async run(script: string, keys: string[], args: string[]): Promise<unknown> {
    try {
      return await this.conn.eval(script, keys, args);
    } catch (error) {
      throw new AuthStateUnavailableError(`redis unavailable: ${describe(error)}`);
    }
  }

  private async loadRevocations(): Promise<void> {
    try {
      const now = Date.now();
      for (const [kind, name] of [
        ['user', 'revoked:users'],
        ['session', 'revoked:sessions'],
      ] as const) {
        const key = `${this.prefix}${name}`;
        const reply = await this.conn.command(key, ['ZRANGE', key, '0', '-1', 'WITHSCORES']);
        for (const { value, score } of withScores(reply))
          this.mirror.add(
            kind === 'user' ? { kind, sub: value, at: score } : { kind, sid: value, at: score },
            now,
          );
      }
      this.fallbackWarned = false;
    } catch (error) {
      this.options.logger.warn('could not load revocations from Redis; will retry on reconnect', {
        reason: describe(error),
      });
    }
  }

  private onMessage(message: string): void {
    try {
      const r = JSON.parse(message) as Partial<Revocation> & { sub?: unknown; sid?: unknown };
      if (typeof r.at !== 'number') return;
      if (r.kind === 'user' && typeof r.sub === 'string')
        this.mirror.add({ kind: 'user', sub: r.sub, at: r.at });
      if (r.kind === 'session' && typeof r.sid === 'string')
        this.mirror.add({ kind: 'session', sid: r.sid, at: r.at });
    } catch {
      this.options.logger.warn('ignoring an unreadable revocation message');
    }
  }

  private key(kind: 'session' | 'sessions' | 'bucket', id: string): string {
    return `${this.prefix}${kind}:${id}`;
  }
}

/** A `ZRANGE … WITHSCORES` reply (flat in RESP2, pairs in RESP3) as members and scores. */
function withScores(reply: unknown): Array<{ value: string; score: number }> {
  if (!Array.isArray(reply)) return [];
  if (reply.every((r) => Array.isArray(r)))
    return (reply as unknown[][]).map(([v, s]) => ({ value: String(v), score: Number(s) }));
  const out: Array<{ value: string; score: number }> = [];
  for (let i = 0; i + 1 < reply.length; i += 2)
    out.push({ value: String(reply[i]), score: Number(reply[i + 1]) });
  return out;
}
