/**
 * Gateway fan-out beside its reference (issue 23): the Lookout gateway (in-process log) and a
 * plain Node `ws` broadcast server (`procs/scale-server.ts`, kind `plain`), each in its own
 * process, fed by the same publisher process (`POST /publish` at a steady rate) and read by the
 * same client processes (each client holds one socket on each server; one server publishes at a
 * time). Rounds alternate plain / Lookout. Three figures, each beside the plain server's:
 *
 * - **Sustained events/s** at each client count: the highest rate of a ladder (steps of ×√2) at
 *   which, over a whole step, every client received every event and the p99 publish → client lag
 *   stayed within `LAG_BOUND_MS` (a server that cannot keep up builds a backlog, and its lag grows
 *   with the step's length). The first step that fails twice in a row ends that server's ladder.
 * - **p50 / p99 publish → client** at 50 events/s with the largest client count.
 * - **Server CPU per delivered message** in those same rounds (equal load on both).
 *
 * The harness is measured as well: the client processes' and the publisher's CPU, the machine's
 * idle share, and how far the publisher fell behind its schedule; a step the publisher could not
 * hold is marked as the harness's limit, not the server's.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Profiler } from 'node:inspector';
import { loadavg } from 'node:os';
import { LogHistogram, type HistogramData } from './support/log-histogram';
import { cpuTimes, idlePercent } from './support/machine-cpu';
import { Proc, stopAll, type ProcMessage } from './support/proc';
import { selfTimes } from './support/profile-summary';
import type { Row } from './support/report';
import { round } from './support/stats';
import { sleep } from './support/wait';

/** The lag a sustained rate must stay within (p99 over the step). */
export const LAG_BOUND_MS = 500;
const GOAL_THROUGHPUT_RATIO = 2;
const LATENCY_RATE = 50;
/** A publisher that reached less than this share of its rate, or a process this busy, was the limit. */
const PUBLISHER_MIN_SHARE = 0.95;
const BUSY_CORE = 0.9;

type Kind = 'plain' | 'lookout';
const KINDS: readonly Kind[] = ['plain', 'lookout'];
const LABEL: Record<Kind, string> = { plain: 'plain ws', lookout: 'Lookout' };

export interface ReferencePlan {
  /** Client counts; each has its own channel, subscribed by that many clients. */
  sizes: number[];
  processes: number;
  /** First ladder rate per size (events/s). */
  ladderStart: Record<number, number>;
  ladderFactor: number;
  maxSteps: number;
  stepSeconds: number;
  latencySeconds: number;
  latencyRounds: number;
  warmupSeconds: number;
  heartbeatMs: number;
}

interface ServerReady extends ProcMessage {
  url: string;
  wsUrl: string;
  token: string;
}
interface Measure extends ProcMessage {
  cpuMicros: number;
  sockets: number;
}
interface ClientReport extends ProcMessage {
  sockets: number;
  complete: number;
  delivered: number;
  closed: number;
  latencies?: { buckets: HistogramData; max: number };
  cpuMicros: number;
  elapsedMs: number;
}
interface Published extends ProcMessage {
  count: number;
  failed: number;
  elapsedMs: number;
  behindMs: number;
  errors: Record<string, number>;
  cpuMicros: number;
}

/** One measured step: one server, one client count, one rate. */
export interface Step {
  kind: Kind;
  clients: number;
  rate: number;
  published: number;
  publishFailed: number;
  achievedRate: number;
  sockets: number;
  complete: number;
  delivered: number;
  expectedDeliveries: number;
  p50: number;
  p99: number;
  max: number;
  serverCores: number;
  serverMicrosPerDelivery: number;
  clientCores: number;
  busiestClientCore: number;
  clientMicrosPerDelivery: number;
  publisherCores: number;
  publisherBehindMs: number;
  machineIdlePct: number | null;
  /** Why the step does not count as sustained (null: it does). */
  failed: string | null;
  /** The harness, not the server, was the limit of this step. */
  harnessLimited: boolean;
}

interface Ladder {
  /** The ladder's first rate (a server failing it sustains less: "< first"). */
  first: number;
  sustained: number;
  /** The last step passed at the ladder's top (more was not tried), or the harness stopped it. */
  openEnded: 'top' | 'harness' | null;
  /** The first step that failed (what the limit looked like). */
  limit: Step | null;
  steps: Step[];
}

export interface ReferenceResult {
  plan: ReferencePlan;
  ladders: Array<{ clients: number; plain: Ladder; lookout: Ladder }>;
  latency: { clients: number; plain: Step[]; lookout: Step[] };
  load: number[];
}

