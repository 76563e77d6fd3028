import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import type { ServerIdentity } from './certificates';

/** A `ws` server over `https.createServer` on a loopback port: echoes, greets, serves /health. */
export interface TestWss {
  port: number;
  url: string;
  httpsUrl: string;
  /** Upgrade requests seen (headers included): proof of what reached the server. */
  upgrades: Array<{ authorization?: string; url?: string }>;
  close(): Promise<void>;
}

export async function startWss(identity: ServerIdentity): Promise<TestWss> {
  const upgrades: TestWss['upgrades'] = [];
  const server: Server = createServer({ key: identity.key, cert: identity.cert }, (req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: 'ok', path: req.url }));
  });
  const wss = new WebSocketServer({ server });
  wss.on('connection', (socket, req) => {
    upgrades.push({
      ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
      ...(req.url ? { url: req.url } : {}),
    });
    socket.send(JSON.stringify({ type: 'hello' }));
    socket.on('message', (data) => socket.send(data.toString()));
  });
  // TLS failures on the server side are expected in these tests (the client refuses the certificate).
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `wss://127.0.0.1:${port}/ws`,
    httpsUrl: `https://127.0.0.1:${port}`,
    upgrades,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
