import type { Duplex } from 'node:stream';
import type WebSocket from 'ws';
import { LOOKOUT_CLOSE } from '../../../shared/close-codes';
import {
  CLIENT_FRAME_TYPES,
  LOOKOUT_PROTOCOL_VERSION,
  clientFrameSchema,
  type ErrorCode,
  type ResetReason,
  type ServerFrame,
  type WireEvent,
  type WireLimits,
} from '../../../shared/protocol/lookout-wire';
import { canSubscribe } from '../auth/channel-rights';
import type { Principal } from '../auth/tokens';
import type { GatewayLogger } from '../logger';
import { TokenBucket, type GatewayMetrics } from '../metrics';
import { StorageUnavailableError, type EventLog, type LogCursor } from '../storage/event-log';
import { eventFrame, framePayload } from './event-frames';
import type { Expiring, ExpiryWheel } from './expiry-wheel';
import type { FanOutSubscriber } from './fan-out';
import type { Beating, HeartbeatWheel } from './heartbeat-wheel';

/** What a connection needs from the gateway around it. */
export interface ConnectionContext {
  log: EventLog;
  metrics: GatewayMetrics;
  logger: GatewayLogger;
  limits: WireLimits;
  heartbeatMs: number;
  /** The one timer that beats every connection (PING + heartbeat frame each `heartbeatMs`). */
  heartbeats: HeartbeatWheel;
  /** The one timer that closes every connection whose token expires mid-session (4011). */
  expiries: ExpiryWheel;
  instanceId: string;
  /** Most events replayed in one go; a larger gap answers `reset`. */
  maxReplay: number;
  /** Bytes queued for the client past which it is closed with 4014 (the slow-client policy). */
  sendBudgetBytes: number;
  /** How long a replay waits for a client to take what is queued before closing it with 4014. */
  stallTimeoutMs: number;
  /** Register / drop this connection as a local subscriber of a channel (the hub ref-counts log watches). */
  attach(channel: string, connection: ClientConnection): void;
  detach(channel: string, connection: ClientConnection): void;
  /** The connection ended (either side closed it): it no longer counts as open. */
  closed(connection: ClientConnection): void;
  /**
   * Its transport has closed for good: it holds no unsent bytes any more (a connection we closed
   * is `closed` first and `gone` once its close frame has left; one the peer dropped, both at once).
   */
  gone(connection: ClientConnection): void;
}

interface Subscription {
  /** The epoch `cursor` belongs to (null until the log first answered). */
  epoch: string | null;
  /** Epochs this subscription has left: their late events are dropped, not chased. */
  left: string[];
  /** Last seq sent to the client on this channel. */
  cursor: number;
  /** Replay or catch-up in flight: live events wait in `buffer` so order is kept. */
  busy: boolean;
  buffer: WireEvent[];
  /** Bumped on every (re)subscribe so a stale replay result is dropped. */
  generation: number;
}

const BUFFER_LIMIT = 2_000;
/** Left epochs remembered per subscription (a channel rarely starts over twice in a row). */
const LEFT_EPOCHS = 4;

/** What a client at some cursor is owed: maybe a reset first, then events after the cursor. */
interface Owed {
  epoch: string;
  head: number;
  /** Set when the cursor's history cannot be replayed: the client's cursor becomes `reset.head`. */
  reset: { reason: ResetReason; head: number } | null;
  events: WireEvent[];
}

/** How long a client closed for being slow has to read up to its close frame. */
const SLOW_CLOSE_GRACE_MS = 5_000;

/**
 * One authenticated client socket: frame validation, limits, subscriptions with replay, and
 * in-order, gap-free delivery (a gap triggers a catch-up from the log; a duplicate is dropped).
 */
export class ClientConnection implements FanOutSubscriber, Beating, Expiring {
  private readonly subs = new Map<string, Subscription>();
  private readonly bucket: TokenBucket;
  /**
   * Payload of our last PING until the client echoes it. Only that echo proves the client reads:
   * a PONG nobody asked for (which a client that never reads can send all day) proves nothing.
   */
  private awaitedPong: Buffer | null = null;
  private ended = false;
  /**
   * Events are written to the socket as frames built once for all (`event-frames.ts`). Only
   * without an extension: `ws` then writes each frame at once, in call order, so the two paths
   * interleave correctly. (The gateway negotiates none; this keeps it right if one is ever enabled.)
   */
  private readonly prebuiltFrames: boolean;

