/**
 * Benchmark 3: memory. A client process (Lookout's full path, and a bare client as the
 * reference) receives a long run of unique events; RSS and heap after a garbage collection
 * are taken after a warm-up and again at the end. All of Lookout's buffers are bounded, so the
 * growth between the two should be small.
 */
import { Proc, stopAll, type ProcMessage } from './support/proc';
import type { BenchContext, BenchResult, Row } from './support/report';
import { round } from './support/stats';

const GOAL_MB = 30;
const MB = 1024 * 1024;

interface Measured extends ProcMessage {
  type: string;
  received: number;
  rss: number;
  heapUsed: number;
  external: number;
  gc: boolean;
}

async function measure(client: 'bare' | 'lookout', warmup: number, total: number, maxMs: number) {
  const server = Proc.start('frame-server');
  let receiver: Proc | null = null;
  try {
    const { port } = await server.next<{ type: string; port: number }>('ready', 20_000);
    receiver = Proc.start('memory-client', { url: `ws://127.0.0.1:${port}/ws`, client }, [
      '--expose-gc',
    ]);
    await receiver.next('open', 20_000);
    const started = Date.now();
    const burst = (from: number, count: number, ms: number) =>
      server.request(
        { type: 'burst', dialect: 'lookout', count, rate: 0, from, maxMs: ms },
        'burst-done',
        ms + 10_000,
      );
    const warm = burst(0, warmup, maxMs);
    const after = await receiver.request<Measured>(
      { type: 'measure', target: warmup, maxMs },
      'measured',
      maxMs + 30_000,
    );
    await warm;
    const rest = Math.max(0, total - after.received);
    const budget = Math.max(1_000, maxMs - (Date.now() - started));
    const run = burst(after.received, rest, budget);
    const end = await receiver.request<Measured>(
      { type: 'measure', target: total, maxMs: budget },
      'measured',
      budget + 30_000,
    );
    server.send({ type: 'stop-burst' });
    await run;
    return { after, end, seconds: (Date.now() - started) / 1_000 };
  } finally {
    await stopAll([receiver, server]);
  }
}

export async function memoryGrowth(ctx: BenchContext): Promise<BenchResult> {
  const total = ctx.quick ? 50_000 : 1_000_000;
  const warmup = ctx.quick ? 5_000 : 50_000;
  const maxMs = ctx.quick ? 4_000 : 180_000;
  const rows: Row[] = [];
  const details: Record<string, unknown> = { total, warmup, maxMs };
  for (const client of ['bare', 'lookout'] as const) {
    const { after, end, seconds } = await measure(client, warmup, total, maxMs);
    const rssGrowth = round((end.rss - after.rss) / MB, 1);
    const heapGrowth = round((end.heapUsed - after.heapUsed) / MB, 1);
    details[client] = {
      afterWarmup: after,
      atEnd: end,
      seconds,
      rssGrowthMb: rssGrowth,
      heapGrowthMb: heapGrowth,
    };
    ctx.log(
      `  ${client}: ${end.received.toLocaleString('en-US')} events in ${seconds.toFixed(1)} s, RSS ${round(after.rss / MB, 1)} → ${round(end.rss / MB, 1)} MB, heap ${round(after.heapUsed / MB, 1)} → ${round(end.heapUsed / MB, 1)} MB`,
    );
    const b = `memory ${client}`;
    const label = client === 'bare' ? ' (reference)' : '';
    rows.push(
      {
        bench: b,
        name: `events received${label}`,
        value: end.received,
        unit: `/ ${total}`,
        goal: '',
        met: null,
      },
      {
        bench: b,
        name: `RSS growth after GC${label}`,
        value: rssGrowth,
        unit: `MB (${round(after.rss / MB, 1)} → ${round(end.rss / MB, 1)})`,
        goal: client === 'lookout' ? `< ${GOAL_MB} MB` : '',
        met: client === 'lookout' ? rssGrowth < GOAL_MB : null,
      },
      {
        bench: b,
        name: `heap growth after GC${label}`,
        value: heapGrowth,
        unit: `MB (${round(after.heapUsed / MB, 1)} → ${round(end.heapUsed / MB, 1)})`,
        goal: client === 'lookout' ? `< ${GOAL_MB} MB` : '',
        met: client === 'lookout' ? heapGrowth < GOAL_MB : null,
      },
    );
  }
  return { name: 'memory', rows, details };
}
