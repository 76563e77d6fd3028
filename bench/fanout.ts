/**
 * Benchmark 5: gateway fan-out. Many subscribed clients, spread over several processes, receive
 * events published at a steady rate; every client must get every event, and the publish-to-client
 * latency is taken on the shared monotonic clock. Run with the in-process log (one instance) and
 * with Redis Streams across two instances (clients split between them, publishing on one).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { RedisServer } from '../test/support/redis-server';
import { Proc, stopAll, type ProcMessage } from './support/proc';
import type { BenchContext, BenchResult, Row } from './support/report';
import { round, spread } from './support/stats';
import { sleep } from './support/wait';

const GOAL_P99_MS = 50;

interface Ready extends ProcMessage {
  wsUrl: string;
  token: string;
}
interface Report extends ProcMessage {
  counts: number[];
  latencies: number[];
  /** The publish number (`data.n`, from 1) of each latency sample. */
}
interface FanOutReport extends ProcMessage {
  /** Publish-to-socket-write per event on that instance, ms. */
  written: number[];
  batches: number;
  socketWrites: number;
}
interface Published extends ProcMessage {
  count: number;
  failed: number;
  elapsedMs: number;
}

async function runMode(
  mode: 'memory' | 'redis',
  processes: number,
  perProcess: number,
  rate: number,
  seconds: number,
  warmupSeconds: number,
  log: (line: string) => void,
) {
  const secret = randomBytes(32).toString('hex');
  const redis = mode === 'redis' ? await RedisServer.start() : null;
  const procs: Proc[] = [];
  try {
    const gatewayOptions = { secret, ...(redis ? { redisUrl: redis.url } : {}) };
    const instances = mode === 'redis' ? 2 : 1;
    const gateways = Array.from({ length: instances }, () =>
      Proc.start('fanout-gateway', gatewayOptions),
    );
    procs.push(...gateways);
    const ready = await Promise.all(gateways.map((g) => g.next<Ready>('ready', 90_000)));
    const urls = ready.map((r) => r.wsUrl);
    const token = ready[0]?.token ?? '';
    const clients = Array.from({ length: processes }, () =>
      Proc.start('fanout-clients', { urls, clients: perProcess, token }),
    );
    procs.push(...clients);
    await Promise.all(clients.map((c) => c.next('ready', 60_000)));
    // Publish on the first instance; with Redis, half the clients are on the other one.
    const publisher = gateways[0] as Proc;
    // Warm-up, as in the ingest benchmark: the first events meet just-started processes (JIT,
    // first writes) that take most of a small machine's CPU. Measured and reported, not counted.
    const warmup = await warmUp(publisher, gateways, clients, rate, warmupSeconds);
    const count = rate * seconds;
    const cpuBefore = cpuTimes();
    const published = await publisher.request<Published>(
      { type: 'publish', rate, count },
      'published',
      seconds * 1_000 + 30_000,
    );
    const cpuIdlePct = idlePercent(cpuBefore, cpuTimes());
    // Bounded grace for the last deliveries.
    const expected = published.count - published.failed;
    for (let i = 0; i < 20; i++) {
      await sleep(250);
      const partial = await Promise.all(
        clients.map((c) => c.request<Report>({ type: 'report', countsOnly: true }, 'report')),
      );
      if (partial.every((r) => r.counts.every((n) => n >= expected))) break;
    }
    const reports = await Promise.all(
      clients.map((c) => c.request<Report>({ type: 'report' }, 'report')),
    );
    const fanOuts = await Promise.all(
      gateways.map((g) => g.request<FanOutReport>({ type: 'fanout' }, 'fanout')),
    );
    const counts = reports.flatMap((r) => r.counts);
    const latencies = reports.flatMap((r) => r.latencies);
    const delivered = counts.reduce((a, b) => a + b, 0);
    const complete = counts.filter((n) => n >= expected).length;
    const s = spread(latencies);
    const written = spread(fanOuts.flatMap((f) => f.written));
    const batches = fanOuts.reduce((n, f) => n + f.batches, 0);
    const eventsPerWrite = round(
      fanOuts.reduce((n, f) => n + f.written.length, 0) / Math.max(1, batches),
    );
    const deliveredPerSec = round(delivered / (published.elapsedMs / 1_000), 0);
    const publishedPerSec = round(published.count / (published.elapsedMs / 1_000), 1);
    log(
      `  ${mode}: ${counts.length} clients, ${published.count} published (${publishedPerSec}/s), ${delivered} delivered (${complete} clients complete), p99 ${s.p99} ms (warm-up p99 ${warmup.latency.p99} ms, not counted); gateway publish→batch written p99 ${written.p99} ms, ${eventsPerWrite} events per batch; CPU idle ${cpuIdlePct ?? '?'}%`,
    );
    return {
      mode,
      warmup,
      clients: counts.length,
      published: published.count,
      publishFailed: published.failed,
      publishedPerSec,
      expected,
      delivered,
      complete,
      deliveredPerSec,
      latency: s,
      gatewayPublishToWrite: written,
      gatewayBatches: batches,
      eventsPerBatch: eventsPerWrite,
      socketWrites: fanOuts.reduce((n, f) => n + f.socketWrites, 0),
      cpuIdlePct,
    };
  } finally {
    await stopAll(procs);
    await redis?.stop();
  }
}

