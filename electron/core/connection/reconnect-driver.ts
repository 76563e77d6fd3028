/**
 * `ReconnectDriver`: the one reconnect loop of a session (waits on the clock port, fetches
 * credentials, opens the socket), and the only code that knows partysocket.
 */
import type { RawData } from 'ws';
import type { DialectCodec, HandshakePlan } from '../dialects/dialect';
import type { Credentials } from '../kernel/ports';
import type { InstrumentedSocket, SocketPlan } from './instrumented-socket';
import { openSocket } from './open-sequence';
import type { Clock, CredentialProvider, TimerHandle } from '../kernel/ports';

/** A prepared attempt: the credentials fetched and the dialect's handshake built from them. */
export type Prepared =
  | { ok: true; credentials: Credentials; handshake: HandshakePlan }
  /** `credentials` when they came but the handshake could not be built from them. */
  | { ok: false; error: unknown; credentials?: Credentials };

/** What the driver reports; only about the current socket, never about one it replaced. */
export interface DriverEvents {
  waitOver(attempt: number): void;
  prepared(attempt: number, result: Prepared): void;
  stable(): void;
  opened(socket: InstrumentedSocket): void;
  frame(data: RawData, isBinary: boolean): void;
  /** A WebSocket PONG; `data` is what our ping carried (empty for liveness pings). */
  pong(data: Buffer): void;
  /** A WebSocket PING from the server (ws answers it with a pong by itself). */
  serverPing(data: Buffer): void;
  closed(socket: InstrumentedSocket, code: number, reason: string): void;
}

/** How much longer than ws's own handshake timeout an attempt may take before it is cut. */
const CONNECT_GRACE_MS = 2_000;

/** How long `closeForGood` waits for the server's close before dropping the socket. */
const CLOSE_WAIT_MS = 2_000;

/**
 * The one reconnect loop of a session, on the clock port: it waits before each attempt, fetches
 * the credentials and builds the handshake, opens the `ws` socket, cuts an attempt that takes
 * too long, arms the "stable connection" timer, and closes. It decides nothing: the connection
 * machine says when and what (`Effect`s), the driver does it and reports back.
 *
 * Our own loop rather than partysocket's: partysocket waits with the global `setTimeout` (not
 * the clock port), computes its own delays without jitter, and can only be kept from connecting
 * by closing it from inside its URL provider, so it ran as a second loop beside the machine's.
 */
export class ReconnectDriver {
  private wait: { timer: TimerHandle; until: number; ms: number } | null = null;
  private stableTimer: TimerHandle | null = null;
  private connectTimer: TimerHandle | null = null;
  private current: InstrumentedSocket | null = null;

  constructor(
    private readonly clock: Clock,
    private readonly credentials: CredentialProvider,
    private readonly codec: DialectCodec,
    private readonly events: DriverEvents,
  ) {}

  /** The socket of the current (or last) attempt. */
  get socket(): InstrumentedSocket | null {
    return this.current;
  }

  /** When the next attempt starts, while waiting a delay (null when none is waited). */
  get nextAttemptAt(): number | null {
    return this.wait && this.wait.ms > 0 ? this.wait.until : null;
  }

  /** Wait `ms` on the clock, then report `waitOver(attempt)`; replaces any wait. */
  schedule(attempt: number, ms: number): void {
    this.cancelWait();
    const timer = this.clock.setTimeout(() => {
      this.wait = null;
      this.events.waitOver(attempt);
    }, ms);
    this.wait = { timer, until: this.clock.now() + ms, ms };
  }

  cancelWait(): void {
    if (this.wait) this.clock.clearTimeout(this.wait.timer);
    this.wait = null;
  }

  /** Fetch the credentials and build the handshake for `baseUrl`; reports `prepared`. */
  prepare(attempt: number, forceRefresh: boolean, baseUrl: string): void {
    void this.credentials.getCredentials({ forceRefresh }).then(
      (credentials) => {
        let result: Prepared;
        try {
          result = { ok: true, credentials, handshake: this.codec.handshake(credentials, baseUrl) };
        } catch (error) {
          result = { ok: false, error, credentials };
        }
        this.events.prepared(attempt, result);
      },
      (error: unknown) => this.events.prepared(attempt, { ok: false, error }),
    );
  }

  /** Open the attempt's socket; its events reach `events` while it is the current one. */
  open(url: string, plan: SocketPlan): void {
    const socket = openSocket(url, plan);
    this.current = socket;
    const mine = () => socket === this.current;
    socket.on('open', () => {
      this.clearConnectTimer();
      if (mine()) this.events.opened(socket);
    });
    socket.on('message', (data, isBinary) => {
      if (mine()) this.events.frame(data, isBinary);
    });
    socket.on('pong', (data) => {
      if (mine()) this.events.pong(data);
    });
    socket.on('ping', (data) => {
      if (mine()) this.events.serverPing(data);
    });
    socket.on('close', (code, reason) => {
      if (!mine()) return;
      this.clearConnectTimer();
      this.disarmStable();
      this.events.closed(socket, code, reason.toString());
    });
    // ws enforces the handshake timeout; this cap only guards an attempt that somehow outlives it.
    this.connectTimer = this.clock.setTimeout(() => {
      this.connectTimer = null;
      if (mine() && socket.readyState === socket.CONNECTING) socket.terminate();
    }, plan.handshakeTimeoutMs + CONNECT_GRACE_MS);
  }

  /** After `ms` open without an ending, report `stable` (an ending disarms it). */
  armStable(ms: number): void {
    this.disarmStable();
    this.stableTimer = this.clock.setTimeout(() => {
      this.stableTimer = null;
      this.events.stable();
    }, ms);
  }

  /** End the current socket: a close handshake, or dropped at once (a dead peer never answers). */
  close(how: 'close' | 'terminate', code?: number, reason?: string): void {
    const socket = this.current;
    if (!socket) return;
    if (how === 'terminate') {
      socket.terminate();
      return;
    }
    if (socket.readyState === socket.OPEN || socket.readyState === socket.CONNECTING)
      socket.close(code, reason);
  }

  /** Stop every timer and resolve once the current socket is closed (dropped after 2 s). */
  async closeForGood(): Promise<void> {
    this.cancelWait();
    this.disarmStable();
    this.clearConnectTimer();
    const socket = this.current;
    if (!socket || socket.readyState === socket.CLOSED) return;
    await new Promise<void>((resolve) => {
      const timer = this.clock.setTimeout(() => {
        socket.terminate();
        resolve();
      }, CLOSE_WAIT_MS);
      socket.once('close', () => {
        this.clock.clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Send a text frame if the current socket is open. */
  send(text: string): boolean {
    const socket = this.current;
    if (!socket || socket.readyState !== socket.OPEN) return false;
    socket.send(text);
    return true;
  }

  /** A WebSocket PING on the current socket (carrying `data`, echoed by the pong), if it is open. */
  ping(data?: string): boolean {
    const socket = this.current;
    if (!socket || socket.readyState !== socket.OPEN) return false;
    socket.ping(data);
    return true;
  }

  private disarmStable(): void {
    if (this.stableTimer) this.clock.clearTimeout(this.stableTimer);
    this.stableTimer = null;
  }

  private clearConnectTimer(): void {
    if (this.connectTimer) this.clock.clearTimeout(this.connectTimer);
    this.connectTimer = null;
  }
}
