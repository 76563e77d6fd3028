/**
 * The receiving instance of the live-delivery benchmark, alone in its process so its CPU time is
 * only what live delivery costs: the gateway's Redis event log watching `channels` distinct
 * channels, counting what it hands on. `measure` reports CPU and deliveries once `target` more
 * events arrived (or `maxMs` passed).
 */
import { GatewayMetrics } from '../../gateway/src/metrics';
import { RedisEventLog } from '../../gateway/src/storage/redis-log';
import { childOptions, onCommand, reply } from '../support/child';

interface Options {
  url: string;
  channels: string[];
  keyPrefix: string;
}

const options = childOptions<Options>();
let delivered = 0;
/** The measurement under way: it ends on the delivery that reaches its target, not by polling. */
let measuring: { until: number; finish: () => void } | null = null;
const quiet = { info() {}, warn() {}, error() {} };
const metrics = new GatewayMetrics();
const log = new RedisEventLog({
  redis: { mode: 'standalone', url: options.url },
  retention: 1_000,
  keyPrefix: options.keyPrefix,
  logger: quiet,
  metrics,
});
log.onEvent(() => {
  delivered += 1;
  if (measuring && delivered >= measuring.until) measuring.finish();
});

async function start(): Promise<void> {
  await log.start();
  // Watch every channel from its current head, as a gateway does after a client's replay.
  for (let i = 0; i < options.channels.length; i += 200)
    await Promise.all(
      options.channels.slice(i, i + 200).map(async (channel) => {
        const at = await log.replay(channel, undefined, 1);
        log.watch(channel, { seq: at.head, epoch: at.epoch });
      }),
    );
  reply({ type: 'ready', watched: options.channels.length });
}

onCommand(async (message) => {
  if (message.type !== 'measure') return;
  const target = Number(message.target);
  const maxMs = Number(message.maxMs);
  const from = delivered;
  const resyncs0 = metrics.counters.get('redis.resyncs') ?? 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  // No polling while measuring (a timer every few ms would charge the receiver for waiting, and a
  // slower Redis would look like a dearer receiver): the target delivery itself ends it.
  const ended = new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, maxMs);
    measuring = {
      until: from + target,
      finish: () => {
        clearTimeout(timer);
        resolve();
      },
    };
  });
  reply({ type: 'measuring' });
  await ended;
  measuring = null;
  const cpu = process.cpuUsage(cpu0);
  reply({
    type: 'measured',
    deliveries: delivered - from,
    cpuMs: (cpu.user + cpu.system) / 1_000,
    wallMs: performance.now() - t0,
    // Reads of every watched channel (a probe missed): their cost does grow with the channels.
    resyncs: (metrics.counters.get('redis.resyncs') ?? 0) - resyncs0,
  });
});

await start();