/** Publish `seconds` of events, wait until every client has them, then reset all counters. */
async function warmUp(
  publisher: Proc,
  gateways: Proc[],
  clients: Proc[],
  rate: number,
  seconds: number,
): Promise<{ events: number; latency: ReturnType<typeof spread> }> {
  const events = Math.round(rate * seconds);
  const published = await publisher.request<Published>(
    { type: 'publish', rate, count: events },
    'published',
    seconds * 1_000 + 30_000,
  );
  const expected = published.count - published.failed;
  for (let i = 0; i < 40; i++) {
    const partial = await Promise.all(
      clients.map((c) => c.request<Report>({ type: 'report', countsOnly: true }, 'report')),
    );
    if (partial.every((r) => r.counts.every((n) => n >= expected))) break;
    await sleep(250);
  }
  const measured = await Promise.all(
    clients.map((c) =>
      c.request<{ type: string; latencies: number[] }>({ type: 'reset' }, 'reset'),
    ),
  );
  await Promise.all(gateways.map((g) => g.request({ type: 'reset' }, 'reset')));
  return { events, latency: spread(measured.flatMap((m) => m.latencies)) };
}

/** Idle and total jiffies of all CPUs (Linux `/proc/stat`); null elsewhere. */
function cpuTimes(): { idle: number; total: number } | null {
  try {
    const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '')
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    const total = fields.reduce((a, b) => a + b, 0);
    return { idle: (fields[3] ?? 0) + (fields[4] ?? 0), total };
  } catch {
    return null;
  }
}

/** Share of CPU time (all cores) left idle between two readings, %. */
function idlePercent(
  from: ReturnType<typeof cpuTimes>,
  to: ReturnType<typeof cpuTimes>,
): number | null {
  if (!from || !to || to.total <= from.total) return null;
  return round(((to.idle - from.idle) / (to.total - from.total)) * 100, 1);
}

export async function fanout(ctx: BenchContext): Promise<BenchResult> {
  const processes = ctx.quick ? 2 : 10;
  const perProcess = ctx.quick ? 25 : 100;
  const rate = 100;
  const seconds = ctx.quick ? 1 : 10;
  const warmupSeconds = ctx.quick ? 1 : 2;
  const rows: Row[] = [];
  const details: Record<string, unknown> = { processes, perProcess, rate, seconds, warmupSeconds };
  for (const mode of ['memory', 'redis'] as const) {
    const r = await runMode(mode, processes, perProcess, rate, seconds, warmupSeconds, ctx.log);
    details[mode] = r;
    const b = `fan-out ${mode === 'memory' ? 'in-process log' : 'Redis ×2'}`;
    const total = r.clients * r.expected;
    rows.push(
      {
        bench: b,
        name: `clients complete (${r.clients} clients)`,
        value: r.complete,
        unit: `/ ${r.clients}`,
        goal: 'all',
        met: r.complete === r.clients && r.clients === processes * perProcess,
      },
      {
        bench: b,
        name: 'events delivered',
        value: r.delivered,
        unit: `/ ${total}`,
        goal: 'all',
        met: r.delivered === total,
      },
      {
        bench: b,
        name: 'delivered events/s',
        value: r.deliveredPerSec,
        unit: 'events/s',
        goal: '',
        met: null,
      },
      {
        bench: b,
        name: 'publish→client p99',
        value: r.latency.p99,
        unit: `ms (p50 ${r.latency.p50}, max ${r.latency.max})`,
        goal: `< ${GOAL_P99_MS} ms`,
        met: r.latency.p99 < GOAL_P99_MS,
      },
      // Details that explain the figure above; no goal of their own.
      {
        bench: b,
        name: 'published events/s (achieved)',
        value: r.publishedPerSec,
        unit: `events/s (asked ${rate})`,
        goal: '',
        met: null,
      },
      {
        bench: b,
        name: `publish→client p99, warm-up (${r.warmup.events} events, not counted)`,
        value: r.warmup.latency.p99,
        unit: `ms (p50 ${r.warmup.latency.p50})`,
        goal: '',
        met: null,
      },
      {
        bench: b,
        name: 'gateway publish→batch written p99',
        value: r.gatewayPublishToWrite.p99,
        unit: `ms (p50 ${r.gatewayPublishToWrite.p50}; ${r.eventsPerBatch} events per batch)`,
        goal: '',
        met: null,
      },
      {
        bench: b,
        name: 'CPU idle while publishing',
        value: r.cpuIdlePct ?? Number.NaN,
        unit: `% of ${cpus().length} cores`,
        goal: '',
        met: null,
      },
    );
  }
  return { name: 'fanout', rows, details };
}