class Bench {
  private readonly servers: Record<Kind, Proc>;
  private constructor(
    servers: Record<Kind, Proc>,
    private readonly publisher: Proc,
    private readonly clients: Proc[],
    private readonly log: (line: string) => void,
  ) {
    this.servers = servers;
  }

  static async start(plan: ReferencePlan, log: (line: string) => void): Promise<Bench> {
    const apiKey = randomBytes(16).toString('hex');
    const procs: Proc[] = [];
    try {
      const start = (kind: Kind) =>
        Proc.start('scale-server', {
          kind,
          secret: randomBytes(32).toString('hex'),
          heartbeatMs: plan.heartbeatMs,
          apiKey,
        });
      const servers = { plain: start('plain'), lookout: start('lookout') };
      procs.push(servers.plain, servers.lookout);
      const ready = {
        plain: await servers.plain.next<ServerReady>('ready', 90_000),
        lookout: await servers.lookout.next<ServerReady>('ready', 90_000),
      };
      const publisher = Proc.start('fanout-publisher', {
        servers: KINDS.map((k) => ({ url: ready[k].url, apiKey })),
      });
      procs.push(publisher);
      await publisher.next('ready', 60_000);
      const largest = Math.max(...plan.sizes);
      const clients = Array.from({ length: plan.processes }, (_, index) =>
        Proc.start('fanout-clients', {
          servers: KINDS.map((k) => ({ url: ready[k].wsUrl, token: ready[k].token })),
          spread: 'each',
          clients: Math.ceil(largest / plan.processes),
          index,
          processes: plan.processes,
          channels: plan.sizes.map((n) => ({ name: channelOf(n), clients: n })),
          localAddress: `127.0.0.${index + 2}`,
          concurrency: 20,
        }),
      );
      procs.push(...clients);
      const connected = await Promise.all(
        clients.map((c) =>
          c.next<ProcMessage & { sockets: number; failed: number; errors: object }>(
            'ready',
            300_000,
          ),
        ),
      );
      const failed = connected.reduce((n, c) => n + c.failed, 0);
      if (failed > 0)
        throw new Error(
          `${failed} client sockets could not connect: ${connected.map((c) => JSON.stringify(c.errors)).join(' ')}`,
        );
      return new Bench(servers, publisher, clients, log);
    } catch (error) {
      await stopAll(procs);
      throw error;
    }
  }

  /** Start or stop (into `file`) V8's CPU profiler in one server. */
  async profile(kind: Kind, action: 'start' | 'stop', file: string): Promise<void> {
    await this.servers[kind].request({ type: 'profile', action, file }, 'profile', 60_000);
  }

  async stop(): Promise<void> {
    await stopAll([this.servers.plain, this.servers.lookout, this.publisher, ...this.clients]);
  }

