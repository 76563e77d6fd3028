/**
 * Benchmark 5: gateway fan-out. First the Lookout gateway beside a plain Node `ws` broadcast
 * server in the same run (`fanout-reference.ts`: sustained events/s at each client count, p99 and
 * server CPU per delivered message at 50 events/s), then Redis Streams across two instances
 * (clients split between them, publishing in-process on one): every client must get every event,
 * and the publish-to-client latency is taken on the shared monotonic clock.
 */
import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import { RedisServer } from '../test/support/redis-server';
import { fanoutReference, referenceRows, type ReferencePlan } from './fanout-reference';
import { LogHistogram, type HistogramData } from './support/log-histogram';
import { cpuTimes, idlePercent } from './support/machine-cpu';
import { Proc, stopAll, type ProcMessage } from './support/proc';
import type { BenchContext, BenchResult, Row } from './support/report';
import { round, spread } from './support/stats';
import { sleep } from './support/wait';

const GOAL_P99_MS = 50;
const CHANNEL = 'dashboard';

interface Ready extends ProcMessage {
  wsUrl: string;
  token: string;
}
interface Report extends ProcMessage {
  sockets: number;
  complete: number;
  delivered: number;
  latencies?: { buckets: HistogramData; max: number };
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

/** Redis Streams across two gateway instances; the clients split between them. */
async function runRedis(
  processes: number,
  perProcess: number,
  rate: number,
  seconds: number,
  warmupSeconds: number,
  log: (line: string) => void,
) {
  const secret = randomBytes(32).toString('hex');
  const redis = await RedisServer.start();
  const procs: Proc[] = [];
  try {
    const gateways = Array.from({ length: 2 }, () =>
      Proc.start('fanout-gateway', { secret, redisUrl: redis.url }),
    );
    procs.push(...gateways);
    const ready = await Promise.all(gateways.map((g) => g.next<Ready>('ready', 90_000)));
    const clients = Array.from({ length: processes }, (_, index) =>
      Proc.start('fanout-clients', {
        servers: ready.map((r) => ({ url: r.wsUrl, token: r.token })),
        spread: 'split',
        clients: perProcess,
        index,
        processes,
        channels: [{ name: CHANNEL, clients: processes * perProcess }],
        localAddress: `127.0.0.${index + 2}`,
        concurrency: 20,
      }),
    );
    procs.push(...clients);
    await Promise.all(clients.map((c) => c.next('ready', 120_000)));
    const total = processes * perProcess;
    const ask = (expected: number, countsOnly: boolean) =>
      Promise.all(
        clients.map((c) =>
          c.request<Report>({ type: 'report', clients: total, expected, countsOnly }, 'report'),
        ),
      );
    const round_ = async (events: number) => {
      await Promise.all(clients.map((c) => c.request({ type: 'reset' }, 'reset')));
      await Promise.all(gateways.map((g) => g.request({ type: 'reset' }, 'reset')));
      const published = await (gateways[0] as Proc).request<Published>(
        { type: 'publish', rate, count: events },
        'published',
        (events / rate) * 1_000 + 30_000,
      );
      const expected = published.count - published.failed;
      // Bounded grace for the last deliveries.
      for (let i = 0; i < 40; i++) {
        const partial = await ask(expected, true);
        if (partial.every((r) => r.complete === r.sockets)) break;
        await sleep(125);
      }
      const reports = await ask(expected, false);
      const hist = new LogHistogram();
      for (const r of reports) if (r.latencies) hist.merge(r.latencies);
      return { published, expected, reports, hist };
    };
    // Warm-up, as in the ingest benchmark: the first events meet just-started processes (JIT,
    // first writes) that take most of a small machine's CPU. Measured and reported, not counted.
    const warm = await round_(Math.round(rate * warmupSeconds));
    const cpuBefore = cpuTimes();
    const { published, expected, reports, hist } = await round_(rate * seconds);
    const cpuIdlePct = idlePercent(cpuBefore, cpuTimes());
    const fanOuts = await Promise.all(
      gateways.map((g) => g.request<FanOutReport>({ type: 'fanout' }, 'fanout')),
    );
    const sockets = reports.reduce((n, r) => n + r.sockets, 0);
    const delivered = reports.reduce((n, r) => n + r.delivered, 0);
    const complete = reports.reduce((n, r) => n + r.complete, 0);
    const s = {
      p50: round(hist.percentile(50)),
      p99: round(hist.percentile(99)),
      max: round(hist.max),
    };
    const written = spread(fanOuts.flatMap((f) => f.written));
    const batches = fanOuts.reduce((n, f) => n + f.batches, 0);
    const eventsPerWrite = round(
      fanOuts.reduce((n, f) => n + f.written.length, 0) / Math.max(1, batches),
    );
    const publishedPerSec = round(published.count / (published.elapsedMs / 1_000), 1);
    const warmP99 = round(warm.hist.percentile(99));
    log(
      `  redis: ${sockets} clients, ${published.count} published (${publishedPerSec}/s), ${delivered} delivered (${complete} clients complete), p99 ${s.p99} ms (warm-up p99 ${warmP99} ms, not counted); gateway publish→batch written p99 ${written.p99} ms, ${eventsPerWrite} events per batch; CPU idle ${cpuIdlePct ?? '?'}%`,
    );
    return {
      warmup: { events: warm.published.count, p99: warmP99, p50: round(warm.hist.percentile(50)) },
      clients: sockets,
      published: published.count,
      publishFailed: published.failed,
      publishedPerSec,
      expected,
      delivered,
      complete,
      latency: s,
      gatewayPublishToWrite: written,
      gatewayBatches: batches,
      eventsPerBatch: eventsPerWrite,
      socketWrites: fanOuts.reduce((n, f) => n + f.socketWrites, 0),
      cpuIdlePct,
    };
  } finally {
    await stopAll(procs);
    await redis.stop();
  }
}

function redisRows(r: Awaited<ReturnType<typeof runRedis>>, clients: number, rate: number): Row[] {
  const b = 'fan-out Redis ×2';
  const total = r.clients * r.expected;
  return [
    {
      bench: b,
      name: `clients complete (${r.clients} clients)`,
      value: r.complete,
      unit: `/ ${r.clients}`,
      goal: 'all',
      met: r.complete === r.clients && r.clients === clients,
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
      name: `publish→client p99 at ${rate} events/s`,
      value: r.latency.p99,
      unit: `ms (p50 ${r.latency.p50}, max ${r.latency.max}; warm-up p99 ${r.warmup.p99}, not counted)`,
      goal: `< ${GOAL_P99_MS} ms`,
      met: r.latency.p99 < GOAL_P99_MS,
    },
    // Details that explain the figure above; no goal of their own.
    {
      bench: b,
      name: 'gateway publish→batch written p99',
      value: r.gatewayPublishToWrite.p99,
      unit: `ms (p50 ${r.gatewayPublishToWrite.p50}; ${r.eventsPerBatch} events per batch; published ${r.publishedPerSec}/s)`,
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
  ];
}

export async function fanout(ctx: BenchContext): Promise<BenchResult> {
  const plan: ReferencePlan = ctx.quick
    ? {
        sizes: [200],
        processes: 2,
        ladderStart: { 200: 100 },
        ladderFactor: 2,
        maxSteps: 5,
        stepSeconds: 1.5,
        latencySeconds: 2,
        latencyRounds: 1,
        warmupSeconds: 1,
        heartbeatMs: 15_000,
      }
    : {
        sizes: [100, 500, 1_000],
        processes: 4,
        ladderStart: { 100: 200, 500: 50, 1_000: 25 },
        ladderFactor: Math.SQRT2,
        maxSteps: 10,
        stepSeconds: 3,
        latencySeconds: 6,
        latencyRounds: 2,
        warmupSeconds: 2,
        heartbeatMs: 15_000,
      };
  const reference = await fanoutReference(plan, ctx.log);
  const rows: Row[] = referenceRows(reference);
  const processes = ctx.quick ? 2 : 4;
  const perProcess = ctx.quick ? 25 : 250;
  const rate = 100;
  const seconds = ctx.quick ? 1 : 10;
  const warmupSeconds = ctx.quick ? 1 : 2;
  const redis = await runRedis(processes, perProcess, rate, seconds, warmupSeconds, ctx.log);
  rows.push(...redisRows(redis, processes * perProcess, rate));
  return {
    name: 'fanout',
    rows,
    details: { reference, redis: { processes, perProcess, rate, seconds, ...redis } },
  };
}
