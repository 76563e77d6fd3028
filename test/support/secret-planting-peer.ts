import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { WebSocket, WebSocketServer } from 'ws';

/** Secrets a test plants in every channel Lookout reads, to prove none of them comes out again. */
export interface PlantedSecrets {
  password: string;
  csrf: string;
  sessionId: string;
  /** Opaque (non-JWT) access and refresh tokens the password→token login hands out. */
  access: string;
  refresh: string;
  /** Values only this server knows, sent in JSON fields named `password` and `api_key`. */
  serverPassword: string;
  serverApiKey: string;
  /** A server-only `api_key` value placed across the frame log's preview boundary. */
  straddlingApiKey: string;
  /** Sent back by the server when it sees them (the client knows them from its config). */
  echoed: string[];
}

/** An opaque secret: random, base64url, no shape a pattern could recognise. */
export function opaqueSecret(): string {
  return randomBytes(24).toString('base64url');
}

/** Where the frame log cuts its previews (DEFAULT_RECORDER_LIMITS.previewChars). */
const PREVIEW_CHARS = 300;

/**
 * A peer as careless as real backends can be, handing out known secrets and echoing them back:
 * - a Django admin login (`/admin/login/`): a `csrftoken` cookie, then `sessionid` on the 302; the
 *   dashboard socket (cookie required) echoes the session id and CSRF token, bare and as pairs,
 *   plus the password, in unknown frames and garbage;
 * - a SimpleJWT-style login (`/api/auth/login/`, `/api/auth/refresh/`) answering OPAQUE tokens for
 *   the notifications socket (`?token=` required); the dashboard socket then sends JSON fields
 *   `password` and `api_key`, that access token straddling the preview boundary, and a
 *   server-only `api_key` likewise;
 * - a sakura-style socket (`/ws/sakura`) that answers with an error quoting the refresh token;
 * every socket also echoes `echoed` values (config secrets: X-Auth header, URL password…).
 * One valid business event follows on the dashboard.
 */
export class SecretPlantingPeer {
  private server: Server | null = null;
  private readonly wss = new WebSocketServer({ noServer: true });
  readonly upgrades: IncomingMessage[] = [];
  /** Requests seen by the HTTP API, as `METHOD path`. */
  readonly requests: string[] = [];
  port = 0;
  /**
   * A backend can only echo the access token once it was used: until a client connected with it,
   * dashboard sockets wait for that echo (else the echo could reach Lookout before the sign-in
   * that teaches Lookout the token, and no redactor can know a secret it was never given).
   */
  private accessUsed = false;
  private readonly awaitingAccessEcho = new Set<WebSocket>();

  constructor(private readonly secrets: PlantedSecrets) {}

  get wsUrl(): string {
    return `ws://localhost:${this.port}/ws/dashboard/`;
  }

  get notificationsUrl(): string {
    return `ws://localhost:${this.port}/ws/notifications/`;
  }

  get sakuraUrl(): string {
    return `ws://localhost:${this.port}/ws/sakura`;
  }

  get loginUrl(): string {
    return `http://localhost:${this.port}/admin/login/`;
  }

  get apiUrl(): string {
    return `http://localhost:${this.port}/api`;
  }

