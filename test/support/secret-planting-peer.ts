import { createServer, type IncomingMessage, type Server } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';

/** Secrets a test plants in every channel Lookout reads, to prove none of them comes out again. */
export interface PlantedSecrets {
  password: string;
  csrf: string;
  sessionId: string;
}

/**
 * A django-channels-shaped peer that hands out known secrets: the admin login form sets a
 * planted `csrftoken` and `sessionid`; the dashboard socket (cookie required) then echoes the
 * secrets back in a server error frame and in garbage frames, the way a careless backend would,
 * so they land in the frame log. One valid business event follows.
 */
export class SecretPlantingPeer {
  private server: Server | null = null;
  private readonly wss = new WebSocketServer({ noServer: true });
  readonly upgrades: IncomingMessage[] = [];
  port = 0;

  constructor(private readonly secrets: PlantedSecrets) {
    this.wss.on('connection', (socket: WebSocket) => this.greet(socket));
  }

  get wsUrl(): string {
    return `ws://localhost:${this.port}/ws/dashboard/`;
  }

  get loginUrl(): string {
    return `http://localhost:${this.port}/admin/login/`;
  }

  async start(): Promise<this> {
    const { csrf, sessionId, password } = this.secrets;
    const http = createServer((req, res) => {
      if (req.url !== '/admin/login/') return void res.writeHead(404).end();
      if (req.method === 'GET') {
        res.writeHead(200, {
          'set-cookie': `csrftoken=${csrf}; Path=/`,
          'content-type': 'text/html',
        });
        return void res.end('<form></form>');
      }
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
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
      if (!(req.headers.cookie ?? '').includes(`sessionid=${sessionId}`)) {
        socket.end('HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.wss.emit('connection', ws, req));
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', () => resolve()));
    const address = http.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
    this.server = http;
    return this;
  }

  private greet(socket: WebSocket): void {
    const { csrf, sessionId, password } = this.secrets;
    socket.send(JSON.stringify({ type: 'connection_established' }));
    // A backend that leaks what it was sent: in an unknown frame, in garbage, in a cookie header line.
    socket.send(
      JSON.stringify({
        type: 'debug_echo',
        cookie: `sessionid=${sessionId}; csrftoken=${csrf}`,
        password,
      }),
    );
    socket.send(`garbage sessionid=${sessionId} csrftoken=${csrf} password=${password}`);
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
