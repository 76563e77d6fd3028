import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';

/** How the server answers an upgrade: accept, reject with an HTTP status, or hang (never answer). */
export type UpgradeDecision = { accept: true } | { status: number; body?: string } | { hang: true };

export interface TestServerOptions {
  onUpgrade?: (req: IncomingMessage) => UpgradeDecision;
  onConnection?: (socket: WebSocket, req: IncomingMessage) => void;
  /** Answer WebSocket PING frames (ws does by default; false simulates a peer that stopped responding). */
  autoPong?: boolean;
}

/**
 * A real `ws` server on 127.0.0.1 for engine tests: port 0 at first, restartable on the same port,
 * with scripted upgrade answers and a record of everything clients sent.
 */
export class WsTestServer {
  private http: Server | null = null;
  private readonly wss: WebSocketServer;
  private readonly hanging = new Set<Duplex>();
  readonly received: Array<{ socket: WebSocket; text: string }> = [];
  readonly upgrades: IncomingMessage[] = [];
  port = 0;

  constructor(private readonly options: TestServerOptions = {}) {
    this.wss = new WebSocketServer({ noServer: true, autoPong: options.autoPong ?? true });
    this.wss.on('connection', (socket, req) => {
      socket.on('message', (data) => this.received.push({ socket, text: data.toString() }));
      this.options.onConnection?.(socket, req);
    });
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}/ws`;
  }

  get clients(): WebSocket[] {
    return [...this.wss.clients];
  }

  /** Texts received, parsed as JSON where possible. */
  messages(): unknown[] {
    return this.received.map((r) => {
      try {
        return JSON.parse(r.text);
      } catch {
        return r.text;
      }
    });
  }

  async start(): Promise<this> {
    const http = createServer((_req, res) => res.writeHead(404).end());
    http.on('upgrade', (req, socket, head) => {
      this.upgrades.push(req);
      const decision = this.options.onUpgrade?.(req) ?? { accept: true };
      if ('hang' in decision) {
        this.hanging.add(socket);
        socket.on('close', () => this.hanging.delete(socket));
        socket.on('error', () => {});
        return;
      }
      if ('status' in decision) {
        const body = decision.body ?? '';
        socket.end(
          `HTTP/1.1 ${decision.status} Rejected\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\nX-Test: 1\r\nConnection: close\r\n\r\n${body}`,
        );
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.wss.emit('connection', ws, req));
    });
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(this.port, '127.0.0.1', () => resolve());
    });
    const address = http.address();
    if (address && typeof address === 'object') this.port = address.port;
    this.http = http;
    return this;
  }

  /** Kill: drop every connection without a close frame (like a crashed process) and stop listening. */
  async kill(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    for (const socket of this.hanging) socket.destroy();
    await this.closeHttp();
  }

  /** Graceful: close every client with a code, then stop listening. */
  async close(code = 1001, reason = 'server shutting down'): Promise<void> {
    for (const client of this.wss.clients) client.close(code, reason);
    for (const socket of this.hanging) socket.destroy();
    await this.closeHttp();
  }

  private async closeHttp(): Promise<void> {
    const http = this.http;
    this.http = null;
    if (!http) return;
    http.closeAllConnections();
    await new Promise<void>((resolve) => http.close(() => resolve()));
  }

  broadcast(message: unknown): void {
    const text = typeof message === 'string' ? message : JSON.stringify(message);
    for (const client of this.wss.clients) client.send(text);
  }

  async stop(): Promise<void> {
    await this.kill();
    this.wss.close();
  }
}
