/**
 * Benchmark: live delivery on Redis costs the same per event whatever the number of distinct
 * channels an instance watches (issue 21). One receiving instance (the gateway's Redis event log,
 * alone in a child process) watches 10, then 10,000 channels; this process publishes events
 * round-robin over exactly those channels through a second event log, so every event is one
 * delivery (after a warm-up quarter, not counted). Both receivers run side by side and the rounds
 * alternate between them; figures are medians: deliveries per CPU second of the receiver, for both,
 * and their ratio. The receiver's measurement ends on its target delivery (no polling), so waiting
 * on a slower Redis is not charged to it. The publisher's CPU is printed too, so a run where the
 * harness, not the receiver, was the limit shows.
 */
import { randomUUID } from 'node:crypto';
import { RedisEventLog } from '../gateway/src/storage/redis-log';
import { RedisServer } from '../test/support/redis-server';
import { Proc } from './support/proc';
import type { BenchContext, BenchResult, Row } from './support/report';
import { round } from './support/stats';

const round2 = (value: number) => round(value, 1);

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

/** One receiving instance and its publisher, watching `count` channels. */
interface Setup {
  count: number;
  channels: string[];
  writer: RedisEventLog;
  reader: Proc;
}

export async function liveDelivery(ctx: BenchContext): Promise<BenchResult> {
  const events = ctx.quick ? 4_000 : 20_000;
  // Rounds alternate 10 / 10,000 / 10 / …, and each figure is a median: on a shared machine a
  // single round of each is mostly noise (0.5× to 1.2× between consecutive single-round runs).
  const rounds = ctx.quick ? 3 : 5;
  const redis = await RedisServer.start();
  const quiet = { info() {}, warn() {}, error() {} };
  const perRound = new Map<number, Measured[]>();
  const setups: Setup[] = [];
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
      setups.push({ count, channels, writer, reader });
      await reader.next('ready', 120_000);
    }
    /** Publish `n` events round-robin over a setup's channels while its reader measures. */
    const phase = async ({ count, channels, writer, reader }: Setup, n: number) => {
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
    for (const setup of setups) await phase(setup, Math.round(events / 4));
    for (let round = 0; round < rounds; round++) {
      for (const setup of setups) {
        const { cpu, result } = await phase(setup, events);
        const receiverCpuMs = result.cpuMs ?? 0;
        const m: Measured = {
          channels: setup.count,
          deliveries: result.deliveries ?? 0,
          receiverCpuMs: round2(receiverCpuMs),
          wallMs: round2(result.wallMs ?? 0),
          publisherCpuMs: round2((cpu.user + cpu.system) / 1_000),
          deliveriesPerCpuSec: Math.round((result.deliveries ?? 0) / (receiverCpuMs / 1_000)),
        };
        perRound.set(setup.count, [...(perRound.get(setup.count) ?? []), m]);
        ctx.log(
          `  round ${round + 1}, ${setup.count.toLocaleString('en-US')} channels: ${m.deliveries} deliveries, receiver ${Math.round(receiverCpuMs)} ms CPU (${result.resyncs ?? 0} resyncs) over ${Math.round(m.wallMs)} ms, publisher ${Math.round(m.publisherCpuMs)} ms CPU`,
        );
      }
    }
  } finally {
    for (const { reader, writer } of setups) {
      await reader.stop();
      await writer.stop();
    }
    await redis.stop();
  }
  // Per count: the round with the median receiver cost stands for it.
  const measured = COUNTS.map((count) => {
    const all = [...(perRound.get(count) ?? [])].sort(
      (a, b) => a.deliveriesPerCpuSec - b.deliveriesPerCpuSec,
    );
    return all[Math.floor(all.length / 2)];
  }).filter((m): m is Measured => m !== undefined);
  const [few, many] = measured;
  const ratio = few && many ? round(many.deliveriesPerCpuSec / few.deliveriesPerCpuSec, 2) : 0;
  const rows: Row[] = [
    ...measured.map((m) => ({
      bench: 'live-delivery',
      name: `deliveries per CPU second, ${m.channels.toLocaleString('en-US')} channels watched (median)`,
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
      name: 'cost independence: 10,000 vs 10 channels (per CPU second, medians)',
      value: ratio,
      unit: '×',
      goal: `≥ ${GOAL_RATIO}`,
      met: ratio >= GOAL_RATIO,
    },
  ];
  return {
    name: 'live-delivery',
    rows,
    details: { events, rounds, measured, perRound: Object.fromEntries(perRound) },
  };
}
