import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * The shared plumbing of the backend doubles: one `node:http` server on 127.0.0.1 (port 0 at
 * first, the same port after a restart) with a `ws` server in `noServer` mode, the server-side
 * keepalive of uvicorn or daphne, and HTTP rejection of upgrades the way those servers do it.
 * Each double adds its own routes and protocol on top.
 */

/** Which ASGI server's keepalive to reproduce (PROTOCOLS.md "Common facts"). */
export type KeepaliveStyle =
  /** PING every `intervalMs`; no PONG within `timeoutMs` → close 1011 "keepalive ping timeout". */
  | 'uvicorn'
  /** PING only after `intervalMs` without any client frame; abort (1006) `timeoutMs` after an unanswered one. */
  | 'daphne'
  | 'none';

export interface KeepaliveOptions {
  intervalMs?: number;
  timeoutMs?: number;
}

export interface PeerServerOptions {
  keepalive: KeepaliveStyle;
  keepaliveTimes?: KeepaliveOptions;
  /** Decide an upgrade: return an HTTP status to refuse it, or null to accept. */
  checkUpgrade(req: IncomingMessage): number | null | Promise<number | null>;
  onConnection(ws: WebSocket, req: IncomingMessage): void;
  onHttp(req: IncomingMessage, res: ServerResponse): void;
}

const STATUS_TEXT: Record<number, string> = {
  403: 'Forbidden',
  404: 'Not Found',
  500: 'Internal Server Error',
};

export class PeerServer {
  private http: Server | null = null;
  private readonly wss: WebSocketServer;
  private readonly sockets = new Set<Duplex>();
  port = 0;

  constructor(private readonly options: PeerServerOptions) {
    this.wss = new WebSocketServer({ noServer: true });
  }

  /** Open WebSockets. */
  get clients(): WebSocket[] {
    return [...this.wss.clients];
  }

  get httpUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  wsUrl(path: string): string {
    return `ws://127.0.0.1:${this.port}${path}`;
  }

  async start(): Promise<void> {
    if (this.http) return;
    const http = createServer((req, res) => {
      try {
        this.options.onHttp(req, res);
      } catch {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('Internal Server Error');
      }
    });
    http.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    http.on('upgrade', (req, socket, head) => {
      socket.on('error', () => {});
      void Promise.resolve(this.options.checkUpgrade(req)).then(
        (status) => this.answerUpgrade(req, socket, head, status),
        () => this.answerUpgrade(req, socket, head, 500),
      );
    });
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(this.port, '127.0.0.1', () => resolve());
    });
    const address = http.address();
    if (address && typeof address === 'object') this.port = address.port;
    this.http = http;
  }

  private answerUpgrade(
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    status: number | null,
  ): void {
    if (status !== null) {
      const body = STATUS_TEXT[status] ?? 'Rejected';
      socket.end(
        `HTTP/1.1 ${status} ${body}\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.keepalive(ws);
      ws.on('error', () => {});
      this.options.onConnection(ws, req);
    });
  }

  /**
   * Shut down as the observed servers do on SIGTERM (uvicorn 0.17, daphne 4.0, the task-events
   * stand-in): open sockets are cut **without a close frame**, so clients see 1006; then the port
   * is released.
   */
  async stop(): Promise<void> {
    const http = this.http;
    if (!http) return;
    this.http = null;
    const closed = new Promise<void>((resolve) => http.close(() => resolve()));
    for (const ws of this.wss.clients) ws.terminate();
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  private keepalive(ws: WebSocket): void {
    const style = this.options.keepalive;
    if (style === 'none') return;
    const intervalMs = this.options.keepaliveTimes?.intervalMs ?? 20_000;
    const timeoutMs =
      this.options.keepaliveTimes?.timeoutMs ?? (style === 'uvicorn' ? 20_000 : 30_000);
    let waiting: ReturnType<typeof setTimeout> | null = null;
    let idle: ReturnType<typeof setTimeout> | null = null;
    const sendPing = () => {
      if (ws.readyState !== ws.OPEN || waiting) return;
      ws.ping();
      waiting = setTimeout(() => {
        if (style === 'uvicorn') ws.close(1011, 'keepalive ping timeout');
        else ws.terminate();
      }, timeoutMs);
    };
    ws.on('pong', () => {
      if (waiting) clearTimeout(waiting);
      waiting = null;
    });
    let every: ReturnType<typeof setInterval> | null = null;
    if (style === 'uvicorn') {
      every = setInterval(sendPing, intervalMs);
    } else {
      const arm = () => {
        if (idle) clearTimeout(idle);
        idle = setTimeout(sendPing, intervalMs);
      };
      arm();
      ws.on('message', arm);
    }
    ws.once('close', () => {
      if (every) clearInterval(every);
      if (waiting) clearTimeout(waiting);
      if (idle) clearTimeout(idle);
    });
  }
}

/** Send JSON with a status, as the Python frameworks do. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** Read a request body (bounded to 1 MiB). */
export function readBody(req: IncomingMessage, limit = 1 << 20): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Parse JSON or return undefined. */
export function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Python's `datetime.utcnow().isoformat()`: naive, microseconds. */
export function naiveIso(d = new Date()): string {
  return d.toISOString().replace('Z', '000');
}

/** Python's `str(timezone.now())`: space separator, microseconds, `+00:00`. */
export function pythonUtcStr(d = new Date()): string {
  return d.toISOString().replace('T', ' ').replace('Z', '000+00:00');
}

/** The common handle every double returns. */
export interface DoubleHandle {
  readonly port: number;
  /** WebSocket URL of the main endpoint. */
  readonly url: string;
  readonly httpUrl: string;
  stop(): Promise<void>;
  /** Stop and start again on the same port (a server restart). */
  restart(): Promise<void>;
}