  /** Publish `seconds` at `rate` on the channel of `clients` clients; measure everything. */
  async step(kind: Kind, clients: number, rate: number, seconds: number): Promise<Step> {
    const server = this.servers[kind];
    const count = Math.max(1, Math.round(rate * seconds));
    await Promise.all(this.clients.map((c) => c.request({ type: 'reset' }, 'reset')));
    const machine0 = cpuTimes();
    const cpu0 = await server.request<Measure>({ type: 'measure', gc: false }, 'measure');
    const t0 = performance.now();
    const published = await this.publisher.request<Published>(
      { type: 'publish', server: KINDS.indexOf(kind), channel: channelOf(clients), rate, count },
      'published',
      seconds * 1_000 + 60_000,
    );
    const expected = published.count - published.failed;
    const ask = (countsOnly: boolean) =>
      Promise.all(
        this.clients.map((c) =>
          c.request<ClientReport>(
            { type: 'report', server: KINDS.indexOf(kind), clients, expected, countsOnly },
            'report',
          ),
        ),
      );
    // The last deliveries: wait for them, but no longer than the lag bound allows (plus a
    // little for the reports' own round trip); what has not arrived by then is late.
    const deadline = performance.now() + LAG_BOUND_MS + 250;
    for (;;) {
      const partial = await ask(true);
      if (partial.every((r) => r.complete === r.sockets)) break;
      if (performance.now() > deadline) break;
      await sleep(25);
    }
    const cpu1 = await server.request<Measure>({ type: 'measure', gc: false }, 'measure');
    const windowMs = performance.now() - t0;
    const machineIdlePct = idlePercent(machine0, cpuTimes());
    const reports = await ask(false);
    const hist = new LogHistogram();
    for (const r of reports) if (r.latencies) hist.merge(r.latencies);
    const sockets = reports.reduce((n, r) => n + r.sockets, 0);
    const complete = reports.reduce((n, r) => n + r.complete, 0);
    const delivered = reports.reduce((n, r) => n + r.delivered, 0);
    const serverMicros = cpu1.cpuMicros - cpu0.cpuMicros;
    const clientMicros = reports.reduce((n, r) => n + r.cpuMicros, 0);
    const busiestClientCore = Math.max(...reports.map((r) => r.cpuMicros / 1_000 / r.elapsedMs));
    const achievedRate = published.count / (published.elapsedMs / 1_000);
    const publisherCores = published.cpuMicros / 1_000 / published.elapsedMs;
    const p99 = hist.percentile(99);
    // The publisher could not hold the rate, or a client process was as busy as one core gets.
    // (A publisher that fell behind and caught up still sent every event at its own stamp.)
    const harnessLimited =
      achievedRate < rate * PUBLISHER_MIN_SHARE ||
      publisherCores > BUSY_CORE ||
      busiestClientCore > BUSY_CORE;
    const failed =
      sockets !== clients
        ? `${sockets} of ${clients} clients connected`
        : published.failed > 0
          ? `${published.failed} publishes failed ${JSON.stringify(published.errors)}`
          : complete < sockets
            ? `${sockets - complete} clients incomplete ${LAG_BOUND_MS} ms after the last publish`
            : p99 > LAG_BOUND_MS
              ? `p99 ${round(p99, 0)} ms > ${LAG_BOUND_MS} ms`
              : achievedRate < rate * PUBLISHER_MIN_SHARE
                ? `publisher reached ${round(achievedRate, 0)}/s`
                : null;
    const s: Step = {
      kind,
      clients,
      rate,
      published: published.count,
      publishFailed: published.failed,
      achievedRate: round(achievedRate, 1),
      sockets,
      complete,
      delivered,
      expectedDeliveries: expected * clients,
      p50: round(hist.percentile(50)),
      p99: round(p99),
      max: round(hist.max),
      serverCores: round(serverMicros / 1_000 / windowMs, 2),
      serverMicrosPerDelivery: round(serverMicros / Math.max(1, delivered), 2),
      clientCores: round(clientMicros / 1_000 / windowMs, 2),
      busiestClientCore: round(busiestClientCore, 2),
      clientMicrosPerDelivery: round(clientMicros / Math.max(1, delivered), 2),
      publisherCores: round(publisherCores, 2),
      publisherBehindMs: round(published.behindMs, 1),
      machineIdlePct,
      failed,
      harnessLimited,
    };
    this.log(
      `  ${LABEL[kind].padEnd(8)} ×${clients} at ${rate}/s: ${failed ? `NOT sustained (${failed})` : 'sustained'}; p50 ${s.p50} / p99 ${s.p99} / max ${s.max} ms; server ${s.serverCores} cores, ${s.serverMicrosPerDelivery} µs per delivery; clients ${s.clientCores} cores (busiest ${s.busiestClientCore}); publisher ${s.publisherCores} cores, ${s.publisherBehindMs} ms behind; machine idle ${machineIdlePct ?? '?'}%${harnessLimited ? '; HARNESS-LIMITED' : ''}`,
    );
    return s;
  }
}

function channelOf(clients: number): string {
  return `task:fan-${clients}`;
}

function ladderRates(plan: ReferencePlan, clients: number): number[] {
  const start = plan.ladderStart[clients] ?? 50;
  return Array.from({ length: plan.maxSteps }, (_, i) =>
    Math.round(start * plan.ladderFactor ** i),
  );
}

/** Run both ladders of one client count, alternating plain / Lookout at each rate. */
async function ladders(
  bench: Bench,
  plan: ReferencePlan,
  clients: number,
): Promise<{ plain: Ladder; lookout: Ladder }> {
  const rates = ladderRates(plan, clients);
  const first = rates[0] ?? 0;
  const result: Record<Kind, Ladder> = {
    plain: { first, sustained: 0, openEnded: null, limit: null, steps: [] },
    lookout: { first, sustained: 0, openEnded: null, limit: null, steps: [] },
  };
  const running = new Set<Kind>(KINDS);
  for (const rate of rates) {
    for (const kind of KINDS) {
      if (!running.has(kind)) continue;
      const ladder = result[kind];
      let s = await bench.step(kind, clients, rate, plan.stepSeconds);
      ladder.steps.push(s);
      if (s.failed !== null && !s.harnessLimited) {
        // Once more before the ladder ends there: on a shared machine one step can meet a burst
        // of someone else's work; a server that cannot hold the rate fails the second time too.
        s = await bench.step(kind, clients, rate, plan.stepSeconds);
        ladder.steps.push(s);
      }
      if (s.failed === null && !s.harnessLimited) {
        ladder.sustained = rate;
        continue;
      }
      running.delete(kind);
      if (s.harnessLimited) ladder.openEnded = 'harness';
      ladder.limit = s;
      if (s.failed === null) ladder.sustained = rate;
    }
    if (running.size === 0) break;
    // A short pause: let the last step's garbage and sockets settle before the next rate.
    await sleep(200);
  }
  for (const kind of running) result[kind].openEnded = 'top';
  return result;
}

