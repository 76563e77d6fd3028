/**
 * `Session`: one live connection to one configured endpoint, the façade over the connection
 * machine, the reconnect driver, frame intake, liveness and the recorder (each in its own file here).
 */
import { endpointUrls, type EndpointConfig } from '../../../shared/config/endpoint';
import type {
  AttemptOutcome,
  AttemptRecord,
  AttemptTrigger,
  ChannelReset,
  ConnectionState,
  DropReason,
  SessionDiagnostics,
  SessionDiagnosticsWithFrames,
  StateChange,
  SupportAction,
  SupportActionResult,
} from '../../../shared/model/connection';
import { MAX_RAW_FRAME_CHARS } from '../../../shared/model/connection';
import type { FrameDetail, FramePage } from '../../../shared/model/frame-log';
import {
  SESSION_EXPORT_KIND,
  SESSION_EXPORT_VERSION,
  type SessionExport,
} from '../../../shared/model/session-export';
import type { LiveEvent } from '../../../shared/model/live-event';
import { subscriptionsOf, type Dialect, type DialectCodec } from '../dialects/dialect';
import { Redactor } from '../kernel/redact';
import { DEFAULT_RECORDER_LIMITS, SessionRecorder } from './session-recorder';
import { frameDetail, framePage, type FrameContext } from './frame-detail';
import { handshakeExchange, plannedRequest } from './handshake-record';
import { classifyEnding, transportOutcome } from './close-policy';
import {
  decide,
  formatMs,
  initialMachine,
  LOCAL_ENDINGS,
  type Effect,
  type MachineContext,
  type MachineInput,
  type MachineState,
} from './connection-machine';
import { FrameIntake } from './frame-intake';
import type { InstrumentedSocket } from './instrumented-socket';
import type { LivenessConfig } from './liveness';
import { LivenessMonitor } from './liveness-monitor';
import { sendOpenSequence, sentFacts, socketPlan } from './open-sequence';
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
} from '../kernel/ports';
import { ReconnectDriver, type Prepared } from './reconnect-driver';
import { SleepWatchdog } from './sleep-watchdog';
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

/**
 * One live connection to one configured endpoint. A façade over small parts: the pure
 * connection machine decides (`connection-machine.ts`), the reconnect driver runs the one loop
 * on the clock port (`reconnect-driver.ts`), frames go through the intake (`frame-intake.ts`),
 * liveness runs while open (`liveness-monitor.ts`), and the recorder keeps what Diagnostics shows.
 * The session executes the machine's effects and answers its owner. Bad frames are counted,
 * never thrown.
 */
export class Session extends TypedEmitter<SessionEvents> {
  readonly endpoint: EndpointConfig;
  readonly dialect: Dialect;
  private readonly codec: DialectCodec;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly redactor: Redactor;
  private readonly recorder: SessionRecorder;
  private readonly urls: string[];
  private readonly subscriptionSet: Set<string>;
  private readonly system: SystemEvents | undefined;
  private readonly transport: EndpointTransport | undefined;
  private readonly unsubscribeSystem: Array<() => void> = [];
  private readonly context: MachineContext;
  private readonly driver: ReconnectDriver;
  private readonly intake: FrameIntake;
  private readonly liveness: LivenessMonitor;
  private readonly watchdog: SleepWatchdog;

  /** The machine's state: the only place where the connection's control flow is kept. */
  private machine: MachineState = initialMachine();
  /** When the announced state began. */
  private since: number;
  /** The current (or last) attempt's record, and whether its outcome is recorded. */
  private attempt: AttemptRecord | null = null;
  private attemptFinished = false;
  private recoveredAt: number | null = null;

