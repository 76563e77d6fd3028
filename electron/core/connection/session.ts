import ReconnectingWebSocket from 'partysocket/ws';
import type { RawData } from 'ws';
import { endpointUrls, type EndpointConfig } from '../../../shared/config/endpoint';
import type {
  AttemptOutcome,
  AttemptRecord,
  AttemptTrigger,
  ChannelHealth,
  ChannelReset,
  ConnectionState,
  DropReason,
  SessionDiagnostics,
  StateChange,
} from '../../../shared/model/connection';
import type { LiveEvent } from '../../../shared/model/live-event';
import type { DecodeResult, Dialect, DialectCodec } from '../dialects/dialect';
import { Redactor } from '../kernel/redact';
import { SessionRecorder, type RawFrame } from './session-recorder';
import { Backoff } from './backoff';
import { classifyEnding, transportOutcome, type LocalEnding } from './close-policy';
import type { InstrumentedSocket } from './instrumented-socket';
import { instrumentedSocketClass, type SocketPlan } from './instrumented-socket';
import { LivenessTracker, type LivenessConfig } from './liveness';
import {
  CredentialsError,
  noCredentials,
  silentLogger,
  systemClock,
  type Clock,
  type CredentialProvider,
  type Logger,
  type RandomSource,
  type SystemEvents,
  type TimerHandle,
} from '../kernel/ports';
import { TypedEmitter } from '../kernel/typed-emitter';
import type { EndpointTransport } from '../transport/network';

/** Ports a session needs; every one has a production default except the endpoint and dialect. */
export interface SessionPorts {
  credentials?: CredentialProvider;
  clock?: Clock;
  random?: RandomSource;
  logger?: Logger;
  system?: SystemEvents;
  /** Shared redactor (the host registers every secret it knows); a private one by default. */
  redactor?: Redactor;
  /** How to reach the server (proxy, trust); Node's defaults (direct, bundled roots) when absent. */
  transport?: EndpointTransport;
}

export interface SessionOptions {
  endpoint: EndpointConfig;
  dialect: Dialect;
  ports?: SessionPorts;
  /** A timer that fires this much later than asked means the machine slept (default 10 s). */
  sleepDetectionMs?: number;
}

export interface SessionEvents extends Record<string, unknown> {
  state: StateChange;
  events: LiveEvent[];
  /** Channels whose history could not be replayed, and why: the owner tells the user. */
  reset: ChannelReset[];
  /**
   * The delivery facts changed without a state change: a quiet window ran out, data ended a quiet
   * period, or an attempt ended with a new outcome. Read `delivery()` and `diagnostics()`.
   */
  delivery: null;
}

/** What the session knows about delivery right now, for the health facet (see `deliveryHealth`). */
export interface DeliveryFacts {
  open: boolean;
  openedAt: number | null;
  lastDataAt: number | null;
  /** Start of the current silence on this connection; null when not open. */
  silentSince: number | null;
  /** The quiet window ran out without data while silence was not normal. */
  quietTooLong: boolean;
  /** Silence is normal right now (the dialect says idle, or its quiet window is 0). */
  idle: boolean;
  quietAfterMs: number;
}

/** What Diagnostics says about a reset, by its cause. */
const RESET_EXPLANATION = {
  'history-lost':
    'The server lost this channel’s history (it restarted without it, or its storage was emptied): events sent before then that had not arrived may be missing.',
  'too-old':
    'The server no longer keeps history back to where Lookout was: events sent in between may be missing.',
} as const;

/** Ends the session caused itself, with the words the diagnostics panel shows. */
const LOCAL = {
  manual: { meaning: 'Reconnect requested.', action: 'retry-now' },
  stale: {
    meaning:
      'Open but no data within the staleness window, even after re-subscribing (pongs and acks do not count).',
    action: 'retry-now',
  },
  stopping: { meaning: 'Stopped by the user or the app.', action: 'stop' },
} satisfies Record<string, LocalEnding>;

/** Channels tallied per session for diagnostics, at most. */
const MAX_CHANNELS = 500;

/** After this many immediate retries in a row without a stable connection, fall back to the backoff. */
const MAX_IMMEDIATE_RETRIES = 3;

/**
 * One live connection to one configured endpoint: partysocket's reconnect loop over an
 * instrumented `ws`, with our own full-jitter backoff, liveness (ping RTT, dead peer, staleness),
 * the close-code policy, credentials fetched before every attempt, subscriptions re-sent after
 * every reconnect, and a diagnostics recorder. Bad frames are counted, never thrown.
 */
