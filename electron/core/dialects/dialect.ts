import type { CodeMeaning } from '../../../shared/close-codes';
import type { DialectId, EndpointConfig } from '../../../shared/config/endpoint';
import type { ChannelReset, DropReason, HandshakeSent } from '../../../shared/model/connection';
import type { RankedCause } from '../../../shared/model/health';
import type { LiveEvent } from '../../../shared/model/live-event';
import type { Credentials } from '../kernel/ports';

/**
 * A dialect is the small, pure translation between one backend's wire format and Lookout's
 * canonical events and commands, plus that backend's connection profile. It does no I/O: the
 * session does the socket work and asks the dialect what to send and what a frame means.
 */

/** What to open: the URL (may carry a query token) and the upgrade headers. */
export interface HandshakePlan {
  url: string;
  headers: Record<string, string>;
}

export type SubscriptionAck = { op: 'subscribed' | 'unsubscribed'; channel: string };

/** What one incoming text frame meant. Every field is optional; an empty result means "nothing to do". */
export interface DecodeResult {
  events?: LiveEvent[];
  /** An application-level pong; `echo` is the timestamp our ping carried, when the protocol echoes one. */
  pong?: { echo?: number };
  acks?: SubscriptionAck[];
  /** The greeting frame: proves the server is ours to talk to; may carry server time for skew. */
  greeting?: { serverTime?: number; connectionId?: string };
  /** An error envelope the server sent back (shown in diagnostics, connection kept). */
  serverError?: string;
  /** Channels whose history could not be replayed, and why (history lost, or too old). */
  reset?: ChannelReset[];
  /** Events the dialect did not pass on (counted per channel and marked on the frame). */
  dropped?: Array<{ channel: string; reason: DropReason }>;
  /** Channels to subscribe again right away (the stream broke, e.g. a gap in the seqs). */
  resubscribe?: string[];
  /** Subscriptions the server refused, where its error names the channel. */
  refused?: Array<{ channel: string; reason: string }>;
  /**
   * Set when the frame could not be understood: `non-json`, `not-an-object`, `schema: …`,
   * `unknown-type: foo`. Counted and shown in the frame log; never thrown.
   */
  rejected?: string;
}

/** How liveness works for this backend (PROTOCOLS.md "Keepalive"). */
export interface LivenessRules {
  /** Interval of our WebSocket PING frames (ms); 0 = do not send any. */
  pingIntervalMs: number;
  /** No pong and no frame for this long → the peer is dead: terminate and reconnect. */
  deadAfterMs: number;
  /** Whether the dialect has an application-level ping worth sending (for RTT and proof of app health). */
  appPing: boolean;
  /**
   * An open socket delivering no *data* for this long has stalled: re-subscribe, then reconnect;
   * 0 = never (reconnecting would not help, or silence is normal). Frames that are not data
   * (pongs, acks, greetings, heartbeats) never reset it.
   */
  staleAfterMs: number;
  /**
   * The longest silence (no data) that is normal while the connection is busy; past it delivery is
   * reported as unverified unless a Redis probe proves it. 0 = any silence is normal here.
   */
  quietAfterMs: number;
  /** What silence means on this backend, one sentence for the UI. */
  silence: string;
  /** A line for the diagnostics panel: how this server keeps the connection alive. */
  serverKeepalive: string;
}

/** An HTTP probe of the backend (health or stats) and how to read its answer. */
export interface ProbeSpec {
  name: string;
  /** Path relative to the endpoint's HTTP base, e.g. `/health`. */
  path: string;
  /** Host override where the backend needs one (django-channels: `localhost`, not `127.0.0.1`). */
  hostOverride?: string;
  /** Turn the status and parsed body into a verdict a support person understands. */
  interpret(status: number, body: unknown): ProbeVerdict;
}

export interface ProbeVerdict {
  ok: boolean;
  /** `healthy`, `degraded`, `down`, `unknown`: `unknown` when the answer proves nothing (task-status's /health). */
  status: 'healthy' | 'degraded' | 'down' | 'unknown';
  summary: string;
}

/**
 * What a dialect module writes for one session (e.g. the lookout resume cursors): the handshake and
 * `decode` always, the rest only where its backend has it. `completeCodec` fills in the rest.
 */
export interface CodecParts {
  /**
   * Called before every attempt with fresh credentials. `baseUrl` is the endpoint URL chosen for
   * this attempt (one of `endpoint.url`; several are listed when the user configured failover).
   */
  handshake(credentials: Credentials, baseUrl: string): HandshakePlan;
  /** Translate one incoming text frame. Must never throw. */
  decode(text: string, receivedAt: number): DecodeResult;
  /** Frames to send right after open, before any subscription. Absent: none. */
  onOpen?(): string[];
  /** Frame that subscribes to a channel. Absent (or null): the dialect subscribes by URL only. */
  subscribe?(channel: string): string | null;
  unsubscribe?(channel: string): string | null;
  /** An application-level ping frame. Absent (or null): the backend has none. */
  appPing?(now: number): string | null;
  /** Where a channel resumes after a reconnect (protocols with cursors), for diagnostics. */
  resumePoint?(channel: string): { seq: number; epoch: string | null } | null;
  /**
   * Whether silence is normal right now given the subscriptions (e.g. task-status with no running
   * task). Absent: silence is never normal while `quietAfterMs` > 0.
   */
  idle?(subscriptions: readonly string[]): boolean;
}

