/**
 * A process holding many subscribed lookout clients (bare `ws`, as a browser tab or a Lookout
 * app would be one connection each) for benchmark 5. Records, per client, every seq received and
 * the publish-to-receive latency of each delivery, with the publish number it belongs to.
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
/** The publisher's running number (`data.n`) of each latency sample. */
let numbers = new Uint32Array(1 << 16);
let samples = 0;
let subscribed = 0;

function record(ms: number, n: number): void {
  if (samples === latencies.length) {
    const bigger = new Float64Array(latencies.length * 2);
    bigger.set(latencies);
    latencies = bigger;
    const more = new Uint32Array(numbers.length * 2);
    more.set(numbers);
    numbers = more;
  }
  numbers[samples] = n;
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
    const frame = JSON.parse(String(data)) as {
      type?: string;
      data?: { sentAt?: number; n?: number };
    };
    if (frame.type === 'event') {
      counts[index] = (counts[index] ?? 0) + 1;
      if (typeof frame.data?.sentAt === 'number') {
        record(now - frame.data.sentAt, frame.data.n ?? 0);
      }
    } else if (frame.type === 'subscribed') {
      subscribed += 1;
      if (subscribed === options.clients) reply({ type: 'ready' });
    }
  });
  ws.on('error', (error) => reply({ type: 'error', message: `client ${index}: ${error.message}` }));
  sockets.push(ws);
}

onCommand((message) => {
  if (message.type !== 'report') return;
  // While the runner is only waiting for the last deliveries, the counts are enough.
  const full = message.countsOnly !== true;
  reply({
    type: 'report',
    counts,
    latencies: full
      ? Array.from(latencies.subarray(0, samples), (v) => Math.round(v * 1000) / 1000)
      : [],
    numbers: full ? Array.from(numbers.subarray(0, samples)) : [],
  });
});

// Connect in small groups so a thousand handshakes do not all land in the same millisecond.
let next = 0;
const opener = setInterval(() => {
  for (let i = 0; i < 20 && next < options.clients; i++) connect(next++);
  if (next >= options.clients) clearInterval(opener);
}, 10);
