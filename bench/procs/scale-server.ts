/**
 * The server side of the scale and fan-out benchmarks, in its own process (started with
 * `--expose-gc`): either the Lookout gateway (in-process log, production defaults apart from the
 * connection caps and the heartbeat interval) or its reference, a plain `ws` server doing the same
 * protocol work by the book: a JSON hello on connect, `subscribed` for a subscribe, one sweep timer
 * for all sockets sending a PING and a pre-built heartbeat frame (the `ws` README's pattern), and
 * `POST /publish` (with the API key) giving the event its channel's next seq, an id and a time,
 * serialising it once and sending it to every subscriber of the channel (the `ws` README's
 * broadcast). Both answer `measure` with their memory (after a full GC if asked) and CPU time,
 * and `profile` (start, then stop into a file) with a V8 CPU profile of the window in between.
 */
import { writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Session as Inspector } from 'node:inspector/promises';
import { WebSocketServer, type WebSocket } from 'ws';
import { createGateway, silentGatewayLogger } from '../../gateway/src';
import { childOptions, onCommand, reply } from '../support/child';

interface Options {
  kind: 'lookout' | 'plain';
  secret: string;
  heartbeatMs: number;
  /** The key `POST /publish` takes (fan-out benchmark); none: publishing is not used. */
  apiKey?: string;
}

const options = childOptions<Options>();

/** Open client sockets of this server, read at each `measure`. */
let openSockets: () => number = () => 0;

interface Started {
  url: string;
  wsUrl: string;
  token: string;
}

async function startLookout(): Promise<Started> {
  const gateway = createGateway({
    secret: options.secret,
    host: '127.0.0.1',
    port: 0,
    logger: silentGatewayLogger,
    heartbeatMs: options.heartbeatMs,
    // Every benchmark client signs in with the one bench token: lift the caps it would meet.
    limits: { maxConnections: 20_000, maxConnectionsPerUser: 20_000 },
    ...(options.apiKey ? { apiKeys: [options.apiKey] } : {}),
  });
  const address = await gateway.start();
  const tokens = await gateway.issueTokens({ sub: 'bench-admin', role: 'super_admin' });
  openSockets = () => gateway.gauges().connections;
  return { url: address.url, wsUrl: address.wsUrl, token: tokens.access };
}

async function startPlain(): Promise<Started> {
  const channels = new Map<string, Set<WebSocket>>();
  const seqs = new Map<string, number>();
  const publish = (req: IncomingMessage, res: ServerResponse, body: string) => {
    if (req.headers.authorization !== `Bearer ${options.apiKey}`) return res.writeHead(401).end();
    let input: { channel?: unknown };
    try {
      input = JSON.parse(body) as typeof input;
    } catch {
      return res.writeHead(400).end();
    }
    if (typeof input.channel !== 'string') return res.writeHead(400).end();
    const channel = input.channel;
    const seq = (seqs.get(channel) ?? 0) + 1;
    seqs.set(channel, seq);
    const id = `${channel}:${seq}`;
    const frame = Buffer.from(
      JSON.stringify({ type: 'event', ...input, seq, id, time: Date.now() }),
      'utf8',
    );
    for (const ws of channels.get(channel) ?? []) ws.send(frame, { binary: false });
    res.writeHead(202, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ channel, seq, id }));
  };
  const server = createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== '/publish' || !options.apiKey)
      return res.writeHead(404).end();
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => publish(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  const wss = new WebSocketServer({ server, path: '/ws' });
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
  return { url: `http://127.0.0.1:${port}`, wsUrl: `ws://127.0.0.1:${port}/ws`, token: '' };
}

const gc = (globalThis as { gc?: () => void }).gc;

let inspector: Inspector | null = null;

/** V8's sampling profiler over a window the runner chooses (`profile` start / stop). */
async function profile(action: unknown, file: unknown): Promise<void> {
  if (action === 'start' && !inspector) {
    inspector = new Inspector();
    inspector.connect();
    await inspector.post('Profiler.enable');
    await inspector.post('Profiler.setSamplingInterval', { interval: 200 });
    await inspector.post('Profiler.start');
  } else if (action === 'stop' && inspector) {
    const { profile: taken } = await inspector.post('Profiler.stop');
    inspector.disconnect();
    inspector = null;
    await writeFile(String(file), JSON.stringify(taken));
  }
  reply({ type: 'profile' });
}

onCommand(async (message) => {
  if (message.type === 'profile') return profile(message.action, message.file);
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
