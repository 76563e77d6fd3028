/** Connection states of one endpoint session: an explicit state machine, one `state` event per change. */
export const CONNECTION_STATES = [
  'idle',
  'connecting',
  'open',
  'stale',
  'backing-off',
  'auth-required',
  'stopped',
] as const;
export type ConnectionState = (typeof CONNECTION_STATES)[number];

/**
 * What should happen after a connection attempt ended: decided by the close policy table.
 * `refresh-token` and `sign-in` renew the credentials once per incident when they can, and ask the
 * user only when the server refuses the renewed ones; `reauth-once` is for an ambiguous refusal
 * (django's HTTP 500): renew once per incident, then keep backing off, never ask.
 */
export const CLOSE_ACTIONS = [
  'retry-now',
  'back-off',
  'refresh-token',
  'sign-in',
  'reauth-once',
  'stop',
] as const;
export type CloseAction = (typeof CLOSE_ACTIONS)[number];

/** Why the session moved: the same vocabulary the diagnostics panel explains. */
export interface StateChange {
  endpoint: string;
  from: ConnectionState;
  to: ConnectionState;
  reason: string;
  at: number;
}

/** How one attempt ended, in terms the support person can read. */
export interface AttemptOutcome {
  /** HTTP status of a rejected upgrade (401, 403, 500…), when the handshake itself failed. */
  handshakeStatus?: number;
  closeCode?: number;
  closeReason?: string;
  /** Transport error (ECONNREFUSED, timeout…), when there was no close frame. */
  error?: string;
  meaning: string;
  action: CloseAction;
}

export type AttemptTrigger =
  | 'start'
  | 'backoff'
  | 'network-online'
  | 'resume'
  | 'manual'
  | 'stale'
  | 'dead-peer'
  | 'token-refreshed'
  | 'failover';

/** What the upgrade request carried (never the secrets): the facts a 403 explanation rests on. */
export interface HandshakeSent {
  /** The `Origin` header sent, if any. */
  origin?: string;
  /** Which credentials went along. */
  credentials: 'none' | 'cookie' | 'token';
}

/** One connection attempt, as kept in the reconnect journal. */
export interface AttemptRecord {
  n: number;
  trigger: AttemptTrigger;
  /** Delay chosen by the backoff before this attempt, ms (0 for immediate). */
  delayMs: number;
  url: string;
  startedAt: number;
  openedAt?: number;
  endedAt?: number;
  /** Response headers of the upgrade, secrets redacted. */
  handshakeHeaders?: Record<string, string>;
  /** What our upgrade request carried (Origin, kind of credentials). */
  sent?: HandshakeSent;
  outcome?: AttemptOutcome;
}

export type FrameDirection = 'in' | 'out';

/** One frame in the bounded frame log. The preview is redacted and truncated; never the raw frame. */
export interface FrameRecord {
  at: number;
  dir: FrameDirection;
  size: number;
  preview: string;
  /** Why the frame was rejected, when it was (non-JSON, oversized, schema, unknown type). */
  rejected?: string;
}

export interface RttSummary {
  samples: number;
  lastMs: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  /** The most recent samples, oldest first, for the small chart. */
  recent: Array<{ at: number; ms: number }>;
}

export interface SessionCounters {
  framesIn: number;
  framesOut: number;
  bytesIn: number;
  bytesOut: number;
  rejectedFrames: number;
  reconnects: number;
  events: number;
}

/** Health of one channel (subscription) of an endpoint. */
export interface ChannelHealth {
  name: string;
  /** Configured to be subscribed (re-sent after every reconnect). */
  subscribed: boolean;
  /** The server confirmed the subscription on the current connection (where the protocol acks). */
  acknowledged: boolean;
  /** The server refused the subscription on the current connection, in its own words. */
  refused: string | null;
  events: number;
  lastEventAt: number | null;
}

/** Everything the diagnostics panel shows about one endpoint: plain JSON. */
export interface SessionDiagnostics {
  endpoint: string;
  dialect: string;
  url: string;
  state: ConnectionState;
  since: number;
  /** Last frame of any kind (from the recorder's frame log). */
  lastMessageAt: number | null;
  /** Last application data (events): what proves delivery. Pongs, acks and greetings never count. */
  lastDataAt: number | null;
  /** Last sign of life on the link: any frame or a pong. */
  lastFrameAt: number | null;
  /** When a connection opened after the last failed attempt; null while that failure is current. */
  recoveredAt: number | null;
  stale: boolean;
  counters: SessionCounters;
  rtt: RttSummary;
  lastOutcome: AttemptOutcome | null;
  timeline: StateChange[];
  attempts: AttemptRecord[];
  frames: FrameRecord[];
  /** Counted rejection reasons: `non-json: 3`, `oversized: 1`… */
  rejections: Record<string, number>;
  /** Server-side error replies seen (e.g. `Unknown action: subscribe`). */
  serverErrors: Array<{ at: number; message: string }>;
  subscriptions: string[];
  /** Per channel: subscribed, acknowledged, events and the last one's time. */
  channels: ChannelHealth[];
  /** When the next attempt starts (epoch ms) while backing off; null otherwise. */
  nextAttemptAt: number | null;
  /** Server clock minus ours (ms), from the greeting's server time, when the protocol sends one. */
  clockSkewMs: number | null;
  /** How this backend keeps connections alive, in one line (from the dialect). */
  keepalive: string;
}
