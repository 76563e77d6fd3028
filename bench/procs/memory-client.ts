/**
 * The receiving side of benchmark 3, alone in its own process (run with --expose-gc) so its
 * memory is only what the path keeps: Lookout's full path or, as the reference, a bare client.
 * `measure` waits until `target` events arrived (or `maxMs` passed), collects garbage and reports
 * RSS and heap.
 */
import { bareClient } from '../support/bare-client';
import { childOptions, onCommand, reply } from '../support/child';
import { startLookoutPath } from '../support/lookout-path';
import { until } from '../support/wait';

interface Options {
  url: string;
  client: 'bare' | 'lookout';
}

const options = childOptions<Options>();
let received = 0;
const gc = (globalThis as { gc?: () => void }).gc;

async function collect(): Promise<void> {
  // Several passes with turns of the event loop in between, so finalisers and weak refs settle.
  for (let i = 0; i < 4; i++) {
    gc?.();
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function start(): Promise<void> {
  if (options.client === 'bare') {
    await bareClient(options.url, (frame) => {
      if (frame.type === 'event') received += 1;
    });
    reply({ type: 'open' });
    return;
  }
  let open = false;
  let subscribed = false;
  startLookoutPath({
    url: options.url,
    dialect: 'lookout',
    onEvents: (events) => {
      received += events.length;
    },
    onState: (c) => {
      if (c.to === 'open') open = true;
    },
    onDecode: (result) => {
      if (result.acks?.some((a) => a.op === 'subscribed')) subscribed = true;
    },
  });
  await until(() => open && subscribed, 10_000, 'the session to open');
  reply({ type: 'open' });
}

onCommand(async (message) => {
  if (message.type !== 'measure') return;
  const target = Number(message.target);
  const maxMs = Number(message.maxMs);
  const deadline = Date.now() + maxMs;
  await until(() => received >= target || Date.now() > deadline, maxMs + 1_000, 'events', 10);
  const at = received;
  // Let whatever is queued in timers (the 100 ms patch batcher, notification ticks) run first.
  await new Promise((r) => setTimeout(r, 250));
  await collect();
  const m = process.memoryUsage();
  reply({
    type: 'measured',
    received: at,
    rss: m.rss,
    heapUsed: m.heapUsed,
    external: m.external,
    gc: Boolean(gc),
  });
});

void start();
