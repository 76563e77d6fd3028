/**
 * The server side of the scale benchmark, in its own process (started with `--expose-gc`): either
 * the Lookout gateway (in-process log, production defaults apart from the connection caps and the
 * heartbeat interval) or its reference, a plain `ws` server doing the same protocol work by the
 * book: a JSON hello on connect, `subscribed` for a subscribe, and one sweep timer for all sockets
 * sending a PING and a pre-built heartbeat frame (the `ws` README's pattern). Both answer `measure`
 * with their memory after a full GC and their CPU time so far.
 */
import { createServer } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { createGateway, silentGatewayLogger } from '../../gateway/src';
import { childOptions, onCommand, reply } from '../support/child';

interface Options {
  kind: 'lookout' | 'plain';
  secret: string;
  heartbeatMs: number;
}

const options = childOptions<Options>();

/** Open client sockets of this server, read at each `measure`. */
let openSockets: () => number = () => 0;

async function startLookout(): Promise<{ wsUrl: string; token: string }> {
  const gateway = createGateway({
    secret: options.secret,
    host: '127.0.0.1',
    port: 0,
    logger: silentGatewayLogger,
    heartbeatMs: options.heartbeatMs,
    // Every benchmark client signs in with the one bench token: lift the caps it would meet.
    limits: { maxConnections: 20_000, maxConnectionsPerUser: 20_000 },
  });
  const address = await gateway.start();
  const tokens = await gateway.issueTokens({ sub: 'bench-admin', role: 'super_admin' });
  openSockets = () => gateway.gauges().connections;
  return { wsUrl: address.wsUrl, token: tokens.access };
}

async function startPlain(): Promise<{ wsUrl: string; token: string }> {
  const server = createServer((_req, res) => res.writeHead(404).end());
  const wss = new WebSocketServer({ server, path: '/ws' });
  const channels = new Map<string, Set<WebSocket>>();
  const alive = new WeakSet<WebSocket>();
  wss.on('connection', (ws) => {
    alive.add(ws);
    ws.on('pong', () => alive.add(ws));
    ws.on('error', () => undefined);
    ws.on('message', (data) => {
      let frame: { type?: unknown; channel?: unknown };
      try {
        frame = JSON.parse(String(data)) as typeof frame;
      } catch {
        return;
      }
      if (frame.type !== 'subscribe' || typeof frame.channel !== 'string') return;
      const channel = frame.channel;
      let members = channels.get(channel);
      if (!members) channels.set(channel, (members = new Set()));
      members.add(ws);
      ws.once('close', () => members.delete(ws));
      ws.send(JSON.stringify({ type: 'subscribed', channel, head: 0 }));
    });
    ws.send(JSON.stringify({ type: 'hello', serverTime: Date.now() }));
  });
  setInterval(() => {
    const heartbeat = Buffer.from(JSON.stringify({ type: 'heartbeat', serverTime: Date.now() }));
    for (const ws of wss.clients) {
      if (!alive.has(ws)) {
        ws.terminate();
        continue;
      }
      alive.delete(ws);
      ws.ping();
      ws.send(heartbeat, { binary: false });
    }
  }, options.heartbeatMs);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  openSockets = () => wss.clients.size;
  return { wsUrl: `ws://127.0.0.1:${port}/ws`, token: '' };
}

const gc = (globalThis as { gc?: () => void }).gc;

onCommand((message) => {
  if (message.type !== 'measure') return;
  if (message.gc === true) {
    // Twice: the first pass can leave what finalizers released for the second.
    gc?.();
    gc?.();
  }
  const memory = process.memoryUsage();
  const cpu = process.cpuUsage();
  reply({
    type: 'measure',
    rss: memory.rss,
    heapUsed: memory.heapUsed,
    external: memory.external + memory.arrayBuffers,
    cpuMicros: cpu.user + cpu.system,
    sockets: openSockets(),
    gcExposed: gc !== undefined,
  });
});

void (options.kind === 'lookout' ? startLookout() : startPlain()).then((r) =>
  reply({ type: 'ready', ...r }),
);