/** The whole comparison: warm-up, latency rounds at 50 events/s, then the ladders. */
export async function fanoutReference(
  plan: ReferencePlan,
  log: (line: string) => void,
): Promise<ReferenceResult> {
  log(
    `  sustained = highest rate (ladder ×${round(plan.ladderFactor, 2)}, ${plan.stepSeconds} s steps, a failed step tried twice) at which every client gets every event with p99 lag ≤ ${LAG_BOUND_MS} ms; ${plan.processes} client processes; load ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  const bench = await Bench.start(plan, log);
  try {
    const largest = Math.max(...plan.sizes);
    // Warm-up on both (JIT, first writes); not counted.
    for (const kind of KINDS) await bench.step(kind, largest, LATENCY_RATE, plan.warmupSeconds);
    const latency = { clients: largest, plain: [] as Step[], lookout: [] as Step[] };
    const profileDir = process.env.LOOKOUT_BENCH_PROFILE;
    for (let r = 0; r < plan.latencyRounds; r++)
      for (const kind of KINDS) {
        // Profiled (when asked) over the Lookout gateway's first measured round only.
        const file = `${profileDir}/fanout-${kind}-${largest}.cpuprofile`;
        if (profileDir && r === 0) await bench.profile(kind, 'start', file);
        latency[kind].push(await bench.step(kind, largest, LATENCY_RATE, plan.latencySeconds));
        if (profileDir && r === 0) {
          await bench.profile(kind, 'stop', file);
          const taken = JSON.parse(await readFile(file, 'utf8')) as Profiler.Profile;
          log(`  ${LABEL[kind]} profile (${file}), self time:\n${selfTimes(taken, 25)}`);
        }
      }
    const all: ReferenceResult['ladders'] = [];
    for (const clients of plan.sizes)
      all.push({ clients, ...(await ladders(bench, plan, clients)) });
    return { plan, ladders: all, latency, load: loadavg().map((l) => round(l, 1)) };
  } finally {
    await bench.stop();
  }
}

function sustainedText(l: Ladder): string {
  if (l.sustained === 0) return `< ${l.first}`;
  const at = l.openEnded === 'top' ? '≥ ' : '';
  return `${at}${l.sustained.toLocaleString('en-US')}`;
}

/** Lookout's sustained rate over the plain server's, with "<" / ">" where a ladder was cut. */
function throughputRatio(ours: Ladder, ref: Ladder): { text: string; atLeast: number } {
  if (ours.sustained === 0) return { text: 'n/a', atLeast: 0 };
  // A plain server that failed the first step sustains less than it: the ratio is above this.
  const refRate = ref.sustained === 0 ? ref.first : ref.sustained;
  const r = round(ours.sustained / refRate, 2);
  const above = ref.sustained === 0 || ours.openEnded === 'top';
  const below = ref.openEnded === 'top';
  return { text: `${above && !below ? '> ' : below && !above ? '≤ ' : ''}${r}×`, atLeast: r };
}

/** Why a ladder stopped, in a few words. */
function limitText(l: Ladder): string {
  if (l.openEnded === 'top') return 'top of the ladder';
  const s = l.limit;
  if (!s) return '';
  const starved =
    s.machineIdlePct !== null && s.machineIdlePct < 5 && s.serverCores < BUSY_CORE
      ? ' (machine saturated: the server got less than a core)'
      : '';
  const harness = s.harnessLimited
    ? `HARNESS-LIMITED (publisher ${s.achievedRate}/s, ${s.publisherCores} cores; busiest client process ${s.busiestClientCore} cores)`
    : `server ${s.serverCores} cores, clients ${s.clientCores}, idle ${s.machineIdlePct ?? '?'}%${starved}`;
  return `at ${s.rate}/s: ${s.failed ?? 'passed'}; ${harness}`;
}

/** Merge several rounds' steps: medians of the per-round figures (the mean of the middle two for an even count), all deliveries summed. */
function combine(steps: Step[]): {
  p50: number;
  p99: number;
  micros: number;
  clientCores: number;
  busiest: number;
  idle: number | null;
  delivered: number;
  expected: number;
  harness: boolean;
} {
  const med = (f: (s: Step) => number) => {
    const v = steps.map(f).sort((a, b) => a - b);
    const mid = (v.length - 1) / 2;
    return round(((v[Math.floor(mid)] as number) + (v[Math.ceil(mid)] as number)) / 2);
  };
  const idles = steps.map((s) => s.machineIdlePct).filter((v): v is number => v !== null);
  return {
    p50: med((s) => s.p50),
    p99: med((s) => s.p99),
    micros: med((s) => s.serverMicrosPerDelivery),
    clientCores: med((s) => s.clientCores),
    busiest: Math.max(...steps.map((s) => s.busiestClientCore)),
    idle: idles.length ? Math.min(...idles) : null,
    delivered: steps.reduce((n, s) => n + s.delivered, 0),
    expected: steps.reduce((n, s) => n + s.expectedDeliveries, 0),
    harness: steps.some((s) => s.harnessLimited),
  };
}

/** The printed rows: each Lookout figure beside the plain server's and the goal. */
export function referenceRows(r: ReferenceResult): Row[] {
  const rows: Row[] = [];
  const b = 'gateway vs plain ws';
  for (const { clients, plain, lookout } of r.ladders) {
    const ratio = throughputRatio(lookout, plain);
    const harness = plain.openEnded === 'harness' || lookout.openEnded === 'harness';
    rows.push({
      bench: b,
      name: `sustained events/s, ${clients.toLocaleString('en-US')} clients (Lookout vs plain ws)`,
      value: lookout.sustained,
      unit: `events/s${lookout.openEnded === 'top' ? ' (top of ladder: ≥)' : lookout.sustained === 0 ? ` (< ${lookout.first})` : ''} vs ${sustainedText(plain)}: ${ratio.text}${harness ? ' — HARNESS-LIMITED, not the servers' : ''} [Lookout stopped ${limitText(lookout)}; plain ${limitText(plain)}]`,
      goal: `≥ ${GOAL_THROUGHPUT_RATIO}× plain`,
      met: harness ? null : ratio.atLeast >= GOAL_THROUGHPUT_RATIO,
    });
  }
  const ours = combine(r.latency.lookout);
  const ref = combine(r.latency.plain);
  const n = r.latency.clients.toLocaleString('en-US');
  const rounds = r.latency.lookout.length;
  const harness = ours.harness || ref.harness;
  rows.push(
    {
      bench: b,
      name: `events delivered at ${LATENCY_RATE} events/s, ${n} clients (Lookout / plain ws)`,
      value: ours.delivered,
      unit: `/ ${ours.expected} (plain ${ref.delivered} / ${ref.expected})`,
      goal: 'all',
      met: ours.delivered === ours.expected && ref.delivered === ref.expected,
    },
    {
      bench: b,
      name: `publish→client p99 at ${LATENCY_RATE} events/s, ${n} clients`,
      value: ours.p99,
      unit: `ms (p50 ${ours.p50}) vs plain ws p99 ${ref.p99} (p50 ${ref.p50}); median of ${rounds} rounds`,
      goal: '≤ plain ws',
      met: harness ? null : ours.p99 <= ref.p99,
    },
    {
      bench: b,
      name: `server CPU per delivered message, ${LATENCY_RATE} events/s × ${n} clients`,
      value: ours.micros,
      unit: `µs vs plain ws ${ref.micros} µs (${round(ours.micros / ref.micros, 2)}×)`,
      goal: '≤ plain ws',
      met: harness ? null : ours.micros <= ref.micros,
    },
    {
      bench: b,
      name: `harness: client processes' CPU in those rounds (Lookout / plain ws)`,
      value: ours.clientCores,
      unit: `cores vs ${ref.clientCores} (${r.plan.processes} processes, busiest ${Math.max(ours.busiest, ref.busiest)} of a core; machine idle ≥ ${Math.min(ours.idle ?? Number.NaN, ref.idle ?? Number.NaN)}%; load ${r.load[0]})${harness ? ' — HARNESS-LIMITED' : ' — not the limit'}`,
      goal: '',
      met: null,
    },
  );
  return rows;
}