export class Session extends TypedEmitter<SessionEvents> {
  readonly endpoint: EndpointConfig;
  readonly dialect: Dialect;
  private readonly codec: DialectCodec;
  private readonly clock: Clock;
  private readonly random: RandomSource;
  private readonly credentials: CredentialProvider;
  private readonly logger: Logger;
  private readonly redactor: Redactor;
  private readonly recorder: SessionRecorder;
  private readonly backoff: Backoff;
  private readonly liveness: LivenessConfig;
  private readonly urls: string[];
  private readonly subscriptionSet: Set<string>;
  private readonly sleepDetectionMs: number;
  private readonly system: SystemEvents | undefined;
  private readonly transport: EndpointTransport | undefined;
  private readonly unsubscribeSystem: Array<() => void> = [];

  private current: ConnectionState = 'idle';
  private since: number;
  private rws: ReconnectingWebSocket | null = null;
  private socket: InstrumentedSocket | null = null;
  private plan: SocketPlan;
  private attempt: AttemptRecord | null = null;
  private attemptFinished = false;
  private tracker: LivenessTracker | null = null;
  private urlIndex = 0;
  private skewMs: number | null = null;
  /** Per-channel tallies for the diagnostics panel (bounded: see MAX_CHANNELS). */
  private readonly channelStats = new Map<string, ChannelStats>();
  /** The frame each emitted event came in, so a drop decided later (the model's) is marked on it. */
  private readonly frameOf = new WeakMap<LiveEvent, RawFrame>();
  /** Subscriptions sent on this connection and not yet acknowledged, oldest first. */
  private pendingAcks: string[] = [];
  private lastDataAt: number | null = null;
  /** Data arrived on the current connection (the first data turns "quiet" into "flowing"). */
  private dataOnConnection = false;
  private lastFrameAt: number | null = null;
  private recoveredAt: number | null = null;

  // What the next attempt should do, decided when the previous one ended.
  private nextDelay = 0;
  private nextTrigger: AttemptTrigger = 'start';
  private forceRefresh = false;
  /**
   * Credentials were renewed during the current incident (from the first failure until a stable
   * connection): the server may make Lookout sign in again by itself once, never in a loop.
   */
  private renewedThisIncident = false;
  private consecutiveImmediate = 0;
  /** Set when the session itself ends the socket, so the ending is explained in its own words. */
  private pendingLocal: (LocalEnding & { trigger?: AttemptTrigger }) | null = null;
  private stopRequested = false;

  // Timers.
  private tickTimer: TimerHandle | null = null;
  private stableTimer: TimerHandle | null = null;
  private watchdogTimer: TimerHandle | null = null;
  private watchdogExpected = 0;
  private wait: { timer: TimerHandle; resolve: () => void; until: number } | null = null;
  private pingSentAt: number | null = null;

  constructor(options: SessionOptions) {
    const logger = options.ports?.logger ?? silentLogger;
    super((error, event) =>
      logger.error('session listener failed', { event: String(event), error: String(error) }),
    );
    const ports = options.ports ?? {};
    this.endpoint = options.endpoint;
    this.dialect = options.dialect;
    this.clock = ports.clock ?? systemClock;
    this.random = ports.random ?? Math.random;
    this.credentials = ports.credentials ?? noCredentials;
    this.logger = logger;
    this.redactor = ports.redactor ?? new Redactor();
    this.recorder = new SessionRecorder(this.redactor);
    this.backoff = new Backoff(options.endpoint.backoff, this.random);
    this.sleepDetectionMs = options.sleepDetectionMs ?? 10_000;
    this.system = ports.system;
    this.transport = ports.transport;
    this.urls = endpointUrls(options.endpoint);
    this.codec = options.dialect.create(options.endpoint);
    const configured = options.endpoint.subscriptions;
    this.subscriptionSet = new Set(
      configured.length ? configured : options.dialect.defaultSubscriptions,
    );
    const rules = options.dialect.liveness;
    const overrides = options.endpoint.liveness;
    this.liveness = {
      pingIntervalMs: overrides.pingIntervalMs ?? rules.pingIntervalMs,
      deadAfterMs: overrides.deadAfterMs ?? rules.deadAfterMs,
      staleAfterMs: overrides.staleAfterMs ?? rules.staleAfterMs,
      quietAfterMs: overrides.quietAfterMs ?? rules.quietAfterMs,
      appPing: overrides.appPing ?? rules.appPing,
    };
    this.plan = this.socketPlan({});
    this.since = this.clock.now();
  }

  get state(): ConnectionState {
    return this.current;
  }

  get subscriptions(): string[] {
    return [...this.subscriptionSet];
  }

