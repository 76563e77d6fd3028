/**
 * A process holding many idle clients for the scale benchmark. On `connect` it opens `count` more
 * sockets, at most `concurrency` handshakes at a time (the gateway caps pending handshakes per
 * address), from its own loopback source address; each one waits for the server's first frame
 * (hello), subscribes to `dashboard` and counts as set up on `subscribed`. Then they sit idle,
 * answering PINGs (as `ws` does by itself). `cpu` reports this process's CPU time, so the runner
 * can show that the clients were not the limit.
 */
import WebSocket from 'ws';
import { childOptions, onCommand, reply } from '../support/child';
import { hrNow } from '../support/hr-clock';

interface Options {
  url: string;
  token: string;
  concurrency: number;
  /** A loopback address of its own (127.0.0.x): its own ephemeral ports and per-address cap. */
  localAddress: string;
}

const options = childOptions<Options>();
const sockets: WebSocket[] = [];
const SUBSCRIBE = JSON.stringify({ type: 'subscribe', channel: 'dashboard' });
let closedEarly = 0;
const errors = new Map<string, number>();

function cpuMicros(): number {
  const cpu = process.cpuUsage();
  return cpu.user + cpu.system;
}

/** One client: resolves true once subscribed, false when refused or closed before. */
function open(): Promise<boolean> {
  return new Promise((resolve) => {
    const ws = new WebSocket(options.url, {
      headers: options.token ? { Authorization: `Bearer ${options.token}` } : {},
      perMessageDeflate: false,
      localAddress: options.localAddress,
    });
    let settled = false;
    const settle = (ok: boolean) => {
      if (settled) return;
      settled = true;
      resolve(ok);
    };
    let first = true;
    ws.on('message', (data) => {
      if (first) {
        first = false;
        ws.send(SUBSCRIBE);
        return;
      }
      if (!settled && String(data).includes('"subscribed"')) settle(true);
    });
    ws.on('error', (error) => {
      errors.set(error.message, (errors.get(error.message) ?? 0) + 1);
      settle(false);
    });
    ws.on('close', () => {
      if (settled) closedEarly += 1;
      settle(false);
    });
    sockets.push(ws);
  });
}

async function connectAll(count: number): Promise<void> {
  errors.clear();
  const cpu0 = cpuMicros();
  const t0 = hrNow();
  let next = 0;
  let ok = 0;
  const worker = async () => {
    while (next < count) {
      next += 1;
      if (await open()) ok += 1;
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  reply({
    type: 'connected',
    ok,
    failed: count - ok,
    errors: Object.fromEntries(errors),
    elapsedMs: hrNow() - t0,
    cpuMicros: cpuMicros() - cpu0,
  });
}

onCommand(async (message) => {
  if (message.type === 'connect') await connectAll(Number(message.count));
  else if (message.type === 'cpu') {
    const open = sockets.filter((ws) => ws.readyState === WebSocket.OPEN).length;
    reply({ type: 'cpu', cpuMicros: cpuMicros(), open, closedEarly });
  }
});
reply({ type: 'ready' });
