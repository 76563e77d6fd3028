/** Pure: whether data is really flowing on an open connection (delivery health), from facts the session gathers. */
import type { DeliveryHealth, RedisProbeResult } from '../../../shared/model/health';
import type { DeliveryFacts } from './session';

export interface DeliveryInput {
  facts: DeliveryFacts;
  /** The dialect's sentence on what silence means there. */
  silence: string;
  /** The last Redis deafness probe, when one is configured. */
  redis: RedisProbeResult | null;
  /** Whether a Redis probe is configured for this endpoint at all. */
  hasProbe: boolean;
  /** What the backend itself says is wrong (stats-stream: zeros and /health 503), or null. */
  degraded: string | null;
  /** Why nothing can arrive as configured although the socket is open (an anonymous socket), or null. */
  caveat: string | null;
}

/**
 * The one decision of the delivery facet, pure: deaf beats everything (even flowing snapshots,
 * because the messages that matter are the ones its dead listener drops), then the backend's own
 * degraded report, then a connection that cannot receive as configured, then silence judged by the
 * dialect's window, proven by the Redis probe or else honestly "unverified". Only data proves
 * flowing; a pong or an ack never does.
 */
export function deliveryHealth(input: DeliveryInput): DeliveryHealth {
  const { facts, redis } = input;
  const base = {
    lastDataAt: facts.lastDataAt,
    quietSince: facts.silentSince,
    quietAfterMs: facts.quietAfterMs,
    redis,
  };
  if (!facts.open) return { ...base, status: 'offline', detail: 'The socket is not open.' };
  if (redis?.status === 'deaf') return { ...base, status: 'deaf', detail: redis.detail };
  if (input.degraded) return { ...base, status: 'degraded', detail: input.degraded };
  if (input.caveat) return { ...base, status: 'unverified', detail: input.caveat };
  if (facts.quietTooLong) {
    const since = facts.silentSince ?? 0;
    if (redis?.status === 'subscribed' && redis.at >= since) {
      return { ...base, status: 'verified', detail: redis.detail };
    }
    return {
      ...base,
      status: 'unverified',
      detail: !input.hasProbe
        ? `no Redis probe is configured for this endpoint, so nothing proves delivery. ${input.silence}`
        : redis && redis.at >= since
          ? `the Redis probe could not check it: ${redis.detail}`
          : 'waiting for the Redis probe.',
    };
  }
  const dataOnThisConnection =
    facts.lastDataAt !== null && facts.openedAt !== null && facts.lastDataAt >= facts.openedAt;
  if (dataOnThisConnection) return { ...base, status: 'flowing', detail: 'Data arrives.' };
  return {
    ...base,
    status: 'quiet',
    detail: facts.idle
      ? input.silence
      : `no data yet since it connected, within the normal window. ${input.silence}`,
  };
}
