/**
 * Benchmark: live delivery on Redis costs the same per event whatever the number of distinct
 * channels an instance watches (issue 21). One receiving instance (the gateway's Redis event log,
 * alone in a child process) watches 10, then 10,000 channels; this process publishes events
 * round-robin over exactly those channels through a second event log, so every event is one
 * delivery (after a warm-up quarter, not counted). Figures: deliveries per CPU second of the receiver, for both, and their ratio; the
 * publisher's CPU is printed too, so a run where the harness, not the receiver, was the limit shows.
 */
import { randomUUID } from 'node:crypto';
import { RedisEventLog } from '../gateway/src/storage/redis-log';
import { RedisServer } from '../test/support/redis-server';
import { Proc } from './support/proc';
import type { BenchContext, BenchResult, Row } from './support/report';
import { round } from './support/stats';

const COUNTS = [10, 10_000];
/** Goal: 10,000 watched channels cost at most 20 % more CPU per delivery than 10. */
const GOAL_RATIO = 0.8;

interface Measured {
  channels: number;
  deliveries: number;
  receiverCpuMs: number;
  wallMs: number;
  publisherCpuMs: number;
  deliveriesPerCpuSec: number;
}

export async function liveDelivery(ctx: BenchContext): Promise<BenchResult> {
  const events = ctx.quick ? 4_000 : 20_000;
  const redis = await RedisServer.start();
  const quiet = { info() {}, warn() {}, error() {} };
  const measured: Measured[] = [];
  try {
    for (const count of COUNTS) {
      const keyPrefix = `bench-${randomUUID().slice(0, 8)}`;
      const channels = Array.from({ length: count }, (_, i) => `task:c${i}`);
      const writer = new RedisEventLog({
        redis: { mode: 'standalone', url: redis.url },
        retention: 1_000,
        keyPrefix,
        logger: quiet,
      });
      await writer.start();
      const reader = Proc.start('live-reader', { url: redis.url, channels, keyPrefix });
      try {
        await reader.next('ready', 120_000);
        /** Publish `n` events round-robin over the channels while the reader measures. */
        const phase = async (n: number) => {
          const done = reader.next<{ type: string } & Record<string, number>>('measured', 180_000);
          await reader.request({ type: 'measure', target: n, maxMs: 120_000 }, 'measuring');
          const cpu0 = process.cpuUsage();
          // Bounded: `n` publishes, at most 100 in flight.
          let next = 0;
          await Promise.all(
            Array.from({ length: 100 }, async () => {
              while (next < n) {
                const i = next++;
                await writer.append({
                  channel: channels[i % count] as string,
                  kind: 'task.progress',
                  severity: 'info',
                  title: `step ${i}`,
                  body: '',
                  data: { i },
                });
              }
            }),
          );
          return { cpu: process.cpuUsage(cpu0), result: await done };
        };
        // Warm-up, not counted: JIT, and the catch-up reads that followed the watches.
        await phase(Math.round(events / 4));
        const { cpu, result } = await phase(events);
        const receiverCpuMs = result.cpuMs ?? 0;
        measured.push({
          channels: count,
          deliveries: result.deliveries ?? 0,
          receiverCpuMs: round(receiverCpuMs, 1),
          wallMs: round(result.wallMs ?? 0, 1),
          publisherCpuMs: round((cpu.user + cpu.system) / 1_000, 1),
          deliveriesPerCpuSec: Math.round((result.deliveries ?? 0) / (receiverCpuMs / 1_000)),
        });
        ctx.log(
          `  ${count.toLocaleString('en-US')} channels: ${result.deliveries} deliveries, receiver ${round(receiverCpuMs, 0)} ms CPU (${result.resyncs ?? 0} resyncs) over ${round(result.wallMs ?? 0, 0)} ms, publisher ${round((cpu.user + cpu.system) / 1_000, 0)} ms CPU`,
        );
      } finally {
        await reader.stop();
        await writer.stop();
      }
    }
  } finally {
    await redis.stop();
  }
  const [few, many] = measured;
  const ratio = few && many ? round(many.deliveriesPerCpuSec / few.deliveriesPerCpuSec, 2) : 0;
  const rows: Row[] = [
    ...measured.map((m) => ({
      bench: 'live-delivery',
      name: `deliveries per CPU second, ${m.channels.toLocaleString('en-US')} channels watched`,
      value: m.deliveriesPerCpuSec,
      unit: '/s',
      goal: '',
      met: null,
    })),
    ...measured.map((m) => ({
      bench: 'live-delivery',
      name: `publisher (harness) CPU per event, ${m.channels.toLocaleString('en-US')} channels`,
      value: round((m.publisherCpuMs * 1_000) / Math.max(1, m.deliveries), 1),
      unit: 'µs',
      goal: '',
      met: null,
    })),
    {
      bench: 'live-delivery',
      name: 'cost independence: 10,000 vs 10 channels (per CPU second)',
      value: ratio,
      unit: '×',
      goal: `≥ ${GOAL_RATIO}`,
      met: ratio >= GOAL_RATIO,
    },
  ];
  return { name: 'live-delivery', rows, details: { events, measured } };
}