  async start(): Promise<this> {
    const { csrf, sessionId, password, access, refresh } = this.secrets;
    const http = createServer((req, res) => {
      this.requests.push(`${req.method} ${req.url}`);
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        if (req.url === '/api/auth/login/' && req.method === 'POST') {
          const form = JSON.parse(body || '{}') as { password?: string };
          if (form.password !== password) return void res.writeHead(401).end();
          res.writeHead(200, { 'content-type': 'application/json' });
          return void res.end(JSON.stringify({ access, refresh }));
        }
        if (req.url === '/api/auth/refresh/' && req.method === 'POST') {
          res.writeHead(200, { 'content-type': 'application/json' });
          return void res.end(JSON.stringify({ access }));
        }
        if (req.url !== '/admin/login/') return void res.writeHead(404).end();
        if (req.method === 'GET') {
          res.writeHead(200, {
            'set-cookie': `csrftoken=${csrf}; Path=/`,
            'content-type': 'text/html',
          });
          return void res.end('<form></form>');
        }
        const form = new URLSearchParams(body);
        if (form.get('password') !== password || form.get('csrfmiddlewaretoken') !== csrf) {
          res.writeHead(200, { 'content-type': 'text/html' });
          return void res.end('<p>Please enter a correct email and password.</p>');
        }
        res.writeHead(302, {
          location: '/admin/',
          'set-cookie': `sessionid=${sessionId}; HttpOnly; Path=/`,
        });
        res.end();
      });
    });
    http.on('upgrade', (req, socket, head) => {
      this.upgrades.push(req);
      const url = new URL(req.url ?? '/', 'http://peer');
      const route = url.pathname.startsWith('/ws/notifications')
        ? 'notifications'
        : url.pathname.startsWith('/ws/sakura')
          ? 'sakura'
          : 'dashboard';
      const allowed =
        route === 'sakura' ||
        (route === 'notifications' && url.searchParams.get('token') === access) ||
        (route === 'dashboard' && (req.headers.cookie ?? '').includes(`sessionid=${sessionId}`));
      if (!allowed) {
        socket.end('HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      if (route === 'notifications' && !this.accessUsed) {
        this.accessUsed = true;
        for (const waiting of this.awaitingAccessEcho)
          if (waiting.readyState === WebSocket.OPEN) waiting.send(straddling('echo', access));
        this.awaitingAccessEcho.clear();
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.greet(ws, route));
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', () => resolve()));
    const address = http.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
    this.server = http;
    return this;
  }

  private greet(socket: WebSocket, route: 'dashboard' | 'notifications' | 'sakura'): void {
    const s = this.secrets;
    const echo = () => {
      for (const value of s.echoed)
        socket.send(JSON.stringify({ type: 'debug_echo', note: `you sent ${value} to us` }));
    };
    if (route === 'sakura') {
      socket.send(JSON.stringify({ type: 'connected', connection_id: 'c1', message: 'hi' }));
      socket.send(
        JSON.stringify({ type: 'error', message: `refresh token ${s.refresh} is not valid here` }),
      );
      echo();
      return;
    }
    socket.send(JSON.stringify({ type: 'connection_established' }));
    // The notifications socket turns every JSON object into a bell entry: it only authenticates.
    if (route === 'notifications') return;
    echo();
    socket.send(
      JSON.stringify({ type: 'user_debug', password: s.serverPassword, api_key: s.serverApiKey }),
    );
    if (this.accessUsed) socket.send(straddling('echo', s.access));
    else {
      this.awaitingAccessEcho.add(socket);
      socket.once('close', () => this.awaitingAccessEcho.delete(socket));
    }
    socket.send(straddling('api_key', s.straddlingApiKey));
    // A backend that leaks what it was sent: bare, as cookie pairs, in garbage.
    socket.send(
      JSON.stringify({
        type: 'debug_echo',
        cookie: `sessionid=${s.sessionId}; csrftoken=${s.csrf}`,
        password: s.password,
      }),
    );
    socket.send(JSON.stringify({ type: 'whoami', session: `${s.sessionId}`, note: s.csrf }));
    socket.send(`your session is ${s.sessionId} and your csrf is ${s.csrf}`);
    socket.send(`garbage sessionid=${s.sessionId} csrftoken=${s.csrf} password=${s.password}`);
    socket.send(
      JSON.stringify({
        type: 'business_created',
        payload: { business: { id: 1, name: 'Acme' }, message: 'New business "Acme" created' },
        timestamp: '2026-11-22 21:56:50.081114+00:00',
      }),
    );
  }

  async stop(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
    const server = this.server;
    this.server = null;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }
}

/** A frame whose `field` value starts 10 characters before the preview ends, so the cut falls inside it. */
function straddling(field: string, value: string): string {
  const start = `{"type":"user_debug","pad":"`;
  const middle = `","${field}":"`;
  const pad = 'p'.repeat(PREVIEW_CHARS - 10 - start.length - middle.length);
  const frame = `${start}${pad}${middle}${value}"}`;
  if (frame.indexOf(value) !== PREVIEW_CHARS - 10) throw new Error('straddling frame misaligned');
  return frame;
}
