/**
 * A process holding many subscribed lookout clients (bare `ws`, as a browser tab or a Lookout
 * app would be one connection each) for benchmark 5. Records, per client, every seq received and
 * the publish-to-receive latency of each delivery.
 */
import WebSocket from 'ws';
import { childOptions, onCommand, reply } from '../support/child';
import { hrNow } from '../support/hr-clock';

interface Options {
  urls: string[];
  clients: number;
  token: string;
}

const options = childOptions<Options>();
const sockets: WebSocket[] = [];
const counts: number[] = [];
let latencies = new Float64Array(1 << 16);
let samples = 0;
let subscribed = 0;

function record(ms: number): void {
  if (samples === latencies.length) {
    const bigger = new Float64Array(latencies.length * 2);
    bigger.set(latencies);
    latencies = bigger;
  }
  latencies[samples++] = ms;
}

function connect(index: number): void {
  const url = options.urls[index % options.urls.length] as string;
  const ws = new WebSocket(url, {
    headers: { Authorization: `Bearer ${options.token}` },
    perMessageDeflate: false,
  });
  counts[index] = 0;
  ws.on('open', () => ws.send(JSON.stringify({ type: 'subscribe', channel: 'dashboard' })));
  ws.on('message', (data) => {
    const now = hrNow();
    const frame = JSON.parse(String(data)) as { type?: string; data?: { sentAt?: number } };
    if (frame.type === 'event') {
      counts[index] = (counts[index] ?? 0) + 1;
      if (typeof frame.data?.sentAt === 'number') record(now - frame.data.sentAt);
    } else if (frame.type === 'subscribed') {
      subscribed += 1;
      if (subscribed === options.clients) reply({ type: 'ready' });
    }
  });
  ws.on('error', (error) => reply({ type: 'error', message: `client ${index}: ${error.message}` }));
  sockets.push(ws);
}

onCommand((message) => {
  if (message.type === 'reset') {
    // The end of the warm-up: hand over what it measured, then start counting afresh.
    reply({
      type: 'reset',
      latencies: Array.from(latencies.subarray(0, samples), (v) => Math.round(v * 1000) / 1000),
    });
    counts.fill(0);
    samples = 0;
    return;
  }
  if (message.type !== 'report') return;
  // While the runner is only waiting for the last deliveries, the counts are enough.
  const full = message.countsOnly !== true;
  reply({
    type: 'report',
    counts,
    latencies: full
      ? Array.from(latencies.subarray(0, samples), (v) => Math.round(v * 1000) / 1000)
      : [],
  });
});

// Connect in small groups so a thousand handshakes do not all land in the same millisecond.
let next = 0;
const opener = setInterval(() => {
  for (let i = 0; i < 20 && next < options.clients; i++) connect(next++);
  if (next >= options.clients) clearInterval(opener);
}, 10);
