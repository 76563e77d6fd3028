import type { JSONWebKeySet } from 'jose';
import type { PublishInput, WireEvent, WireLimits } from '../../shared/protocol/lookout-wire';
import type { AuthLimits } from './auth/login-limiter';
import type { IssuedTokens, Principal } from './auth/tokens';
import type { UserRecord } from './auth/users';
import type { BridgeOptions } from './bridges/redis-bridge';
import type { DemoSource } from './demo/demo-source';
import type { GatewayLogger } from './logger';
import type { GatewayMetrics } from './metrics';
import type { EventLog } from './storage/event-log';
import type { RedisTopology } from './storage/redis-topology';
import type { FanOutBatch } from './ws/fan-out';

/** Everything a gateway can be configured with; only `secret` is required outside demo mode. */
export interface GatewayOptions {
  host?: string;
  /** 0 picks a free port. Default 8080. */
  port?: number;
  /** HS256 secret (≥ 32 bytes) for the tokens the gateway issues and accepts. Random in demo mode when absent. */
  secret?: string;
  /** Also accept RS256 access tokens from another issuer. */
  jwks?: JSONWebKeySet;
  jwksUrl?: string;
  issuer?: string;
  audience?: string;
  accessTtlSec?: number;
  refreshTtlSec?: number;
  users?: UserRecord[];
  /** Proxies whose `X-Forwarded-For` is believed for client addresses (addresses or CIDR ranges). */
  trustedProxies?: string[];
  /** Sign-in limiter budgets (docs/protocol.md §8). */
  authLimits?: Partial<AuthLimits>;
  usersFile?: string;
  /** API keys allowed to `POST /publish`. */
  apiKeys?: string[];
  /** Operator keys: the full `GET /stats` and `GET /metrics`. Without one, `/stats` is a short public view. */
  operatorKeys?: string[];
  /** `GET /metrics` (Prometheus text) without an operator key, for a scraper on a private network. */
  publicMetrics?: boolean;
  /**
   * Serve `GET /metrics` (loads prom-client at start). Default true; the app's embedded gateway
   * turns it off (prom-client is not part of the desktop app).
   */
  prometheus?: boolean;
  /**
   * Demo users and (unless `demoTraffic: false`) generated traffic. No API key comes with it: the
   * public demo key is added by `npm run gateway -- --demo` only (`cli.ts`), never by an embedder.
   */
  demo?: boolean;
  demoTraffic?: boolean;
  /** Demo traffic's tick (default 500 ms): tests run a working day's traffic faster. */
  demoTickMs?: number;
  /** Password of the demo users (default the public `DEMO_PASSWORD`; the app's embedded gateway picks a random one per launch). */
  demoPassword?: string;
  /** Redis (one server) for scale-out; shorthand for `redis: { mode: 'standalone', url }`. */
  redisUrl?: string;
  /** Redis for scale-out: one server, Sentinel or Cluster. The in-process log when absent. */
  redis?: RedisTopology;
  /** A log to use instead (shared in-process log across restarts, tests). Not stopped by `stop()`. */
  eventLog?: EventLog;
  /** Events kept per channel for replay. */
  retention?: number;
  /**
   * How long the stream and counter of a per-user or per-task channel (`notifications:*`,
   * `tasks:*`, `task:*`) live after their last event, seconds. Default 7 days; 0 = forever.
   */
  channelTtlSec?: number;
  limits?: Partial<GatewayLimits>;
  /** Browser Origins allowed to connect; empty/absent = any. Requests without Origin (native clients) pass. */
  allowedOrigins?: string[];
  heartbeatMs?: number;
  /** A connection whose request head has not fully arrived after this is answered 408 and closed. Default 10 s. */
  headersTimeoutMs?: number;
  /** A replay paused on a client that does not read closes it with 4014 after this. Default 30 s. */
  stallTimeoutMs?: number;
  /** Event-loop lag (p99, ms) above which `/health` reports degraded and `/readyz` not ready. */
  maxEventLoopLagMs?: number;
  /** How long storage may be unreachable before `/readyz` says not ready (a blip never pulls an instance). Default 30 s. */
  readinessGraceMs?: number;
  /** Over how long `drain()` spreads the closes of its clients (4015). Default 10 s. */
  drainWindowMs?: number;
  bridges?: BridgeOptions;
  /**
   * Called after each batch of new events has been written to the sockets of this instance's
   * subscribers (instrumentation: the fan-out benchmark times publish-to-write with it).
   */
  onFanOut?: (batch: FanOutBatch) => void;
  instanceId?: string;
  logger?: GatewayLogger;
}

