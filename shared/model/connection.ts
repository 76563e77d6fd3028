import type { TransportFacts } from './transport';
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
  /** What to do about it, where the table says (proxy and TLS failures). */
  advice?: string;
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
  /** The route (direct or which proxy, and why) and the server's certificate chain. */
  transport?: TransportFacts;
  /** The upgrade's request and response (redacted), when the request went out. */
  handshake?: HandshakeExchange;
  outcome?: AttemptOutcome;
}

/**
 * Why an event that arrived was not applied as a new one. Every such event is counted per
 * endpoint and channel and marked on its frame in the frame log: nothing is dropped silently.
 */
export const DROP_REASONS = [
  'already-delivered',
  'duplicate',
  'old-epoch',
  'gap',
  'same-origin',
] as const;
export type DropReason = (typeof DROP_REASONS)[number];

/** What each drop reason means, in the words Diagnostics shows. */
export const DROP_REASON_TEXT: Record<DropReason, string> = {
  'already-delivered':
    'seq at or below the channel cursor: already delivered (a replay overlapping what had arrived)',
  duplicate: 'seen before: this endpoint, channel, epoch and id were applied already',
  'old-epoch': 'from an epoch the channel has left: that history was lost on the server',
  gap: 'came after a gap in the sequence: re-subscribing to fetch what is missing (it comes again)',
  'same-origin':
    'another copy of an occurrence already shown (sent on several channels): its channel was added to that entry',
};

/** Why a channel's history could not be replayed (from a `reset`). */
export type ResetCause =
  /** The server lost the history the cursor belongs to (restarted in memory, storage emptied). */
  | 'history-lost'
  /** The history is there but no longer reaches back to the cursor (away too long). */
  | 'too-old';

/** A channel whose history could not be replayed, as the session reports it. */
export interface ChannelReset {
  channel: string;
  cause: ResetCause;
  /** The incarnation the client left (lookout: the old epoch), when the server has epochs. */
  leftEpoch?: string;
}

export type FrameDirection = 'in' | 'out';

/**
 * What a frame-log row is: a data frame (text or binary) or a control frame (a WebSocket ping, a
 * pong, the close: a close row also stands for a connection lost without a close frame, 1006).
 */
export type FrameKind = 'text' | 'binary' | 'ping' | 'pong' | 'close';

/** A session's diagnostics with the newest frame log rows, as the support bundle has them. */
export type SessionDiagnosticsWithFrames = SessionDiagnostics & { frames: FrameRecord[] };

/** One frame in the bounded frame log. The preview is redacted and truncated; never the raw frame. */
export interface FrameRecord {
  /** Position in the endpoint's log (increasing; ids of frames that left the log are not reused). */
  id: number;
  /** The connection (attempt number) the frame travelled on. */
  conn: number;
  at: number;
  dir: FrameDirection;
  kind: FrameKind;
  size: number;
  preview: string;
  /** Why the frame was rejected, when it was (non-JSON, oversized, schema, unknown type). */
  rejected?: string;
  /** Why the event(s) it carried were not applied as new, when they were not (a DropReason each). */
  dropped?: string;
  /** A pong's round-trip time (our own WebSocket ping's), ms. */
  rttMs?: number;
  /** A close row's code (1006: the connection ended without a close frame). */
  closeCode?: number;
  /** Sent by hand from Diagnostics (a support action), not by Lookout itself. */
  manual?: boolean;
}

/**
 * The HTTP side of one upgrade, as Diagnostics shows it: the request line and headers sent, and
 * the server's answer (101, or a refusal with the start of its body). Secrets are redacted when
 * recorded: Authorization, Cookie, secret-named headers and query parameters, known secret values.
 */
export interface HandshakeExchange {
  request?: { method: string; target: string; headers: Record<string, string> };
  response?: {
    status: number;
    statusText: string;
    headers: Record<string, string>;
    /** The first KB of a refused upgrade's body, redacted. */
    body?: string;
    /** The body went on past what was kept. */
    bodyTruncated?: boolean;
  };
}

/** A support action taken from Diagnostics, as the reconnect journal lists it. */
export interface SupportActionRecord {
  at: number;
  action: SupportAction;
  ok: boolean;
  /** What happened, or why it was refused, in plain words (redacted). */
  detail: string;
}

/** What a support engineer can do to a connection by hand. */
export const SUPPORT_ACTIONS = ['ping', 'resubscribe', 'reconnect', 'send'] as const;
export type SupportAction = (typeof SUPPORT_ACTIONS)[number];

/**
 * The answer to a support action: done (with the ping's round-trip time), or refused with the
 * reason and what to do. Nothing is ever queued for later.
 */
export type SupportActionResult =
  { ok: true; detail: string; rttMs?: number } | { ok: false; reason: string };

/** The longest raw frame the compose box sends, in characters. */
export const MAX_RAW_FRAME_CHARS = 64 * 1024;

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
  /** Events received but not applied as new (see the channels' `dropped` for why). */
  droppedEvents: number;
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
  /** Events that arrived here but were not applied as new, by reason. */
  dropped: Partial<Record<DropReason, number>>;
  /** Where the session resumes this channel after a reconnect (lookout), or null. */
  resume: { seq: number; epoch: string | null } | null;
  /** The last time the server could not replay this channel's history, and why. */
  lastReset: { at: number; cause: ResetCause; explanation: string } | null;
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
  /**
   * The newest rows of the frame log (at most 500, redacted previews): in the support bundle and
   * the session's own full read only. The live push and the renderer's snapshots leave them out
   * (issue 23: redacting 500 previews per endpoint every second cost the ingest path while
   * Diagnostics was open); the frame log view pages the log itself through `diagnostics:frames`.
   */
  frames?: FrameRecord[];
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
  /** Support actions taken from Diagnostics (ping now, re-subscribe, reconnect, send), oldest first. */
  actions: SupportActionRecord[];
}
