import type { AttemptOutcome, ConnectionState } from './connection';

/**
 * Endpoint health beyond the socket: the words the banner, the tray, the header pill, Settings,
 * the connection check and the support bundle all use.
 *
 * Two facets sit beside the transport state (`ConnectionState`, which drives reconnecting):
 * - **delivery**: whether data reaches us. An open socket that answers pings and acks can still
 *   deliver nothing (a server that lost its Redis subscription is "deaf"); only data, or the
 *   server's own Redis subscription seen from outside, proves delivery.
 * - **auth**: whether the server accepted the stored credentials, verified, not assumed.
 * Neither changes what the engine does next (reconnecting cures no deaf server), so they are facets
 * computed beside the state machine, not more states in it.
 */

export const DELIVERY_STATUSES = [
  'flowing',
  'quiet',
  'unverified',
  'verified',
  'deaf',
  'degraded',
  'offline',
] as const;
/**
 * - `flowing`: data arrived within this backend's normal silence.
 * - `quiet`: no data lately, and silence is normal for this backend right now.
 * - `unverified`: quiet for longer than is normal here, and nothing proves delivery.
 * - `verified`: quiet, but the Redis probe shows the service still holds its subscriptions.
 * - `deaf`: the Redis probe shows the service lost its subscription (it never makes a new one).
 * - `degraded`: the backend itself reports trouble (stats-stream: all zeros and /health 503).
 * - `offline`: not connected; the connection state says why.
 */
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** What `PUBSUB NUMSUB` on the channels the service listens to said. */
export interface RedisProbeResult {
  at: number;
  /**
   * `subscribed`: every channel has its listener; `deaf`: one has none; `reachable`: Redis answers
   * (no channels to count for this backend); `unreachable`: no answer; `error`: it answered with an
   * error (e.g. refused the credentials).
   */
  status: 'subscribed' | 'deaf' | 'reachable' | 'unreachable' | 'error';
  /** Subscribers per channel, as `PUBSUB NUMSUB` counted them. */
  counts: Record<string, number>;
  /** Plain words, e.g. `chat_updates has 0 subscribers (expected at least 1)`. */
  detail: string;
}

export interface DeliveryHealth {
  status: DeliveryStatus;
  /** Last application data (events); pongs, acks, greetings and heartbeats never count. */
  lastDataAt: number | null;
  /** Start of the current silence (last data, or the open when none came since); null when offline. */
  quietSince: number | null;
  /** Longest silence that is normal here while busy (ms); 0 = any silence is normal. */
  quietAfterMs: number;
  /** Why this status, in one sentence (which channel lost its listener, what the backend said…). */
  detail: string;
  /** The last Redis deafness probe, when one is configured for this endpoint. */
  redis: RedisProbeResult | null;
}

export const AUTH_STATUSES = [
  'not-needed',
  'signed-in',
  'refused',
  'not-signed-in',
  'unverified',
] as const;
/**
 * Verified sign-in state: `signed-in` only after the server accepted the credentials (a login that
 * succeeded, or an upgrade it let through); `refused` only when it refused the stored credentials
 * themselves; `unverified` while a stored secret has not been tried yet.
 */
export type AuthStatus = (typeof AUTH_STATUSES)[number];

export interface AuthState {
  status: AuthStatus;
  /** What the server or the provider said, in words that say what to do. */
  detail: string;
  /** When this was last verified (epoch ms). */
  at: number | null;
}

export type CauseLikelihood = 'confirmed' | 'likely' | 'possible' | 'ruled-out';

/** One possible cause of an ambiguous failure (django's HTTP 500 on the upgrade). */
export interface RankedCause {
  id: string;
  likelihood: CauseLikelihood;
  /** The cause and what to do about it. */
  text: string;
  /** What Lookout knows that makes it this likely ("GET /api/auth/me/ answered 200"). */
  evidence: string;
}

/** Everything a banner, the tray and Settings need about one endpoint: small, pushed on change. */
export interface EndpointHealth {
  endpoint: string;
  state: ConnectionState;
  since: number;
  /** How the last attempt ended (kept after a recovery: see `recoveredAt`). */
  lastOutcome: AttemptOutcome | null;
  /** When a connection opened again after `lastOutcome`; null while that failure is current. */
  recoveredAt: number | null;
  nextAttemptAt: number | null;
  delivery: DeliveryHealth;
  auth: AuthState;
  /** For an ambiguous failure: the possible causes, most likely first; empty otherwise. */
  causes: RankedCause[];
}

const LIKELIHOOD_ORDER: Record<CauseLikelihood, number> = {
  confirmed: 0,
  likely: 1,
  possible: 2,
  'ruled-out': 3,
};

/** Causes ordered most likely first (stable within one likelihood). */
export function rankCauses(causes: readonly RankedCause[]): RankedCause[] {
  return [...causes].sort(
    (a, b) => LIKELIHOOD_ORDER[a.likelihood] - LIKELIHOOD_ORDER[b.likelihood],
  );
}

/** Whether an endpoint is proven healthy: connected and its delivery proven or its silence normal. */
export function isHealthy(h: {
  state: ConnectionState;
  delivery: Pick<DeliveryHealth, 'status'>;
}): boolean {
  return (
    h.state === 'open' &&
    (h.delivery.status === 'flowing' ||
      h.delivery.status === 'quiet' ||
      h.delivery.status === 'verified')
  );
}

/** The deaf message every surface shows, word for word. */
export const DEAF_TEXT = 'deaf: the service lost its Redis subscription; restart it';

/** Short labels of the delivery facet. */
export const DELIVERY_LABELS: Record<DeliveryStatus, string> = {
  flowing: 'Data flowing',
  quiet: 'Quiet',
  unverified: 'Delivery unverified',
  verified: 'Quiet, listener verified',
  deaf: 'Deaf',
  degraded: 'Backend degraded',
  offline: 'Not connected',
};

/** Short labels of the verified auth facet (Settings). */
export const AUTH_LABELS: Record<AuthStatus, string> = {
  'not-needed': 'No sign-in needed',
  'signed-in': 'Signed in',
  refused: 'Sign-in refused',
  'not-signed-in': 'Not signed in',
  unverified: 'Not verified yet',
};

/** `45 s`, `6 min`, `2 h 5 min`: coarse, for "quiet for N". */
export function coarseDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1_000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
}

/**
 * One sentence for the delivery facet at `now`, e.g. "Quiet for 6 min, delivery unverified: no
 * Redis probe is configured." or "Deaf: the service lost its Redis subscription; restart it."
 */
export function describeDelivery(d: DeliveryHealth, now: number): string {
  const quietFor = d.quietSince === null ? '' : coarseDuration(now - d.quietSince);
  switch (d.status) {
    case 'flowing':
      return d.lastDataAt === null
        ? 'Data flowing.'
        : `Data flowing (last ${coarseDuration(now - d.lastDataAt)} ago).`;
    case 'quiet':
      return `Quiet${quietFor ? ` for ${quietFor}` : ''}: ${d.detail}`;
    case 'unverified':
      return `Quiet for ${quietFor || 'a while'}, delivery unverified: ${d.detail}`;
    case 'verified':
      return `Quiet${quietFor ? ` for ${quietFor}` : ''}, but the service still holds its Redis subscription: ${d.detail}`;
    case 'deaf':
      return `Deaf: the service lost its Redis subscription; restart it. ${d.detail}`;
    case 'degraded':
      return `Backend degraded: ${d.detail}`;
    case 'offline':
      return 'Not connected.';
  }
}