  constructor(options: SessionOptions) {
    const logger = options.ports?.logger ?? silentLogger;
    super((error, event) =>
      logger.error('session listener failed', { event: String(event), error: String(error) }),
    );
    const ports = options.ports ?? {};
    const endpoint = options.endpoint;
    this.endpoint = endpoint;
    this.dialect = options.dialect;
    this.clock = ports.clock ?? systemClock;
    this.logger = logger;
    this.redactor = ports.redactor ?? new Redactor();
    this.recorder = new SessionRecorder(this.redactor, {
      ...DEFAULT_RECORDER_LIMITS,
      frameLogBytes: endpoint.frameLogBytes,
    });
    this.system = ports.system;
    this.transport = ports.transport;
    this.urls = endpointUrls(endpoint);
    this.codec = options.dialect.create(endpoint);
    this.subscriptionSet = new Set(subscriptionsOf(endpoint, options.dialect));
    this.context = {
      backoff: endpoint.backoff,
      urlCount: this.urls.length,
      random: ports.random ?? Math.random,
    };
    const credentials: CredentialProvider = ports.credentials ?? noCredentials;
    this.driver = new ReconnectDriver(this.clock, credentials, this.codec, {
      waitOver: (attempt) => this.feed({ type: 'wait-elapsed', attempt }),
      prepared: (attempt, result) => this.onPrepared(attempt, result),
      stable: () => this.feed({ type: 'stable' }),
      opened: (socket) => this.onOpen(socket),
      frame: (data, isBinary) => this.intake.frame(data, isBinary, this.clock.now()),
      pong: (data) => this.onPong(data),
      serverPing: (data) => {
        const now = this.clock.now();
        this.intake.touched(now);
        this.liveness.frame(now);
        this.recorder.control(now, 'in', 'ping', {
          text: data.toString('utf8'),
          size: data.length,
        });
        // ws answers every ping by itself (autoPong): the answer is a row too.
        this.recorder.control(now, 'out', 'pong', {
          text: data.toString('utf8'),
          size: data.length,
        });
      },
      closed: (socket, code, reason) => this.onClosed(socket, code, reason),
    });
    this.intake = new FrameIntake(
      this.codec,
      this.recorder,
      this.redactor,
      endpoint.maxPayloadBytes,
      {
        events: (events) => this.emit('events', events),
        reset: (resets) => this.emit('reset', resets),
        data: (now, first) => {
          if (this.liveness.data(now)) {
            this.feed({ type: 'data-resumed' });
            this.emit('delivery', null);
          } else if (first) {
            this.emit('delivery', null);
          }
        },
        frame: (now) => this.liveness.frame(now),
        resubscribe: (channels) => {
          for (const channel of channels)
            if (this.subscriptionSet.has(channel)) this.sendSubscribe(channel);
        },
      },
    );
    this.liveness = new LivenessMonitor(
      livenessConfig(options.dialect, endpoint),
      this.clock,
      this.recorder.rtt,
      {
        open: () => this.isSocketOpen(),
        wsPing: () => this.wsPing(),
        appPing: (now) => this.sendFrame(this.codec.appPing(now)),
        idle: () => this.isIdle(),
        dead: (now) =>
          this.feed({
            type: 'end-socket',
            how: 'terminate',
            ending: {
              meaning: `No answer from the server for ${formatMs(now - (this.recorder.lastMessageAt ?? now))} although pinged: the connection was half-open (network path lost).`,
              action: 'back-off',
              trigger: 'dead-peer',
            },
          }),
        stale: () => this.feed({ type: 'stale', silentMs: this.liveness.config.staleAfterMs }),
        staleAgain: () =>
          this.feed({
            type: 'end-socket',
            how: 'close',
            reason: 'stale',
            ending: { ...LOCAL_ENDINGS.stale, trigger: 'stale' },
          }),
        quiet: () => {
          this.logger.info('no data within the quiet window: delivery unverified', {
            endpoint: this.endpoint.id,
            quietAfterMs: this.liveness.config.quietAfterMs,
          });
          this.emit('delivery', null);
        },
        noAnswerAfterWake: () =>
          this.feed({
            type: 'end-socket',
            how: 'terminate',
            ending: {
              meaning: 'No answer after the machine woke up: reconnecting.',
              action: 'retry-now',
              trigger: 'resume',
            },
          }),
      },
    );
    this.watchdog = new SleepWatchdog(this.clock, options.sleepDetectionMs ?? 10_000, (lateMs) => {
      this.logger.info('timers fired late: the machine probably slept', {
        endpoint: this.endpoint.id,
        lateMs,
      });
      this.feed({ type: 'wake', trigger: 'resume' });
    });
    this.since = this.clock.now();
  }