/** Where a started gateway listens. */
export interface GatewayAddress {
  port: number;
  /** HTTP base, e.g. `http://127.0.0.1:8080`. */
  url: string;
  /** WebSocket URL, e.g. `ws://127.0.0.1:8080/ws`. */
  wsUrl: string;
}

/** How a drain went. */
export interface DrainResult {
  /** Sockets told to move (closed with 4015). */
  moved: number;
  durationMs: number;
}

/** A running gateway, as its host sees it. */
export interface Gateway {
  start(): Promise<GatewayAddress>;
  /**
   * Leave gracefully (a deploy, a scale-down): `/readyz` answers 503 at once, new upgrades are
   * refused (503 `draining`), and the clients are closed with 4015 (moving) at random moments
   * spread over `windowMs`, so they reconnect to the other instances a few at a time. Resolves
   * when every client has been told; `stop()` then ends the rest.
   */
  drain(windowMs?: number): Promise<DrainResult>;
  /** Close every client with 4012 (restarting) at once and stop listening. */
  stop(): Promise<void>;
  publish(channel: string, input: Omit<PublishInput, 'channel' | 'channels'>): Promise<WireEvent>;
  /** One occurrence on several channels: one event per channel, all with the same `origin`. */
  publishToChannels(
    channels: string[],
    input: Omit<PublishInput, 'channel' | 'channels'>,
  ): Promise<WireEvent[]>;
  /** Tokens for a user, as `/auth/login` would issue them (embedding hosts, tests). */
  issueTokens(user: Pick<Principal, 'sub' | 'role'>): Promise<IssuedTokens>;
  /**
   * Revoke a user: every session begun before now ends (on every instance, through Redis when
   * used), their tokens are refused, their sockets closed with 4004. Resolves with the number of
   * this instance's sockets closed.
   */
  revoke(sub: string): Promise<number>;
  /** Read the users file again now (SIGHUP); resolves with the number of users known. */
  reloadUsers(): Promise<number>;
  /** Resource use right now (connections, pending heads, send buffers). */
  gauges(): GatewayGauges;
  readonly demo: DemoSource | null;
  readonly metrics: GatewayMetrics;
  readonly instanceId: string;
}

/** The per-client limits sent in `hello`, and the instance's own resource caps (docs/protocol.md §12). */
export interface GatewayLimits extends WireLimits {
  /** Open WebSockets on this instance. */
  maxConnections: number;
  /** Open WebSockets of one user (`sub`) on this instance. */
  maxConnectionsPerUser: number;
  /** TCP connections whose request head is still arriving, in all and from one address. */
  maxPendingConnections: number;
  maxPendingPerAddress: number;
  /** Bytes queued for one socket that the client has not taken yet (the slow-client budget). */
  maxBufferedBytes: number;
  /**
   * Publishes being stored at once (awaiting Redis). Past it a publish is refused at once (503
   * `overloaded`, counted) instead of queueing until it times out: backpressure to the publisher.
   */
  maxPendingAppends: number;
}

export const DEFAULT_LIMITS: GatewayLimits = {
  maxPayloadBytes: 64 * 1024,
  maxSubscriptions: 100,
  ratePerSecond: 20,
  rateBurst: 40,
  maxConnections: 10_000,
  maxConnectionsPerUser: 20,
  maxPendingConnections: 1_000,
  maxPendingPerAddress: 100,
  maxBufferedBytes: 4 * 1024 * 1024,
  maxPendingAppends: 2_000,
};

/** Events kept per channel for replay, when `retention` is not given. */
export const DEFAULT_RETENTION = 1_000;

/** The limits a client is told in `hello` (the rest are the instance's own caps). */
export function wireLimitsOf(limits: GatewayLimits): WireLimits {
  const { maxPayloadBytes, maxSubscriptions, ratePerSecond, rateBurst } = limits;
  return { maxPayloadBytes, maxSubscriptions, ratePerSecond, rateBurst };
}

/** What `GET /stats` shows without an operator key: enough for the app's health probe, no counters. */
export interface PublicStats {
  instanceId: string;
  uptimeSec: number;
  connections: number;
  subscriptions: number;
  channels: number;
  storage: { ok: boolean; kind: 'memory' | 'redis' };
}

/** Point-in-time resource use of this instance (`GET /stats` with an operator key shows them). */
export interface GatewayGauges {
  connections: number;
  /** Connections whose request head is still arriving. */
  pendingConnections: number;
  /** Bytes queued on every socket and not yet taken by the clients, and the largest single queue. */
  sendBufferBytes: number;
  largestSendBufferBytes: number;
  /** Sign-in limiter buckets held in this instance's memory (bounded by `authLimits.maxTrackedKeys`). */
  trackedLimiterKeys: number;
  /** Publishes waiting for storage right now (bounded by `maxPendingAppends`). */
  pendingAppends: number;
}
