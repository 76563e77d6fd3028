/**
 * The shapes of the connection check: what it is given, what its steps share as they pass, what
 * one step finds, and the interface every `*.step.ts` implements.
 */
import type { EndpointConfig } from '../../../../shared/config/endpoint';
import type { AttemptOutcome, HandshakeSent } from '../../../../shared/model/connection';
import type { CheckStep, CheckStepId, ProbeResult } from '../../../../shared/model/diagnostics';
import type {
  DeliveryHealth,
  RankedCause,
  RedisProbeResult,
} from '../../../../shared/model/health';
import type { Dialect, DialectCodec, HandshakePlan } from '../../dialects/dialect';
import type { Clock, CredentialProvider, Credentials } from '../../kernel/ports';
import type { Redactor } from '../../kernel/redact';
import type { EndpointTransport } from '../../transport/network';
import type { CheckConnection } from './check-connection';

/** What "Run connection check" is given. */
export interface ConnectionCheckOptions {
  endpoint: EndpointConfig;
  dialect: Dialect;
  credentials: CredentialProvider;
  redactor: Redactor;
  /** The endpoint's route and trust; Node's defaults (direct, bundled roots) when absent. */
  transport?: EndpointTransport;
  /**
   * The core's clock port: timeouts and durations. Required, so that no caller runs the check on
   * another clock than the core it checks for (tests pass a manual one).
   */
  clock: Clock;
  /** Per network step (default 5 s). */
  stepTimeoutMs?: number;
  /** How long to wait for the first reply after subscribing (default 3 s). */
  replyTimeoutMs?: number;
  /** Stop after the auth step (verifying a sign-in): the later steps are reported as not run. */
  stopAfterAuth?: boolean;
  /** The endpoint's Redis deafness probe, when one is configured: `channels` empty = PING only. */
  redisProbe?: (channels: readonly string[]) => Promise<RedisProbeResult>;
  /** The backend's HTTP health probes, for explaining an ambiguous refusal. */
  probeHttp?: () => Promise<ProbeResult[]>;
  /** The live session's delivery facet, when the endpoint is connected now. */
  liveDelivery?: DeliveryHealth;
}

/**
 * What the steps share, filled in as they pass: each step reads what the earlier ones found and
 * adds its own findings. The runner owns it and closes the connection at the end.
 */
export interface CheckContext {
  readonly options: ConnectionCheckOptions;
  readonly clock: Clock;
  readonly stepTimeoutMs: number;
  readonly replyTimeoutMs: number;
  /** The endpoint's first URL, as configured. */
  readonly baseUrl: string;
  url?: URL;
  host?: string;
  port?: number;
  /** Where TCP connects: the first address DNS gave, or the host itself. */
  address?: string;
  /** `the proxy http://p:3128: ` when DNS and TCP dial the route's proxy instead of the server. */
  dialLabel?: string;
  /** The proxy and TLS steps, reached together by `proxy.step.ts`. */
  reached?: { steps: CheckStep[]; ok: boolean };
  credentials?: Credentials;
  /** Why no credentials came (the auth step reports it). */
  credentialsError?: unknown;
  codec?: DialectCodec;
  handshake?: HandshakePlan;
  sent?: HandshakeSent;
  connection?: CheckConnection;
  /** The server refused the upgrade for the credentials (the auth step reports it). */
  refusal?: AttemptOutcome;
  /** What came back to the open sequence. */
  reply?: { kind: 'reply'; detail: string; data?: boolean } | { kind: 'error' | 'silent' };
  /** Where the results of the open sequence start in the connection's frames. */
  repliesFrom?: number;
  /** For an ambiguous refusal: the possible causes, most likely first. */
  causes?: RankedCause[];
}

/**
 * What one step found. A failure stops the steps after it (each reported as skipped with
 * `skipReason`) unless `keepGoing`: the connection is still there and the next steps mean
 * something. `haltReason` stops them after any status (e.g. only the sign-in was asked for).
 */
export interface StepOutcome extends Omit<CheckStep, 'id'> {
  keepGoing?: boolean;
  haltReason?: string;
  /** Skip texts of particular later steps, when they differ from the general one. */
  skipReasons?: Partial<Record<CheckStepId, string>>;
}

/** One step of the connection check: copy `template.step.ts` to add one. */
export interface CheckStepRunner {
  readonly id: CheckStepId;
  run(ctx: CheckContext): Promise<StepOutcome>;
}

/** Milliseconds since `start` on the check's clock, to a tenth. */
export function since(ctx: CheckContext, start: number): number {
  return Math.round((ctx.clock.now() - start) * 10) / 10;
}

/** An error as a short text: its code when it has one. */
export function errorText(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  return e?.code ?? (error instanceof Error ? error.message : String(error));
}

/** The value of `promise`, or a rejection with `message` after `ms` on the clock. */
export function withTimeout<T>(
  clock: Clock,
  promise: Promise<T>,
  ms: number,
  message: string,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = clock.setTimeout(() => reject(new Error(message)), ms);
    promise.then(
      (v) => {
        clock.clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clock.clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