  get state(): ConnectionState {
    return this.machine.announced;
  }

  get subscriptions(): string[] {
    return [...this.subscriptionSet];
  }

  /** Open the connection (idempotent). */
  start(): void {
    if (this.machine.running) return;
    if (this.system && this.unsubscribeSystem.length === 0) {
      this.unsubscribeSystem.push(
        this.system.on('online', () => this.feed({ type: 'wake', trigger: 'network-online' })),
      );
      this.unsubscribeSystem.push(
        this.system.on('resume', () => this.feed({ type: 'wake', trigger: 'resume' })),
      );
    }
    this.watchdog.start();
    this.feed({ type: 'start' });
  }

  /** Close for good (until `start` or `reconnect`). Resolves when the socket is closed. */
  async stop(): Promise<void> {
    this.watchdog.stop();
    this.liveness.stop();
    for (const off of this.unsubscribeSystem.splice(0)) off();
    this.feed({ type: 'stop' });
    await this.driver.closeForGood();
  }

  /** Reconnect now: after sign-in, from the tray's "reconnect all", or the diagnostics panel. */
  reconnect(trigger: AttemptTrigger = 'manual'): void {
    if (!this.machine.running) {
      this.start();
      return;
    }
    this.feed({ type: 'reconnect', trigger });
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
   * A support action from Diagnostics, done now or refused with a reason; never queued. Each is
   * written to the reconnect journal. `ping` resolves when the pong comes (or after 5 s).
   */
  async act(action: SupportAction, text?: string): Promise<SupportActionResult> {
    const result = await this.runAction(action, text);
    this.recorder.action({
      at: this.clock.now(),
      action,
      ok: result.ok,
      detail: result.ok ? result.detail : result.reason,
    });
    return result;
  }

  /** The frame log's rows after `afterId` (all when null), for the Diagnostics log. */
  framePage(afterId: number | null): FramePage {
    return framePage(this.frameContext(), afterId);
  }

  /** One frame for the inspector, or null when it has left the log. */
  frameDetail(id: number): FrameDetail | null {
    return frameDetail(this.frameContext(), id);
  }

  /** The whole session for a file: the journal and every frame with its detail, all redacted. */
  exportSession(): SessionExport {
    const ctx = this.frameContext();
    const d = this.diagnostics();
    const frames: FrameDetail[] = [];
    for (const f of ctx.log.after(null, Number.MAX_SAFE_INTEGER)) {
      const detail = frameDetail(ctx, f.id);
      if (detail) frames.push(detail);
    }
    return {
      header: {
        kind: SESSION_EXPORT_KIND,
        version: SESSION_EXPORT_VERSION,
        endpoint: this.endpoint.id,
        name: this.redactor.text(this.endpoint.name),
        dialect: this.dialect.id,
        url: d.url,
        exportedAt: this.clock.now(),
        frameLogBytes: ctx.log.limitBytes,
      },
      attempts: d.attempts,
      states: d.timeline,
      actions: d.actions,
      frames,
    };
  }

  /**
   * An event this session emitted was not applied as new downstream (the model found it a
   * duplicate, or a copy of an occurrence it already has): counted on its channel and marked on
   * the frame it came in, so "received but not shown" is never silent.
   */
  noteDropped(event: LiveEvent, reason: DropReason): void {
    this.intake.dropped(event, reason);
  }

  /** Everything Diagnostics knows about this session, with the newest frame log rows (the bundle). */
  diagnostics(): SessionDiagnosticsWithFrames {
    const d = this.describe(true);
    return { ...d, frames: d.frames ?? [] };
  }

  /**
   * The same without the frame log rows: what the live push and the renderer's snapshots carry
   * (the frame log view pages the log itself), so an open Diagnostics panel costs no redaction of
   * hundreds of previews per endpoint every second.
   */
  liveDiagnostics(): SessionDiagnostics {
    return this.describe(false);
  }

  private describe(withFrames: boolean): SessionDiagnostics {
    return {
      ...this.recorder.snapshot(
        {
          endpoint: this.endpoint.id,
          dialect: this.dialect.id,
          url: this.currentUrl(),
          state: this.state,
          since: this.since,
          stale: this.liveness.stale,
          subscriptions: this.subscriptions,
        },
        withFrames,
      ),
      lastDataAt: this.intake.lastDataAt,
      lastFrameAt: this.intake.lastFrameAt,
      recoveredAt: this.recoveredAt,
      channels: this.intake.channelHealth(this.subscriptionSet),
      clockSkewMs: this.intake.skewMs,
      nextAttemptAt: this.driver.nextAttemptAt,
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
      nextAttemptAt: this.driver.nextAttemptAt,
    };
  }

  /** The current (or last) attempt: its trigger, URL and what its upgrade carried. */
  get currentAttempt(): Readonly<AttemptRecord> | null {
    return this.attempt;
  }

  /** What the session knows about delivery now: the input of the health facet. */
  delivery(): DeliveryFacts {
    const tracker = this.liveness.current;
    const open = this.isOpen() && tracker !== null;
    const quietAfterMs = this.liveness.config.quietAfterMs;
    return {
      open,
      openedAt: open ? (this.attempt?.openedAt ?? null) : null,
      lastDataAt: this.intake.lastDataAt,
      silentSince: open ? tracker.silentSince : null,
      quietTooLong: open && tracker.quiet,
      idle: quietAfterMs === 0 || this.isIdle(),
      quietAfterMs,
    };
  }

  // ---------------------------------------------------------------------------------------------
  // The machine and its effects

  /** Tell the machine what happened and carry out what it decides. */
  private feed(input: MachineInput): void {
    const { state, effects } = decide(this.machine, input, this.context);
    this.machine = state;
    for (const effect of effects) this.execute(effect);
  }

  private execute(effect: Effect): void {
    switch (effect.type) {
      case 'announce':
        return this.announce(effect.from, effect.to, effect.reason);
      case 'schedule-attempt':
        return this.driver.schedule(effect.attempt, effect.ms);
      case 'cancel-wait':
        return this.driver.cancelWait();
      case 'fetch-credentials':
        return this.driver.prepare(effect.attempt, effect.forceRefresh, this.currentUrl());
      case 'open-socket':
        return this.openAttempt();
      case 'close-socket':
        return this.driver.close(effect.how, effect.code, effect.reason);
      case 'begin-connection':
        return this.beginConnection();
      case 'resubscribe':
        for (const channel of this.subscriptionSet) this.sendSubscribe(channel);
        return;
      case 'probe-after-wake':
        return this.liveness.probeAfterWake();
    }
  }

  /** The machine announced a state: one `state` event, logged and recorded. */
  private announce(from: ConnectionState, to: ConnectionState, reason: string): void {
    const at = this.clock.now();
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

  // ---------------------------------------------------------------------------------------------
  // Attempts

  /** Credentials fetched (or not) for attempt `n`: open its socket, or record why not. */
  private onPrepared(n: number, result: Prepared): void {
    if (n !== this.machine.attempt || this.machine.phase !== 'credentials') return;
    const creds = result.ok ? result.credentials : result.credentials;
    if (creds) {
      this.redactor.addSecret(creds.token);
      this.redactor.addSecret(creds.cookie);
    }
    if (result.ok) {
      this.prepared = result;
      this.feed({ type: 'credentials-ok', attempt: n });
      return;
    }
    const error = result.error;
    const message = error instanceof Error ? error.message : String(error);
    const record = this.beginAttempt(this.currentUrl());
    if (error instanceof CredentialsError) {
      const head = error.kind === 'refused' ? 'Sign-in refused' : 'Sign-in needed';
      this.finish(record, {
        error: 'credentials',
        meaning: `${head}: ${message}`,
        action: 'sign-in',
      });
      this.feed({
        type: 'credentials-failed',
        attempt: n,
        userMustAct: true,
        reason: `${head}: ${this.redactor.text(message)}`,
      });
      return;
    }
    // A sign-in or refresh over HTTP that met a proxy or certificate problem says so, in the same
    // words as the WebSocket's.
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
    this.feed({ type: 'credentials-failed', attempt: n, userMustAct: false, reason: message });
  }

  /** The handshake of the attempt whose credentials just came, kept until its socket opens. */
  private prepared: Extract<Prepared, { ok: true }> | null = null;

  private openAttempt(): void {
    const prepared = this.prepared;
    this.prepared = null;
    if (!prepared) return;
    const { handshake, credentials } = prepared;
    const record = this.beginAttempt(handshake.url);
    record.sent = sentFacts(handshake.headers, credentials);
    // What goes out, until the server's answer shows what really went (ws adds its own headers).
    record.handshake = { request: plannedRequest(handshake.url, handshake.headers, this.redactor) };
    const timeoutMs = this.endpoint.handshakeTimeoutMs;
    this.driver.open(handshake.url, {
      ...socketPlan(this.endpoint, handshake.headers),
      ...(this.transport ? { agent: this.transport.agent(timeoutMs) } : {}),
    });
  }

  private beginAttempt(url: string): AttemptRecord {
    this.attemptFinished = false;
    this.attempt = this.recorder.attempt({
      trigger: this.machine.trigger,
      delayMs: this.machine.delayMs,
      url,
      startedAt: this.clock.now(),
    });
    return this.attempt;
  }

  private onOpen(socket: InstrumentedSocket): void {
    if (this.machine.phase !== 'connecting') return;
    const now = this.clock.now();
    if (this.attempt) {
      this.attempt.openedAt = now;
      const headers = socket.facts.upgradeHeaders;
      if (headers) this.attempt.handshakeHeaders = this.redactor.headers(headers);
      if (socket.facts.transport) this.attempt.transport = socket.facts.transport;
      this.attempt.handshake = handshakeExchange(
        socket.facts,
        this.attempt.handshake,
        this.redactor,
      );
    }
    this.intake.opened(now);
    this.liveness.opened(now);
    // The failure before this open is history now: shown as "recovered at", not as current.
    if (this.recorder.lastOutcome) this.recoveredAt = now;
    this.feed({ type: 'opened', url: this.redactor.url(this.currentUrl()) });
  }

  /** The machine's `begin-connection`: opening frames, subscriptions, liveness, the stable timer. */
  private beginConnection(): void {
    for (const channel of sendOpenSequence(this.codec, this.subscriptionSet, (frame) =>
      this.sendFrame(frame),
    ))
      this.intake.awaitAck(channel);
    this.liveness.start(this.clock.now());
    this.driver.armStable(this.endpoint.backoff.stableAfterMs);
  }

  /** The current socket closed: record how, in the close policy's words, and let the machine decide. */
  private onClosed(socket: InstrumentedSocket, code: number, reason: string): void {
    const attempt = this.attempt;
    this.liveness.stop();
    // Acks and refusals belong to the connection that just ended: channel rows follow the socket.
    this.intake.forgetAcks();
    if (!attempt || this.attemptFinished) return;
    if (socket.facts.transport) attempt.transport = socket.facts.transport;
    if (attempt.openedAt !== undefined)
      // The close as a row of the frame log: ours when the machine ended it, else the server's
      // (or nobody's: 1006, no close frame at all).
      this.recorder.control(this.clock.now(), this.machine.ending ? 'out' : 'in', 'close', {
        closeCode: code,
        text: reason,
      });
    else attempt.handshake = handshakeExchange(socket.facts, attempt.handshake, this.redactor);
    const outcome = classifyEnding({
      facts: socket.facts,
      closeCode: code,
      closeReason: reason || undefined,
      local: this.machine.ending ?? undefined,
      closeOverrides: this.dialect.closeOverrides,
      handshakeOverrides: this.dialect.handshakeOverrides,
      explainRefusal: (status) =>
        attempt.sent ? this.dialect.explainRefusal?.(status, attempt.sent, attempt.url) : undefined,
    });
    this.finish(attempt, outcome);
    this.feed({ type: 'ended', outcome });
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

  // ---------------------------------------------------------------------------------------------
  // Frames out

  private sendSubscribe(channel: string, manual = false): void {
    if (this.sendFrame(this.codec.subscribe(channel), manual)) this.intake.awaitAck(channel);
  }

  private sendFrame(text: string | null, manual = false): boolean {
    if (text === null) return false;
    if (!this.driver.send(text)) {
      this.recorder.reject('send-while-closed');
      return false;
    }
    this.recorder.frameOut(this.clock.now(), text, manual);
    return true;
  }

  // ---------------------------------------------------------------------------------------------
  // Pings and support actions

  /** Pings sent by hand, by the token their pong echoes. */
  private readonly manualPings = new Map<
    string,
    { sentAt: number; resolve: (rtt: number | null) => void }
  >();
  private manualPingCount = 0;

  /** Liveness's WebSocket ping, as a row of the log. */
  private wsPing(): boolean {
    if (!this.driver.ping()) return false;
    this.recorder.control(this.clock.now(), 'out', 'ping');
    return true;
  }

  private onPong(data: Buffer): void {
    const now = this.clock.now();
    this.intake.touched(now);
    const token = data.toString('utf8');
    const manual = token ? this.manualPings.get(token) : undefined;
    if (manual) {
      this.manualPings.delete(token);
      const rttMs = now - manual.sentAt;
      this.liveness.frame(now);
      this.recorder.rtt.add(now, rttMs);
      this.recorder.control(now, 'in', 'pong', { text: token, rttMs, manual: true });
      manual.resolve(rttMs);
      return;
    }
    const rtt = this.liveness.pong(now);
    this.recorder.control(now, 'in', 'pong', {
      text: token,
      ...(rtt !== null ? { rttMs: rtt } : {}),
    });
  }

  private async runAction(action: SupportAction, text?: string): Promise<SupportActionResult> {
    const closed = this.refusalWhileClosed(action);
    if (closed) return { ok: false, reason: closed };
    switch (action) {
      case 'reconnect':
        this.reconnect('manual');
        return { ok: true, detail: 'Reconnecting now (the journal shows the new attempt).' };
      case 'resubscribe': {
        const channels = this.subscriptions;
        if (channels.length === 0)
          return { ok: false, reason: 'This endpoint has no subscriptions to send again.' };
        for (const channel of channels) this.sendSubscribe(channel, true);
        return { ok: true, detail: `Sent the subscription again: ${channels.join(', ')}.` };
      }
      case 'send': {
        if (text === undefined || text.length === 0)
          return { ok: false, reason: 'Type the frame to send first.' };
        if (text.length > MAX_RAW_FRAME_CHARS)
          return {
            ok: false,
            reason: `The frame is ${text.length} characters; the most Lookout sends by hand is ${MAX_RAW_FRAME_CHARS}.`,
          };
        if (!this.sendFrame(text, true))
          return { ok: false, reason: 'The socket closed before the frame could go: not sent.' };
        return {
          ok: true,
          detail: `Sent ${text.length} characters by hand: ${this.redactor.preview(text, 200)}`,
        };
      }
      case 'ping':
        return this.pingNow();
    }
  }

  /** Why an action cannot run now (nothing is queued), or null when it can. */
  private refusalWhileClosed(action: SupportAction): string | null {
    if (action === 'reconnect') return null;
    if (this.isSocketOpen()) return null;
    const what =
      action === 'ping' ? 'Ping' : action === 'resubscribe' ? 'Re-subscribe' : 'Sending a frame';
    return `${what} needs an open connection, and this one is ${this.state}: nothing was queued. Reconnect first, then try again.`;
  }

  private pingNow(): Promise<SupportActionResult> {
    this.manualPingCount += 1;
    const token = `lookout-ping-${this.manualPingCount}`;
    const sentAt = this.clock.now();
    if (!this.driver.ping(token))
      return Promise.resolve({
        ok: false,
        reason: 'The socket closed before the ping could go: nothing was queued.',
      });
    this.recorder.control(sentAt, 'out', 'ping', { text: token, manual: true });
    return new Promise<number | null>((resolve) => {
      const timer = this.clock.setTimeout(() => {
        this.manualPings.delete(token);
        resolve(null);
      }, MANUAL_PING_WAIT_MS);
      this.manualPings.set(token, {
        sentAt,
        resolve: (rtt) => {
          this.clock.clearTimeout(timer);
          resolve(rtt);
        },
      });
    }).then((rtt): SupportActionResult =>
      rtt === null
        ? {
            ok: false,
            reason: `No pong within ${formatMs(MANUAL_PING_WAIT_MS)}: the server or the network path is not answering.`,
          }
        : { ok: true, detail: `Pong after ${rtt} ms.`, rttMs: rtt },
    );
  }

  private frameContext(): FrameContext {
    return {
      endpoint: this.endpoint.id,
      log: this.recorder.frames,
      attempts: this.recorder.attemptRecords(),
      redactor: this.redactor,
      previewChars: DEFAULT_RECORDER_LIMITS.previewChars,
      ...(this.dialect.closeOverrides ? { closeOverrides: this.dialect.closeOverrides } : {}),
      redecode: (text, receivedAt) => this.freshCodec().decode(text, receivedAt),
    };
  }

  /**
   * A codec of this endpoint's dialect primed as a new connection would be (opening frames, then
   * the subscriptions), for the inspector's re-reading of one frame: fresh each time, so no
   * reading moves the state of another (or of the live codec).
   */
  private freshCodec(): DialectCodec {
    const codec = this.dialect.create(this.endpoint);
    codec.onOpen();
    for (const channel of this.subscriptionSet) codec.subscribe(channel);
    return codec;
  }

  private currentUrl(): string {
    return this.urls[this.machine.urlIndex] ?? this.urls[0] ?? '';
  }

  private isOpen(): boolean {
    return this.state === 'open' || this.state === 'stale';
  }

  private isSocketOpen(): boolean {
    const socket = this.driver.socket;
    return socket !== null && socket.readyState === socket.OPEN;
  }

  /** Silence is normal right now, by the dialect's own rule (e.g. no running task watched). */
  private isIdle(): boolean {
    try {
      return this.codec.idle?.(this.subscriptions) ?? false;
    } catch {
      return false;
    }
  }
}

/** How long "ping now" waits for its pong. */
const MANUAL_PING_WAIT_MS = 5_000;

/** Effective liveness settings: the dialect's rules with the endpoint's overrides. */
function livenessConfig(dialect: Dialect, endpoint: EndpointConfig): LivenessConfig {
  const rules = dialect.liveness;
  const overrides = endpoint.liveness;
  return {
    pingIntervalMs: overrides.pingIntervalMs ?? rules.pingIntervalMs,
    deadAfterMs: overrides.deadAfterMs ?? rules.deadAfterMs,
    staleAfterMs: overrides.staleAfterMs ?? rules.staleAfterMs,
    quietAfterMs: overrides.quietAfterMs ?? rules.quietAfterMs,
    appPing: overrides.appPing ?? rules.appPing,
  };
}