  /** Open the connection (idempotent). */
  start(): void {
    if (this.rws) return;
    this.stopRequested = false;
    this.nextDelay = 0;
    this.nextTrigger = 'start';
    if (this.system && this.unsubscribeSystem.length === 0) {
      this.unsubscribeSystem.push(this.system.on('online', () => this.wake('network-online')));
      this.unsubscribeSystem.push(this.system.on('resume', () => this.wake('resume')));
    }
    this.armWatchdog();
    this.rws = new ReconnectingWebSocket(() => this.prepareAttempt(), undefined, {
      WebSocket: instrumentedSocketClass(
        () => this.plan,
        (socket) => this.adopt(socket),
      ),
      // Our own backoff runs inside the URL provider (injected clock and random); partysocket's is off.
      minReconnectionDelay: 0,
      maxReconnectionDelay: 0,
      reconnectionDelayGrowFactor: 1,
      connectionTimeout: this.endpoint.handshakeTimeoutMs + 2_000,
      maxRetries: Number.POSITIVE_INFINITY,
      // Never replay outgoing messages blindly after a reconnect: we do not queue at all.
      maxEnqueuedMessages: 0,
      shouldReconnectOnClose: () => this.shouldReconnect(),
    });
  }

  /** Close for good (until `start` or `reconnect`). Resolves when the socket is closed. */
  async stop(): Promise<void> {
    this.stopRequested = true;
    this.clearTimers();
    this.releaseWait();
    for (const off of this.unsubscribeSystem.splice(0)) off();
    const socket = this.socket;
    if (socket && (socket.readyState === socket.OPEN || socket.readyState === socket.CONNECTING)) {
      this.pendingLocal = LOCAL.stopping;
    }
    this.rws?.close(1000, 'client stopping');
    this.rws = null;
    this.transition('stopped', 'Stopped by the user or the app.');
    if (socket && socket.readyState !== socket.CLOSED) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          socket.terminate();
          resolve();
        }, 2_000);
        socket.once('close', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Reconnect now: after sign-in, from the tray's "reconnect all", or the diagnostics panel. */
  reconnect(trigger: AttemptTrigger = 'manual'): void {
    if (!this.rws || this.stopRequested) {
      this.stopRequested = false;
      if (!this.rws) {
        this.start();
        return;
      }
    }
    this.renewedThisIncident = false;
    this.nextDelay = 0;
    this.nextTrigger = trigger;
    if (this.wait) {
      this.releaseWait();
      return;
    }
    if (this.current === 'auth-required' || this.current === 'stopped') {
      this.rws.reconnect();
      return;
    }
    if (this.socket && this.socket.readyState === this.socket.OPEN) {
      this.pendingLocal = { ...LOCAL.manual, trigger: this.nextTrigger };
      this.socket.close(1000, 'reconnecting');
    }
  }

  /** Add a subscription (kept across reconnects) and send it now when open. */
  subscribe(channel: string): void {
    if (this.subscriptionSet.has(channel)) return;
    this.subscriptionSet.add(channel);
    if (this.isOpen()) this.sendSubscribe(channel);
  }

  unsubscribe(channel: string): void {
    if (!this.subscriptionSet.delete(channel)) return;
    if (this.isOpen()) this.sendFrame(this.codec.unsubscribe(channel));
  }

  /** Send a frame now if the socket is open; otherwise drop it and say so (no hidden queue). */
  send(text: string): boolean {
    return this.sendFrame(text);
  }

  /**
   * An event this session emitted was not applied as new downstream (the model found it a
   * duplicate, or a copy of an occurrence it already has): counted on its channel and marked on
   * the frame it came in, so "received but not shown" is never silent.
   */
  noteDropped(event: LiveEvent, reason: DropReason): void {
    this.countDrop(event.channel, reason, this.frameOf.get(event));
  }

  diagnostics(): SessionDiagnostics {
    return {
      ...this.recorder.snapshot({
        endpoint: this.endpoint.id,
        dialect: this.dialect.id,
        url: this.urls[this.urlIndex] ?? '',
        state: this.current,
        since: this.since,
        stale: this.tracker?.stale ?? false,
        subscriptions: this.subscriptions,
      }),
      lastDataAt: this.lastDataAt,
      lastFrameAt: this.lastFrameAt,
      recoveredAt: this.recoveredAt,
      channels: this.channelHealth(),
      clockSkewMs: this.skewMs,
      nextAttemptAt: this.wait?.until ?? null,
      keepalive: this.dialect.liveness.serverKeepalive,
    };
  }

  /** How the last attempt ended (kept after a recovery), without building the whole diagnostics. */
  get lastOutcome(): AttemptOutcome | null {
    return this.recorder.lastOutcome;
  }

  /** The recovery time after `lastOutcome` and the next attempt's time, for the health facet. */
  get timing(): { since: number; recoveredAt: number | null; nextAttemptAt: number | null } {
    return {
      since: this.since,
      recoveredAt: this.recoveredAt,
      nextAttemptAt: this.wait?.until ?? null,
    };
  }

  /** The current (or last) attempt: its trigger, URL and what its upgrade carried. */
  get currentAttempt(): Readonly<AttemptRecord> | null {
    return this.attempt;
  }

  /** What the session knows about delivery now: the input of the health facet. */
  delivery(): DeliveryFacts {
    const tracker = this.tracker;
    const open = this.isOpen() && tracker !== null;
    const quietAfterMs = this.liveness.quietAfterMs;
    return {
      open,
      openedAt: open ? (this.attempt?.openedAt ?? null) : null,
      lastDataAt: this.lastDataAt,
      silentSince: open ? tracker.silentSince : null,
      quietTooLong: open && tracker.quiet,
      idle: quietAfterMs === 0 || this.isIdle(),
      quietAfterMs,
    };
  }

  // ---------------------------------------------------------------------------------------------
  // Attempts

  /** partysocket's URL provider: wait our backoff, fetch credentials, plan the handshake. */
  private async prepareAttempt(): Promise<string> {
    for (;;) {
      const delay = this.nextDelay;
      const trigger = this.nextTrigger;
      if (delay > 0) {
        this.transition(
          'backing-off',
          `Waiting ${formatMs(delay)} before reconnecting (${trigger}).`,
        );
        await this.sleep(delay);
      }
      if (this.stopRequested) return this.abandonAttempt();
      // A wake-up may have replaced the trigger while we waited.
      const actualTrigger = this.nextTrigger;
      this.transition('connecting', describeTrigger(actualTrigger));
      const baseUrl = this.urls[this.urlIndex] ?? this.urls[0] ?? '';
      try {
        const creds = await this.credentials.getCredentials({ forceRefresh: this.forceRefresh });
        this.forceRefresh = false;
        this.redactor.addSecret(creds.token);
        this.redactor.addSecret(creds.cookie);
        const handshake = this.codec.handshake(creds, baseUrl);
        this.plan = this.socketPlan(handshake.headers);
        const record = this.beginAttempt(actualTrigger, delay, handshake.url);
        record.sent = sentFacts(handshake.headers, creds);
        if (this.stopRequested) return this.abandonAttempt();
        return handshake.url;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const record = this.beginAttempt(actualTrigger, delay, baseUrl);
        if (error instanceof CredentialsError) {
          const head = error.kind === 'refused' ? 'Sign-in refused' : 'Sign-in needed';
          this.finish(record, {
            error: 'credentials',
            meaning: `${head}: ${message}`,
            action: 'sign-in',
          });
          this.transition('auth-required', `${head}: ${this.redactor.text(message)}`);
          return this.abandonAttempt();
        }
        const onTheWay = transportOutcome(error);
        if (onTheWay) {
          const { facts, ...outcome } = onTheWay;
          record.transport = facts;
          this.finish(record, outcome);
        } else
          this.finish(record, {
            error: 'credentials',
            meaning: `Could not get credentials: ${message}`,
            action: 'back-off',
          });
        this.nextDelay = this.backoff.next();
        this.nextTrigger = 'backoff';
        if (this.stopRequested) return this.abandonAttempt();
      }
    }
  }

  /** Stop partysocket's loop without opening a socket: it checks `close()` before constructing one. */
  private abandonAttempt(): string {
    this.rws?.close();
    return this.urls[0] ?? 'ws://127.0.0.1:9/';
  }

  private beginAttempt(trigger: AttemptTrigger, delayMs: number, url: string): AttemptRecord {
    this.attemptFinished = false;
    this.attempt = this.recorder.attempt({ trigger, delayMs, url, startedAt: this.clock.now() });
    return this.attempt;
  }

  private socketPlan(headers: Record<string, string>): SocketPlan {
    return {
      headers,
      handshakeTimeoutMs: this.endpoint.handshakeTimeoutMs,
      // Hard cap at 4× the soft limit: smaller oversized frames are rejected and counted, the socket kept.
      maxPayloadBytes: Math.min(this.endpoint.maxPayloadBytes * 4, 1024 * 1024 * 1024),
      ...(this.transport ? { agent: this.transport.agent(this.endpoint.handshakeTimeoutMs) } : {}),
    };
  }

  /** Every socket partysocket constructs passes through here before any of its events fire. */
  private adopt(socket: InstrumentedSocket): void {
    this.socket = socket;
    const attempt = this.attempt;
    socket.on('open', () => this.onOpen(socket));
    socket.on('message', (data, isBinary) => this.onFrame(socket, data, isBinary));
    socket.on('pong', () => this.onPong(socket));
    socket.on('close', (code, reason) => {
      if (attempt) this.onEnded(socket, attempt, code, reason.toString());
    });
  }

  private onOpen(socket: InstrumentedSocket): void {
    if (socket !== this.socket || this.stopRequested) return;
    const now = this.clock.now();
    if (this.attempt) {
      this.attempt.openedAt = now;
      const headers = socket.facts.upgradeHeaders;
      if (headers) this.attempt.handshakeHeaders = this.redactor.headers(headers);
      if (socket.facts.transport) this.attempt.transport = socket.facts.transport;
    }
    this.tracker = new LivenessTracker(this.liveness);
    this.tracker.opened(now);
    this.lastFrameAt = now;
    this.dataOnConnection = false;
    // The failure before this open is history now: shown as "recovered at", not as current.
    if (this.recorder.lastOutcome) this.recoveredAt = now;
    this.forgetAcks();
    this.transition('open', `Connected to ${this.redactor.url(this.urls[this.urlIndex] ?? '')}.`);
    for (const frame of this.codec.onOpen()) this.sendFrame(frame);
    for (const channel of this.subscriptionSet) this.sendSubscribe(channel);
    // A first round trip right away, so diagnostics show an RTT from the start, not a ping interval later.
    if (this.liveness.pingIntervalMs > 0 || this.liveness.appPing) this.ping(socket, now);
    this.scheduleTick();
    this.stableTimer = this.clock.setTimeout(() => {
      this.stableTimer = null;
      this.backoff.reset();
      this.consecutiveImmediate = 0;
      // A stable connection ends the incident: the next refusal may renew credentials again.
      this.renewedThisIncident = false;
    }, this.endpoint.backoff.stableAfterMs);
  }

  /** partysocket asks whether to go on after a close; the attempt's outcome decides. */
  private shouldReconnect(): boolean {
    const socket = this.socket;
    if (socket && this.attempt && !this.attemptFinished) {
      this.onEnded(socket, this.attempt, undefined, undefined);
    }
    return !this.stopRequested && this.current !== 'auth-required' && this.current !== 'stopped';
  }

  /** Record how the attempt ended and decide the next step. Idempotent per attempt. */
  private onEnded(
    socket: InstrumentedSocket,
    attempt: AttemptRecord,
    code: number | undefined,
    reason: string | undefined,
  ): void {
    if (attempt !== this.attempt || this.attemptFinished) return;
    this.clearConnectionTimers();
    // Acks and refusals belong to the connection that just ended: channel rows follow the socket.
    this.forgetAcks();
    const wasOpen = attempt.openedAt !== undefined;
    const local = this.pendingLocal ?? undefined;
    this.pendingLocal = null;
    const trigger = local?.trigger;
    if (socket.facts.transport) attempt.transport = socket.facts.transport;
    const outcome = classifyEnding({
      facts: socket.facts,
      closeCode: code,
      closeReason: reason || undefined,
      local,
      closeOverrides: this.dialect.closeOverrides,
      handshakeOverrides: this.dialect.handshakeOverrides,
      explainRefusal: (status) =>
        attempt.sent ? this.dialect.explainRefusal?.(status, attempt.sent, attempt.url) : undefined,
    });
    this.finish(attempt, outcome);
    if (this.stopRequested) return;
    this.decideNext(outcome, wasOpen, trigger);
  }

  private finish(attempt: AttemptRecord, outcome: AttemptOutcome): void {
    this.attemptFinished = true;
    this.recoveredAt = null;
    this.recorder.ended(attempt, outcome, this.clock.now());
    // A new outcome is news for banners even when the state stays the same (backing off again).
    this.emit('delivery', null);
    this.logger.info('connection attempt ended', {
      endpoint: this.endpoint.id,
      attempt: attempt.n,
      ...outcome,
    });
  }

  private decideNext(
    outcome: AttemptOutcome,
    wasOpen: boolean,
    localTrigger: AttemptTrigger | undefined,
  ): void {
    if (!wasOpen && this.urls.length > 1) {
      this.urlIndex = (this.urlIndex + 1) % this.urls.length;
    }
    const trigger: AttemptTrigger =
      localTrigger ?? (!wasOpen && this.urls.length > 1 ? 'failover' : 'backoff');
    switch (outcome.action) {
      case 'retry-now':
        this.consecutiveImmediate += 1;
        if (this.consecutiveImmediate <= MAX_IMMEDIATE_RETRIES) {
          this.nextDelay = 0;
          this.nextTrigger = trigger;
        } else {
          this.nextDelay = this.backoff.next();
          this.nextTrigger = 'backoff';
        }
        return;
      case 'back-off':
        this.nextDelay = this.backoff.next();
        this.nextTrigger = trigger;
        return;
      case 'refresh-token':
      case 'sign-in':
        // With stored credentials Lookout signs in again by itself, once per incident; only a
        // refusal of the renewed credentials asks the user.
        if (this.renewedThisIncident) {
          this.transition(
            'auth-required',
            `Sign-in refused: the server refused the credentials even after signing in again (${outcome.meaning})`,
          );
          return;
        }
        this.renewedThisIncident = true;
        this.forceRefresh = true;
        this.nextDelay = 0;
        this.nextTrigger = 'token-refreshed';
        return;
      case 'reauth-once':
        // Ambiguous (django's 500: expired session, its Redis down, or a wrong path): renew the
        // credentials once per incident in case they are the cause, and keep backing off either way.
        this.nextDelay = this.backoff.next();
        if (this.renewedThisIncident) {
          this.nextTrigger = trigger;
        } else {
          this.renewedThisIncident = true;
          this.forceRefresh = true;
          this.nextTrigger = 'token-refreshed';
        }
        return;
      case 'stop':
        this.transition('stopped', `Stopped: ${outcome.meaning}`);
        return;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Frames

  private onFrame(socket: InstrumentedSocket, data: RawData, isBinary: boolean): void {
    if (socket !== this.socket) return;
    const now = this.clock.now();
    const size = rawSize(data);
    this.lastFrameAt = now;
    if (isBinary) {
      this.recorder.frameIn(now, '[binary frame]', size, 'binary-frame');
      this.tracker?.frame(now);
      return;
    }
    if (size > this.endpoint.maxPayloadBytes) {
      this.recorder.frameIn(
        now,
        rawHead(data, 200),
        size,
        `oversized: ${size} bytes > ${this.endpoint.maxPayloadBytes}`,
      );
      this.tracker?.frame(now);
      return;
    }
    const text = rawText(data);
    let result: DecodeResult;
    try {
      result = this.codec.decode(text, now);
    } catch (error) {
      // A dialect must not throw; if one does, the frame is rejected, not the session.
      result = {
        rejected: `decoder-error: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
    const frame = this.recorder.frameIn(now, text, size, result.rejected);
    this.apply(result, now, frame);
  }

  private apply(result: DecodeResult, now: number, frame: RawFrame): void {
    const tracker = this.tracker;
    const events = result.events;
    // Only data proves delivery; pongs, acks, greetings, heartbeats and rejects prove the link.
    if (events && events.length > 0) {
      this.lastDataAt = now;
      const first = !this.dataOnConnection;
      this.dataOnConnection = true;
      if (tracker?.data(now)) {
        if (this.current === 'stale') this.transition('open', 'Data is flowing again.');
        this.emit('delivery', null);
      } else if (first) {
        this.emit('delivery', null);
      }
    } else {
      tracker?.frame(now);
    }
    if (result.greeting?.serverTime !== undefined) this.skewMs = result.greeting.serverTime - now;
    if (result.pong?.echo !== undefined) this.recorder.rtt.add(now, now - result.pong.echo);
    if (result.dropped) for (const d of result.dropped) this.countDrop(d.channel, d.reason, frame);
    if (result.resubscribe) {
      // The dialect saw the stream break: ask again from its cursor (only what we subscribe to).
      for (const channel of result.resubscribe)
        if (this.subscriptionSet.has(channel)) this.sendSubscribe(channel);
    }
    if (result.reset?.length) {
      for (const r of result.reset)
        this.channel(r.channel).lastReset = {
          at: now,
          cause: r.cause,
          explanation: RESET_EXPLANATION[r.cause],
        };
      this.emit('reset', result.reset);
    }
    if (result.acks) {
      for (const ack of result.acks) {
        const stats = this.channel(ack.channel);
        stats.acknowledged = ack.op === 'subscribed';
        if (stats.acknowledged) stats.refused = null;
        this.pendingAcks = this.pendingAcks.filter((c) => c !== ack.channel);
      }
    }
    for (const refusal of result.refused ?? []) this.refuse(refusal.channel, refusal.reason);
    if (result.serverError) {
      this.recorder.serverError(now, result.serverError);
      // Servers that answer in order and name no channel (sakura, task-status): an error while a
      // subscription awaits its ack is that subscription's refusal.
      const pending = result.refused?.length ? undefined : this.pendingAcks[0];
      if (pending !== undefined) this.refuse(pending, result.serverError);
    }
    if (events && events.length > 0) {
      this.recorder.events(events.length);
      for (const event of events) {
        const stats = this.channel(event.channel);
        stats.events += 1;
        stats.lastEventAt = now;
        this.frameOf.set(event, frame);
      }
      this.emit('events', events);
    }
  }

  private countDrop(channel: string, reason: DropReason, frame: RawFrame | undefined): void {
    const dropped = this.channel(channel).dropped;
    dropped[reason] = (dropped[reason] ?? 0) + 1;
    this.recorder.dropped(frame, reason);
  }

  private refuse(channel: string, reason: string): void {
    const stats = this.channel(channel);
    stats.acknowledged = false;
    stats.refused = this.redactor.text(reason).slice(0, 300);
    this.pendingAcks = this.pendingAcks.filter((c) => c !== channel);
  }

  /** A new or ended connection: no subscription is acknowledged or refused on it yet. */
  private forgetAcks(): void {
    this.pendingAcks = [];
    for (const stats of this.channelStats.values()) {
      stats.acknowledged = false;
      stats.refused = null;
    }
  }

  private sendSubscribe(channel: string): void {
    if (this.sendFrame(this.codec.subscribe(channel)) && !this.pendingAcks.includes(channel))
      this.pendingAcks.push(channel);
  }

  private channel(name: string): ChannelStats {
    let stats = this.channelStats.get(name);
    if (!stats) {
      stats = {
        events: 0,
        lastEventAt: null,
        acknowledged: false,
        refused: null,
        dropped: {},
        lastReset: null,
      };
      // Bounded: a server inventing channel names must not grow memory without end.
      if (this.channelStats.size < MAX_CHANNELS) this.channelStats.set(name, stats);
    }
    return stats;
  }

  private channelHealth(): ChannelHealth[] {
    const names = new Set([...this.subscriptionSet, ...this.channelStats.keys()]);
    return [...names].map((name) => {
      const stats = this.channelStats.get(name);
      return {
        name,
        subscribed: this.subscriptionSet.has(name),
        acknowledged: stats?.acknowledged ?? false,
        refused: stats?.refused ?? null,
        events: stats?.events ?? 0,
        lastEventAt: stats?.lastEventAt ?? null,
        dropped: { ...stats?.dropped },
        resume: this.codec.resumePoint?.(name) ?? null,
        lastReset: stats?.lastReset ?? null,
      };
    });
  }

  private onPong(socket: InstrumentedSocket): void {
    if (socket !== this.socket) return;
    const now = this.clock.now();
    this.lastFrameAt = now;
    this.tracker?.frame(now);
    if (this.pingSentAt !== null) {
      this.recorder.rtt.add(now, now - this.pingSentAt);
      this.pingSentAt = null;
    }
  }

  private sendFrame(text: string | null): boolean {
    if (text === null) return false;
    const socket = this.socket;
    if (!socket || socket.readyState !== socket.OPEN) {
      this.recorder.reject('send-while-closed');
      return false;
    }
    socket.send(text);
    this.recorder.frameOut(this.clock.now(), text);
    return true;
  }

  private isOpen(): boolean {
    return this.current === 'open' || this.current === 'stale';
  }

  /** Silence is normal right now, by the dialect's own rule (e.g. no running task watched). */
  private isIdle(): boolean {
    try {
      return this.codec.idle?.(this.subscriptions) ?? false;
    } catch {
      return false;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Liveness, sleep and wake

  private scheduleTick(): void {
    const tracker = this.tracker;
    if (!tracker) return;
    this.tickTimer = this.clock.setTimeout(() => {
      this.tickTimer = null;
      this.tick();
      if (this.isOpen()) this.scheduleTick();
    }, tracker.tickMs());
  }

  private tick(): void {
    const tracker = this.tracker;
    const socket = this.socket;
    if (!tracker || !socket || socket.readyState !== socket.OPEN) return;
    const now = this.clock.now();
    for (const action of tracker.check(now, this.isIdle())) {
      switch (action) {
        case 'ping':
          this.ping(socket, now);
          break;
        case 'dead':
          this.pendingLocal = {
            meaning: `No answer from the server for ${formatMs(now - (this.recorder.lastMessageAt ?? now))} although pinged: the connection was half-open (network path lost).`,
            action: 'back-off',
            trigger: 'dead-peer',
          };
          socket.terminate();
          return;
        case 'stale':
          this.transition(
            'stale',
            `No data for ${formatMs(this.liveness.staleAfterMs)}: re-subscribing.`,
          );
          for (const channel of this.subscriptionSet) this.sendSubscribe(channel);
          break;
        case 'stale-reconnect':
          this.pendingLocal = { ...LOCAL.stale, trigger: 'stale' };
          socket.close(1000, 'stale');
          return;
        case 'quiet':
          this.logger.info('no data within the quiet window: delivery unverified', {
            endpoint: this.endpoint.id,
            quietAfterMs: this.liveness.quietAfterMs,
          });
          this.emit('delivery', null);
          break;
      }
    }
  }

  private ping(socket: InstrumentedSocket, now: number): void {
    this.tracker?.pinged(now);
    if (this.liveness.pingIntervalMs > 0) {
      this.pingSentAt = now;
      socket.ping();
    }
    if (this.liveness.appPing) this.sendFrame(this.codec.appPing(now));
  }

  /** Network came back or the machine woke: connect now, or check an open socket at once. */
  private wake(trigger: 'network-online' | 'resume'): void {
    if (this.stopRequested || !this.rws) return;
    if (this.wait) {
      this.nextDelay = 0;
      this.nextTrigger = trigger;
      this.releaseWait();
      return;
    }
    const socket = this.socket;
    if (trigger === 'resume' && socket && socket.readyState === socket.OPEN && this.tracker) {
      // After sleep the socket is often dead without knowing it: ping now and expect an answer soon.
      const now = this.clock.now();
      this.ping(socket, now);
      const deadline = Math.min(this.liveness.deadAfterMs || 5_000, 5_000);
      const probe = this.clock.setTimeout(() => {
        if (
          this.socket === socket &&
          this.pingSentAt !== null &&
          socket.readyState === socket.OPEN
        ) {
          this.pendingLocal = {
            meaning: 'No answer after the machine woke up: reconnecting.',
            action: 'retry-now',
            trigger: 'resume',
          };
          socket.terminate();
        }
      }, deadline);
      socket.once('close', () => this.clock.clearTimeout(probe));
    }
  }

  /** A watchdog whose lateness reveals that the process was suspended (laptop lid closed). */
  private armWatchdog(): void {
    const period = Math.max(1_000, Math.floor(this.sleepDetectionMs / 2));
    this.watchdogExpected = this.clock.now() + period;
    this.watchdogTimer = this.clock.setTimeout(() => {
      const late = this.clock.now() - this.watchdogExpected;
      if (late >= this.sleepDetectionMs) {
        this.logger.info('timers fired late: the machine probably slept', {
          endpoint: this.endpoint.id,
          lateMs: late,
        });
        this.wake('resume');
      }
      if (!this.stopRequested) this.armWatchdog();
    }, period);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = this.clock.setTimeout(() => {
        this.wait = null;
        resolve();
      }, ms);
      this.wait = { timer, resolve, until: this.clock.now() + ms };
    });
  }

  private releaseWait(): void {
    const wait = this.wait;
    if (!wait) return;
    this.wait = null;
    this.clock.clearTimeout(wait.timer);
    wait.resolve();
  }

  private clearConnectionTimers(): void {
    if (this.tickTimer) this.clock.clearTimeout(this.tickTimer);
    if (this.stableTimer) this.clock.clearTimeout(this.stableTimer);
    this.tickTimer = null;
    this.stableTimer = null;
    this.pingSentAt = null;
    this.tracker = null;
  }

  private clearTimers(): void {
    this.clearConnectionTimers();
    if (this.watchdogTimer) this.clock.clearTimeout(this.watchdogTimer);
    this.watchdogTimer = null;
  }

  private transition(to: ConnectionState, reason: string): void {
    const from = this.current;
    if (from === to && to !== 'backing-off') return;
    const at = this.clock.now();
    this.current = to;
    this.since = at;
    const change: StateChange = {
      endpoint: this.endpoint.id,
      from,
      to,
      reason: this.redactor.text(reason),
      at,
    };
    this.recorder.state(change);
    this.logger.info('connection state', { ...change });
    this.emit('state', change);
  }
}

function describeTrigger(trigger: AttemptTrigger): string {
  switch (trigger) {
    case 'start':
      return 'Connecting.';
    case 'backoff':
      return 'Reconnecting after backoff.';
    case 'network-online':
      return 'Network is back: reconnecting now.';
    case 'resume':
      return 'The machine woke up: reconnecting now.';
    case 'manual':
      return 'Reconnect requested.';
    case 'stale':
      return 'Reconnecting a silent connection.';
    case 'dead-peer':
      return 'Reconnecting after the server stopped answering.';
    case 'token-refreshed':
      return 'Reconnecting with renewed credentials (signed in again).';
    case 'failover':
      return 'Trying the next server URL.';
  }
}

/** Per-channel tallies for the diagnostics panel. */
interface ChannelStats {
  events: number;
  lastEventAt: number | null;
  acknowledged: boolean;
  refused: string | null;
  /** Events that arrived here but were not applied as new, by reason. */
  dropped: Partial<Record<DropReason, number>>;
  lastReset: ChannelHealth['lastReset'];
}

/** What the upgrade carried, without the secrets: its Origin and the kind of credentials. */
function sentFacts(
  headers: Record<string, string>,
  creds: { token?: string; cookie?: string },
): AttemptRecord['sent'] {
  const origin = Object.entries(headers).find(([k]) => k.toLowerCase() === 'origin')?.[1];
  return {
    ...(origin ? { origin } : {}),
    credentials: creds.cookie ? 'cookie' : creds.token ? 'token' : 'none',
  };
}

function formatMs(ms: number): string {
  return ms >= 1_000 ? `${(ms / 1_000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

function rawSize(data: RawData): number {
  if (Buffer.isBuffer(data)) return data.length;
  if (Array.isArray(data)) return data.reduce((n, b) => n + b.length, 0);
  return data.byteLength;
}

function rawText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

function rawHead(data: RawData, bytes: number): string {
  const buf = Buffer.isBuffer(data)
    ? data
    : Array.isArray(data)
      ? Buffer.concat(data)
      : Buffer.from(data);
  return buf.subarray(0, bytes).toString('utf8');
}