  /**
   * @param socket the upgraded TCP socket under `ws` (the one `ws` writes its frames to): corked
   *   while a batch of events is delivered, so the batch leaves in one write.
   */
  constructor(
    private readonly ws: WebSocket,
    private readonly socket: Duplex,
    readonly id: string,
    readonly principal: Principal,
    private readonly ctx: ConnectionContext,
    /** The client's address (`X-Forwarded-For` through trusted proxies), for the logs. */
    readonly address = 'unknown',
  ) {
    this.bucket = new TokenBucket(ctx.limits.ratePerSecond, ctx.limits.rateBurst);
    this.prebuiltFrames = ws.extensions === '';
  }

  get subscriptionCount(): number {
    return this.subs.size;
  }

  /** Bytes queued for this client and not yet taken by its TCP stack. */
  get bufferedBytes(): number {
    return this.ws.bufferedAmount;
  }

  start(): void {
    this.ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    this.ws.on('pong', (data) => this.onPong(data));
    this.ws.on('close', () => {
      this.ctx.gone(this);
      this.cleanup();
    });
    this.ws.on('error', () => this.ctx.metrics.count('ws.socketErrors'));
    this.send({
      type: 'hello',
      protocol: LOOKOUT_PROTOCOL_VERSION,
      serverTime: Date.now(),
      connectionId: this.id,
      instanceId: this.ctx.instanceId,
      heartbeatMs: this.ctx.heartbeatMs,
      limits: this.ctx.limits,
      user: { sub: this.principal.sub, role: this.principal.role },
      tokenExpiresAt: this.principal.exp,
    });
    this.ctx.heartbeats.add(this);
    this.ctx.expiries.add(this, this.principal.exp);
  }

  /** Called by the expiry wheel: the token expired mid-session, "refresh and come back". */
  expire(): void {
    this.ctx.metrics.count('auth.expiredMidSession');
    this.close(LOOKOUT_CLOSE.AUTH_EXPIRED, 'token expired');
  }

  /** Close with a protocol close code (reason kept under the 123-byte limit). */
  close(code: number, reason: string): void {
    if (this.ended) return;
    this.ctx.metrics.count(`close.${code}`);
    try {
      this.ws.close(code, reason.slice(0, 120));
    } catch {
      this.ws.terminate();
    }
    this.cleanup();
  }

  /** A new event of a channel this connection is subscribed to. */
  deliver(event: WireEvent): void {
    const sub = this.subs.get(event.channel);
    if (!sub) return;
    if (sub.busy) {
      // Past the limit the event is not kept here, and not lost: the next one after the catch-up
      // shows a gap, which is filled from the log (counted, so an operator sees it happen).
      if (sub.buffer.length < BUFFER_LIMIT) sub.buffer.push(event);
      else this.ctx.metrics.count('delivery.overflowed');
      return;
    }
    this.forward(event.channel, sub, event);
  }

  cork(): void {
    this.socket.cork();
  }

  uncork(): void {
    this.socket.uncork();
  }

  private forward(channel: string, sub: Subscription, event: WireEvent): void {
    if (event.epoch !== undefined && sub.epoch !== null && event.epoch !== sub.epoch) {
      if (sub.left.includes(event.epoch)) return;
      // The channel's history started over (Redis came back empty): ask the log where it stands
      // now; the client is told with a `reset` and gets the new epoch from its first event.
      this.ctx.metrics.count('delivery.epochChanges');
      sub.buffer.push(event);
      void this.fill(channel, sub);
      return;
    }
    if (event.seq <= sub.cursor) return;
    if (event.seq > sub.cursor + 1) {
      // Something between cursor and this event has not reached us yet: fetch it from the log.
      this.ctx.metrics.count('delivery.catchUps');
      sub.buffer.push(event);
      void this.fill(channel, sub);
      return;
    }
    sub.cursor = event.seq;
    this.send(event);
  }

