import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { answerSocket } from './http-util';

/** What the guards count (the gateway passes its metrics; the browser host a plain counter). */
export type GuardCounter = (name: string) => void;

/**
 * Status for a request Node's parser refused (`clientError`). Node's own default answers too,
 * but only when no listener is installed; ours counts the reason and answers in our JSON shape.
 * A bad version is a 400, not a 505: whatever a client sends is its error, never a server one.
 */
export function clientErrorStatus(code: string | undefined): number {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return 431;
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return 408;
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return 413;
    default:
      return 400;
  }
}

/**
 * Make a Node HTTP server answer every request it cannot route to a handler: unparsable heads
 * (`clientError`) get a 4xx with the reason, `CONNECT` gets 405 (we are not a proxy), and nothing
 * is left half-open. Handlers themselves are made total by `totalHandler`.
 */
export function guardParserErrors(server: Server, count: GuardCounter): void {
  server.on('clientError', (error: Error & { code?: string }, socket: Duplex) => {
    count(`http.clientErrors.${clientErrorStatus(error.code)}`);
    // A reset peer cannot be answered; neither can a socket in the middle of a response.
    const inResponse = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })
      ._httpMessage?.headersSent;
    if (error.code === 'ECONNRESET' || inResponse) {
      socket.destroy();
      return;
    }
    const status = clientErrorStatus(error.code);
    answerSocket(
      socket,
      status,
      status === 431 ? 'headers-too-large' : status === 408 ? 'timeout' : 'bad-request',
      status === 431
        ? 'the request headers are too large'
        : status === 408
          ? 'the request took too long to arrive'
          : error.code === 'HPE_INVALID_VERSION'
            ? 'only HTTP/1.0 and HTTP/1.1 are spoken here'
            : 'the request could not be parsed as HTTP/1.1',
    );
  });
  server.on('connect', (_req, socket: Duplex) => {
    count('http.connectRefused');
    answerSocket(
      socket,
      405,
      'method-not-allowed',
      'CONNECT is not supported: this is not a proxy',
    );
  });
}

/**
 * Wrap an async handler so that whatever it throws or rejects with is logged and answered
 * (500 when nothing was sent yet), never left to become an unhandled rejection.
 */
export function totalHandler<A extends unknown[]>(
  handler: (...args: A) => Promise<void> | void,
  onFailure: (error: unknown, ...args: A) => void,
): (...args: A) => void {
  return (...args: A) => {
    try {
      const result = handler(...args);
      if (result) result.catch((error: unknown) => safely(() => onFailure(error, ...args)));
    } catch (error) {
      safely(() => onFailure(error, ...args));
    }
  };
}

function safely(fn: () => void): void {
  try {
    fn();
  } catch {
    // The failure handler itself failed (a socket gone mid-answer): nothing more to do.
  }
}

export interface PendingHeadsOptions {
  /** Pending connections in all, and from one remote address. */
  max: number;
  maxPerAddress: number;
  /** A head not complete after this is answered 408 and closed. */
  timeoutMs: number;
  count: GuardCounter;
}

/**
 * Bound the connections that have not finished sending their first request head: a slowloris
 * client otherwise holds a socket (and a parser) for as long as Node's own header timeout, which
 * is only checked every 30 s. Over the cap (in all, or from one address) a new connection is
 * answered 503 at once; a head still incomplete after `timeoutMs` is answered 408. Once a head is
 * complete the request's own handling takes over (keep-alive requests after it are bounded by
 * Node's `headersTimeout`, set to the same value). One tracker serves each server it guards, so
 * the gauge outlives a restart of the listening socket.
 */
export class PendingHeads {
  private readonly pending = new Map<Duplex, () => void>();
  private readonly perAddress = new Map<string, number>();

  constructor(private readonly options: PendingHeadsOptions) {}

  /** Connections whose request head is still arriving. */
  get size(): number {
    return this.pending.size;
  }

  /** Guard a server's new connections (before it listens). */
  guard(server: Server): void {
    const { options, pending, perAddress } = this;
    const release = (address: string) => {
      const n = (perAddress.get(address) ?? 1) - 1;
      if (n > 0) perAddress.set(address, n);
      else perAddress.delete(address);
    };
    server.headersTimeout = options.timeoutMs;
    server.requestTimeout = Math.max(options.timeoutMs * 3, 30_000);
    server.on('connection', (socket: Socket) => {
      const address = socket.remoteAddress ?? 'unknown';
      const fromAddress = perAddress.get(address) ?? 0;
      if (pending.size >= options.max || fromAddress >= options.maxPerAddress) {
        options.count('http.pendingRejected');
        answerSocket(
          socket,
          503,
          'busy',
          'too many connections are still sending their request; retry later',
          {
            'Retry-After': '1',
          },
        );
        return;
      }
      perAddress.set(address, fromAddress + 1);
      const timer = setTimeout(() => {
        if (!pending.has(socket)) return;
        done();
        options.count('http.headersTimeouts');
        answerSocket(
          socket,
          408,
          'timeout',
          `the request head did not arrive within ${options.timeoutMs} ms`,
        );
      }, options.timeoutMs);
      timer.unref();
      const done = () => {
        if (!pending.delete(socket)) return;
        clearTimeout(timer);
        release(address);
      };
      pending.set(socket, done);
      socket.once('close', done);
    });
    const headComplete = (socket: Duplex) => pending.get(socket)?.();
    server.on('request', (req: IncomingMessage) => headComplete(req.socket));
    server.on('upgrade', (req: IncomingMessage, socket: Duplex) => headComplete(socket));
    server.on('connect', (req: IncomingMessage, socket: Duplex) => headComplete(socket));
  }
}