/** Per-session state of a dialect as the session drives it: every frame-producing method present. */
export interface DialectCodec extends CodecParts {
  onOpen(): string[];
  subscribe(channel: string): string | null;
  unsubscribe(channel: string): string | null;
  appPing(now: number): string | null;
}

/** A dialect's codec with the defaults for what its backend does not have (no frames to send). */
export function completeCodec(parts: CodecParts): DialectCodec {
  const { resumePoint, idle } = parts;
  return {
    handshake: (credentials, baseUrl) => parts.handshake(credentials, baseUrl),
    decode: (text, receivedAt) => parts.decode(text, receivedAt),
    onOpen: () => parts.onOpen?.() ?? [],
    subscribe: (channel) => parts.subscribe?.(channel) ?? null,
    unsubscribe: (channel) => parts.unsubscribe?.(channel) ?? null,
    appPing: (now) => parts.appPing?.(now) ?? null,
    ...(resumePoint ? { resumePoint: (channel) => resumePoint.call(parts, channel) } : {}),
    ...(idle ? { idle: (subscriptions) => idle.call(parts, subscriptions) } : {}),
  };
}

/** The mapping between a task id a user types and the channel a backend carries it on. */
export interface TaskChannels {
  /** The subscription that follows `taskId` (`task:42` on the gateway, `42` on task-status). */
  taskChannel(taskId: string): string;
  /** The task id a subscription follows, or null when it is not a task subscription (`dashboard`). */
  taskIdOf(channel: string): string | null;
}

/** What Lookout knows when it explains an ambiguous handshake refusal (django's HTTP 500). */
export interface AmbiguityFacts {
  url: string;
  /** The endpoint has a way to sign in (its auth method is not `none`). */
  hasSignIn: boolean;
  /** Lookout signed in again during this incident, and the server still refused. */
  renewedAndStillRefused: boolean;
  /** `GET /api/auth/me/` (or equivalent) about the session Lookout holds. */
  session: 'live' | 'dead' | 'unknown';
  /** The backend's HTTP health probe. */
  health: 'healthy' | 'down' | 'unknown';
  /** The configured Redis probe: whether Redis itself answered. */
  redis: 'up' | 'down' | 'unknown';
}

export interface Dialect {
  readonly id: DialectId;
  /** One line for the settings UI. */
  readonly description: string;
  readonly liveness: LivenessRules;
  /** Meanings this backend gives to close codes, overriding the generic table. */
  readonly closeOverrides?: Readonly<Record<number, CodeMeaning>>;
  /** Meanings this backend gives to handshake statuses (django answers 500 to anonymous users). */
  readonly handshakeOverrides?: Readonly<Record<number, CodeMeaning>>;
  /**
   * A refusal explained with what Lookout actually sent (the Origin, the kind of credentials), when
   * the static table cannot tell the causes apart (django's 403: Origin or role). Undefined: use
   * `handshakeOverrides`.
   */
  explainRefusal?(status: number, sent: HandshakeSent, url: string): CodeMeaning | undefined;
  /**
   * The possible causes of an ambiguous refusal (`reauth-once`), most likely first, from what
   * Lookout knows. Only dialects with such a refusal have it.
   */
  rankCauses?(facts: AmbiguityFacts): RankedCause[];
  /**
   * Why data cannot arrive on this connection as configured although it is open (django's
   * notifications socket accepts anonymous connections and sends them nothing), or null.
   */
  deliveryCaveat?(endpoint: EndpointConfig, sent: HandshakeSent): string | null;
  /**
   * Redis channels this backend's server subscribes to (its listener), for the optional deafness
   * probe: `PUBSUB NUMSUB` of 0 on one means the service went deaf. Empty: nothing to probe.
   */
  readonly redisChannels: readonly string[];
  readonly probes: readonly ProbeSpec[];
  /** Subscriptions used when the endpoint configures none (read them through `subscriptionsFor`). */
  readonly defaultSubscriptions: readonly string[];
  /**
   * How this backend follows one task chosen at run time, where it can: the one mapping between a
   * task id and the subscription that carries it. Absent: the dialect cannot watch tasks by id.
   */
  readonly tasks?: TaskChannels;
  create(endpoint: EndpointConfig): DialectCodec;
}

/** The channels an endpoint subscribes to: its own list, or `dialect`'s defaults when it names none. */
export function subscriptionsOf(
  endpoint: Pick<EndpointConfig, 'subscriptions'>,
  dialect: Pick<Dialect, 'defaultSubscriptions'>,
): readonly string[] {
  return endpoint.subscriptions.length > 0 ? endpoint.subscriptions : dialect.defaultSubscriptions;
}