  private onMessage(data: WebSocket.RawData, isBinary: boolean): void {
    if (this.ended) return;
    if (!this.bucket.take()) {
      this.ctx.metrics.count('limits.rateLimited');
      this.close(LOOKOUT_CLOSE.RATE_LIMITED, 'rate limited');
      return;
    }
    const size = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data.byteLength;
    if (size > this.ctx.limits.maxPayloadBytes) {
      this.ctx.metrics.count('limits.tooBig');
      this.close(LOOKOUT_CLOSE.TOO_BIG, `frame over ${this.ctx.limits.maxPayloadBytes} bytes`);
      return;
    }
    if (isBinary) return this.badFrame('bad-frame', 'binary frames are not part of the protocol');
    const text = Array.isArray(data)
      ? Buffer.concat(data).toString('utf8')
      : Buffer.from(data as ArrayBuffer).toString('utf8');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return this.badFrame('bad-json', 'frame is not JSON');
    }
    if (!json || typeof json !== 'object' || Array.isArray(json)) {
      return this.badFrame('not-an-object', 'frame must be a JSON object with "type"');
    }
    const type = (json as { type?: unknown }).type;
    if (typeof type !== 'string' || !(CLIENT_FRAME_TYPES as readonly string[]).includes(type)) {
      return this.badFrame('unknown-type', `unknown frame type ${describeType(type)}`);
    }
    const parsed = clientFrameSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return this.badFrame(
        'bad-frame',
        `${type}: ${issue?.path.join('.') || 'frame'} ${issue?.message ?? 'invalid'}`,
      );
    }
    const frame = parsed.data;
    this.ctx.metrics.count(`frames.in.${frame.type}`);
    switch (frame.type) {
      case 'ping':
        this.send({ type: 'pong', t: frame.t, serverTime: Date.now() });
        return;
      case 'subscribe':
        void this.subscribe(
          frame.channel,
          frame.since === undefined
            ? undefined
            : { seq: frame.since, ...(frame.epoch ? { epoch: frame.epoch } : {}) },
        );
        return;
      case 'unsubscribe':
        this.unsubscribe(frame.channel);
        return;
    }
  }

  private badFrame(code: ErrorCode, message: string): void {
    this.ctx.metrics.count(`badFrames.${code}`);
    this.send({ type: 'error', code, message });
  }

  private async subscribe(channel: string, since: LogCursor | undefined): Promise<void> {
    const verdict = canSubscribe(this.principal, channel);
    if (!verdict.ok) {
      this.ctx.metrics.count(`subscribe.${verdict.code}`);
      this.send({ type: 'error', code: verdict.code, message: verdict.message, channel });
      return;
    }
    const existing = this.subs.get(channel);
    if (!existing && this.subs.size >= this.ctx.limits.maxSubscriptions) {
      this.ctx.metrics.count('limits.tooManySubscriptions');
      this.send({
        type: 'error',
        code: 'too-many-subscriptions',
        message: `at most ${this.ctx.limits.maxSubscriptions} subscriptions per connection`,
        channel,
      });
      return;
    }
    const sub: Subscription = {
      epoch: null,
      left: [],
      cursor: since?.seq ?? 0,
      busy: true,
      buffer: [],
      generation: (existing?.generation ?? 0) + 1,
    };
    this.subs.set(channel, sub);
    // Attach before replaying so events published meanwhile are buffered, not missed.
    if (!existing) this.ctx.attach(channel, this);
    let owed: Owed;
    try {
      owed = await this.owed(channel, since);
    } catch (error) {
      this.storageFailed(error);
      return;
    }
    if (this.ended || this.subs.get(channel) !== sub) return;
    this.ctx.log.watch(channel, { seq: owed.head, epoch: owed.epoch });
    sub.epoch = owed.epoch;
    if (owed.reset) this.sendReset(channel, sub, owed.epoch, owed.reset);
    else sub.cursor = since === undefined ? owed.head : since.seq;
    this.send({
      type: 'subscribed',
      channel,
      head: owed.head,
      epoch: owed.epoch,
      replayed: owed.events.length,
    });
    this.ctx.metrics.count('replay.events', owed.events.length);
    this.ctx.metrics.observe('replay.events', owed.events.length);
    if (!(await this.replay(channel, sub, owed.events))) return;
    this.drain(channel, sub);
  }

  /**
   * What a client at `since` is owed. When the history the cursor belongs to is gone (a new
   * epoch; or, for a protocol-1 client without epochs, a cursor above the head), the new history
   * is replayed from its first event if the log still holds all of it: everything published since
   * the loss reaches the client. A `too-old` cursor gets the head (the events in between are gone).
   */
  private async owed(channel: string, since: LogCursor | undefined): Promise<Owed> {
    const result = await this.ctx.log.replay(channel, since, this.ctx.maxReplay);
    if (!result.reset) return { ...result, reset: null };
    if (result.reason === 'too-old')
      return { ...result, reset: { reason: result.reason, head: result.head }, events: [] };
    const fresh = await this.ctx.log.replay(
      channel,
      { seq: 0, epoch: result.epoch },
      this.ctx.maxReplay,
    );
    return fresh.reset
      ? { ...fresh, reset: { reason: result.reason, head: fresh.head }, events: [] }
      : { ...fresh, reset: { reason: result.reason, head: 0 } };
  }

  private sendReset(
    channel: string,
    sub: Subscription,
    epoch: string,
    reset: NonNullable<Owed['reset']>,
  ): void {
    this.ctx.metrics.count('replay.resets');
    this.ctx.metrics.count(`replay.resets.${reset.reason}`);
    sub.cursor = reset.head;
    this.send({ type: 'reset', channel, head: reset.head, epoch, reason: reset.reason });
  }

  /** Fetch what is missing after the cursor (or the new epoch's start), then resume live delivery. */
  private async fill(channel: string, sub: Subscription): Promise<void> {
    sub.busy = true;
    let owed: Owed;
    try {
      owed = await this.owed(
        channel,
        sub.epoch === null ? { seq: sub.cursor } : { seq: sub.cursor, epoch: sub.epoch },
      );
    } catch (error) {
      this.storageFailed(error);
      return;
    }
    if (this.ended || this.subs.get(channel) !== sub) return;
    if (sub.epoch !== null && owed.epoch !== sub.epoch) {
      sub.left = [sub.epoch, ...sub.left].slice(0, LEFT_EPOCHS);
    }
    sub.epoch = owed.epoch;
    if (owed.reset) this.sendReset(channel, sub, owed.epoch, owed.reset);
    this.ctx.metrics.observe('replay.events', owed.events.length);
    if (!(await this.replay(channel, sub, owed.events))) return;
    this.drain(channel, sub);
  }

  /**
   * Send replayed events in order, pausing while more than half the send budget is queued (a
   * replay can be far larger than the budget; a reading client takes it all). False when the
   * subscription was replaced or the connection ended meanwhile (a stalled client is closed 4014).
   */
  private async replay(channel: string, sub: Subscription, events: WireEvent[]): Promise<boolean> {
    for (const event of events) {
      if (this.ws.bufferedAmount > this.ctx.sendBudgetBytes / 2 && !(await this.roomToSend()))
        return false;
      if (this.ended || this.subs.get(channel) !== sub) return false;
      if (event.seq === sub.cursor + 1) {
        sub.cursor = event.seq;
        this.send(event);
      }
    }
    return !this.ended;
  }

  /** Wait until the client has taken half the budget; a client that stalls is closed with 4014. */
  private roomToSend(): Promise<boolean> {
    return new Promise((resolve) => {
      const finish = (ok: boolean) => {
        clearTimeout(timer);
        this.socket.off('drain', onDrain);
        this.socket.off('close', onClose);
        if (!ok && !this.ended) this.tooSlow('replay stalled');
        resolve(ok && !this.ended);
      };
      const onDrain = () => {
        if (this.ws.bufferedAmount <= this.ctx.sendBudgetBytes / 2) finish(true);
      };
      const onClose = () => finish(false);
      const timer = setTimeout(() => finish(false), this.ctx.stallTimeoutMs);
      this.socket.on('drain', onDrain);
      this.socket.once('close', onClose);
    });
  }

  /** The slow-client policy: close with 4014 (counted); the client resumes with `since`. */
  private tooSlow(why: string): void {
    this.ctx.metrics.count('limits.slowClient');
    this.ctx.logger.warn('slow client closed (4014): it resumes with since', {
      connectionId: this.id,
      sub: this.principal.sub,
      address: this.address,
      reason: why,
      queuedBytes: this.ws.bufferedAmount,
    });
    this.close(LOOKOUT_CLOSE.TOO_SLOW, `too slow: ${why}`);
    // The close frame waits behind what is queued: a client that reads gets it within the grace;
    // one that does not has its socket (and those bytes) dropped then, not after ws's 30 s.
    setTimeout(() => this.ws.terminate(), SLOW_CLOSE_GRACE_MS).unref();
  }

  private onPong(data: Buffer): void {
    if (this.awaitedPong && data.equals(this.awaitedPong)) this.awaitedPong = null;
    else this.ctx.metrics.count('heartbeat.unsolicitedPongs');
  }

  private drain(channel: string, sub: Subscription): void {
    sub.busy = false;
    // Events of another epoch than the one just settled are late copies of a history that is
    // gone (or of one the log has not reached yet): what the log holds now was sent above.
    const pending = sub.buffer
      .filter((e) => e.epoch === undefined || e.epoch === sub.epoch)
      .sort((a, b) => a.seq - b.seq);
    sub.buffer = [];
    for (const event of pending) {
      if (sub.busy) sub.buffer.push(event);
      else this.forward(channel, sub, event);
    }
  }

  private unsubscribe(channel: string): void {
    if (!this.subs.delete(channel)) {
      this.send({
        type: 'error',
        code: 'not-subscribed',
        message: `not subscribed to ${channel.slice(0, 80)}`,
        channel,
      });
      return;
    }
    this.ctx.detach(channel, this);
    this.send({ type: 'unsubscribed', channel });
  }

  private storageFailed(error: unknown): void {
    if (!(error instanceof StorageUnavailableError)) {
      this.ctx.logger.error('replay failed', { error: String(error) });
    }
    this.ctx.metrics.count('storage.replayFailures');
    // The client reconnects after a back-off and resubscribes with `since`: nothing is lost.
    this.close(LOOKOUT_CLOSE.TRY_AGAIN_LATER, 'storage unavailable, try again later');
  }

  /** Called by the heartbeat wheel with this round's PING payload and heartbeat frame. */
  beat(ping: Buffer, heartbeat: Buffer): void {
    if (this.awaitedPong) {
      this.ctx.metrics.count('heartbeat.deadPeers');
      this.ws.terminate();
      this.cleanup();
      return;
    }
    this.awaitedPong = ping;
    try {
      this.ws.ping(ping);
    } catch {
      // socket already closing; 'close' cleans up
    }
    this.sendBytes(heartbeat);
  }

  private send(frame: ServerFrame): void {
    if (frame.type !== 'event') this.sendBytes(JSON.stringify(frame));
    else if (this.sendBytes(eventFrame(frame), true)) this.ctx.metrics.count('deliveries');
  }

  /**
   * Send one text frame already serialized, or (`framed`) a whole frame from `eventFrame`; false
   * when it was not sent.
   */
  private sendBytes(bytes: Buffer | string, framed = false): boolean {
    if (this.ended || this.ws.readyState !== this.ws.OPEN) return false;
    // Checked before each frame, so what is queued stays under the budget plus one frame.
    if (this.ws.bufferedAmount > this.ctx.sendBudgetBytes) {
      this.tooSlow(`over ${this.ctx.sendBudgetBytes} bytes queued`);
      return false;
    }
    this.ctx.metrics.mark('framesOut');
    if (!framed) this.ws.send(bytes, TEXT);
    else if (this.prebuiltFrames) this.socket.write(bytes);
    else this.ws.send(framePayload(bytes as Buffer), TEXT);
    return true;
  }

  private cleanup(): void {
    if (this.ended) return;
    this.ended = true;
    this.ctx.heartbeats.remove(this);
    this.ctx.expiries.remove(this);
    for (const channel of this.subs.keys()) this.ctx.detach(channel, this);
    this.subs.clear();
    this.ctx.closed(this);
  }
}

/**
 * A client's `type` for an error message. Never JSON.stringify the attacker's value: an array
 * nested 10,000 deep fits in one frame and overflows the stack (an uncaught throw in a socket
 * handler would take the whole gateway down).
 */
function describeType(type: unknown): string {
  if (type === undefined) return 'undefined';
  if (typeof type === 'string') return JSON.stringify(type.slice(0, 40));
  if (Array.isArray(type)) return '(array)';
  if (typeof type === 'object' && type !== null) return '(object)';
  return String(type).slice(0, 40);
}

/** A buffer sent as a text frame (it holds UTF-8 JSON). */
const TEXT = { binary: false } as const;
