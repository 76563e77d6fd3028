/**
 * Gateway at scale (issue 23): connection set-up rate and server CPU per connection, then idle
 * memory (RSS and heap after a full GC) and idle CPU (cores busy over a window holding two
 * heartbeat rounds) at 1,000 / 5,000 / 10,000 open, authenticated, subscribed connections. Each
 * figure stands beside a plain `ws` server holding the same sockets with the same protocol work,
 * measured in the same run (the two alternate, reference first). Clients are spread over several
 * processes, each from its own loopback address; their CPU is printed too, so a figure the
 * harness limited shows as such. The first tenth of the sockets warm both sides up: they stay
 * open, but their set-up is not in the set-up figures.
 */
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { Proc, stopAll, type ProcMessage } from './support/proc';
import type { BenchContext, BenchResult, Row } from './support/report';
import { round } from './support/stats';
import { sleep } from './support/wait';

const GOAL_MEMORY_RATIO = 1.5;
const GOAL_SETUP_CPU_RATIO = 2;
/** "Flat": idle CPU per socket at the largest size at most this many times the smallest's. */
const FLAT_TOLERANCE = 1.5;
const MIB = 1024 * 1024;

type Kind = 'lookout' | 'plain';

interface Ready extends ProcMessage {
  wsUrl: string;
  token: string;
}
interface Measure extends ProcMessage {
  rss: number;
  heapUsed: number;
  external: number;
  cpuMicros: number;
  sockets: number;
  gcExposed: boolean;
}
interface Connected extends ProcMessage {
  ok: number;
  failed: number;
  errors: Record<string, number>;
  elapsedMs: number;
  cpuMicros: number;
}
interface ClientCpu extends ProcMessage {
  cpuMicros: number;
  open: number;
  closedEarly: number;
}

/** What one server held at one size. */
interface Round {
  kind: Kind;
  connections: number;
  failed: number;
  errors: Record<string, number>;
  setupPerSec: number;
  setupCpuMsPerConnection: number;
  /** Cores the client processes kept busy while connecting (all of them together). */
  setupClientCores: number;
  setupServerCores: number;
  baseRssMiB: number;
  rssMiB: number;
  heapMiB: number;
  externalMiB: number;
  /** RSS added per open socket, KiB. */
  rssPerSocketKiB: number;
  idleCores: number;
  idleClientCores: number;
  /** Idle server CPU per socket, µs per second. */
  idleMicrosPerSocketSec: number;
  openAfterIdle: number;
  load: number[];
}

interface Plan {
  sizes: number[];
  processes: number;
  concurrency: number;
  heartbeatMs: number;
  windowMs: number;
}

async function measureRound(
  kind: Kind,
  size: number,
  plan: Plan,
  log: (l: string) => void,
): Promise<Round> {
  const procs: Proc[] = [];
  try {
    const server = Proc.start(
      'scale-server',
      { kind, secret: randomBytes(32).toString('hex'), heartbeatMs: plan.heartbeatMs },
      ['--expose-gc'],
    );
    procs.push(server);
    const ready = await server.next<Ready>('ready', 60_000);
    const share = (i: number, of: number) => {
      const each = Math.ceil(of / plan.processes);
      return Math.max(0, Math.min(each, of - i * each));
    };
    const connect = (count: (i: number) => number) =>
      Promise.all(
        clients.map((c, i) =>
          c.request<Connected>({ type: 'connect', count: count(i) }, 'connected', 600_000),
        ),
      );
    const clients = Array.from({ length: plan.processes }, (_, i) =>
      Proc.start('scale-clients', {
        url: ready.wsUrl,
        token: ready.token,
        concurrency: plan.concurrency,
        localAddress: `127.0.0.${i + 2}`,
      }),
    );
    procs.push(...clients);
    await Promise.all(clients.map((c) => c.next('ready', 60_000)));
    const ask = (gc: boolean) =>
      server.request<Measure>({ type: 'measure', gc }, 'measure', 60_000);
    const base = await ask(true);
    if (!base.gcExposed) throw new Error('the server process runs without --expose-gc');

    // Warm-up: the first tenth of the sockets meet a cold JIT on both sides; they stay open but
    // their set-up is not counted.
    const warm = Math.round(size / 10);
    const warmed = await connect((i) => share(i, warm));
    // Set-up: every client connects, is authenticated, says hello and is subscribed.
    const before = await ask(false);
    const t0 = performance.now();
    const connected = await connect((i) => share(i, size - warm));
    const setupMs = performance.now() - t0;
    const after = await ask(false);
    const measured = connected.reduce((n, c) => n + c.ok, 0);
    const ok = measured + warmed.reduce((n, c) => n + c.ok, 0);
    const failed = size - ok;
    const errors: Record<string, number> = {};
    for (const c of [...warmed, ...connected])
      for (const [k, v] of Object.entries(c.errors)) errors[k] = (errors[k] ?? 0) + v;
    const clientSetupMicros = connected.reduce((n, c) => n + c.cpuMicros, 0);

    // Idle: let the set-up's garbage go, then weigh and watch the server doing nothing.
    await sleep(1_000);
    const settled = await ask(true);
    const clientCpu = () =>
      Promise.all(clients.map((c) => c.request<ClientCpu>({ type: 'cpu' }, 'cpu')));
    const idleFrom = await ask(false);
    const clientsFrom = await clientCpu();
    const i0 = performance.now();
    await sleep(plan.windowMs);
    const idleTo = await ask(false);
    const clientsTo = await clientCpu();
    const windowMs = performance.now() - i0;
    const idleMicros = idleTo.cpuMicros - idleFrom.cpuMicros;
    const clientIdleMicros =
      clientsTo.reduce((n, c) => n + c.cpuMicros, 0) -
      clientsFrom.reduce((n, c) => n + c.cpuMicros, 0);
    const openAfterIdle = idleTo.sockets;
    const round_: Round = {
      kind,
      connections: ok,
      failed,
      errors,
      setupPerSec: round(measured / (setupMs / 1_000), 0),
      setupCpuMsPerConnection: round(
        (after.cpuMicros - before.cpuMicros) / 1_000 / Math.max(1, measured),
        3,
      ),
      setupClientCores: round(clientSetupMicros / 1_000 / setupMs, 2),
      setupServerCores: round((after.cpuMicros - before.cpuMicros) / 1_000 / setupMs, 2),
      baseRssMiB: round(base.rss / MIB, 1),
      rssMiB: round(settled.rss / MIB, 1),
      heapMiB: round(settled.heapUsed / MIB, 1),
      externalMiB: round(settled.external / MIB, 1),
      rssPerSocketKiB: round((settled.rss - base.rss) / 1024 / Math.max(1, ok), 2),
      idleCores: round(idleMicros / 1_000 / windowMs, 4),
      idleClientCores: round(clientIdleMicros / 1_000 / windowMs, 4),
      idleMicrosPerSocketSec: round(idleMicros / (windowMs / 1_000) / Math.max(1, ok), 3),
      openAfterIdle,
      load: loadavg().map((l) => round(l, 1)),
    };
    log(
      `  ${kind} ×${size}: ${ok} set up (${failed} failed${failed ? ` ${JSON.stringify(errors)}` : ''}) at ${round_.setupPerSec}/s, ${round_.setupCpuMsPerConnection} ms server CPU each (server ${round_.setupServerCores} / clients ${round_.setupClientCores} cores); idle RSS ${round_.rssMiB} MiB (base ${round_.baseRssMiB}, ${round_.rssPerSocketKiB} KiB/socket), heap ${round_.heapMiB} MiB, ${round_.idleCores} cores busy (clients ${round_.idleClientCores}), ${openAfterIdle} open after the window; load ${round_.load.join(' ')}`,
    );
    return round_;
  } finally {
    await stopAll(procs);
  }
}

function ratio(a: number, b: number): number {
  return b > 0 ? round(a / b, 2) : Number.NaN;
}

function rowsFor(size: number, ours: Round, ref: Round): Row[] {
  const b = `gateway scale ×${size.toLocaleString('en-US')}`;
  const memRatio = ratio(ours.rssMiB, ref.rssMiB);
  const heapRatio = ratio(ours.heapMiB, ref.heapMiB);
  const cpuRatio = ratio(ours.setupCpuMsPerConnection, ref.setupCpuMsPerConnection);
  const complete = ours.connections === size && ours.openAfterIdle === size;
  return [
    {
      bench: b,
      name: 'connections open after the idle window (Lookout / plain ws)',
      value: ours.openAfterIdle,
      unit: `/ ${size} (plain ${ref.openAfterIdle})`,
      goal: 'all',
      met: complete && ref.openAfterIdle === size,
    },
    {
      bench: b,
      name: 'idle RSS after GC, Lookout vs plain ws',
      value: memRatio,
      unit: `× (${ours.rssMiB} vs ${ref.rssMiB} MiB; per socket ${ours.rssPerSocketKiB} vs ${ref.rssPerSocketKiB} KiB)`,
      goal: `≤ ${GOAL_MEMORY_RATIO}×`,
      met: memRatio <= GOAL_MEMORY_RATIO,
    },
    {
      bench: b,
      name: 'idle heap after GC, Lookout vs plain ws',
      value: heapRatio,
      unit: `× (${ours.heapMiB} vs ${ref.heapMiB} MiB)`,
      goal: `≤ ${GOAL_MEMORY_RATIO}×`,
      met: heapRatio <= GOAL_MEMORY_RATIO,
    },
    {
      bench: b,
      name: 'idle CPU, cores busy (Lookout vs plain ws)',
      value: ours.idleCores,
      unit: `cores vs ${ref.idleCores} (per socket ${ours.idleMicrosPerSocketSec} vs ${ref.idleMicrosPerSocketSec} µs/s; clients ${ours.idleClientCores} cores)`,
      goal: '',
      met: null,
    },
    {
      bench: b,
      name: 'set-up, server CPU per connection, Lookout vs plain ws',
      value: cpuRatio,
      unit: `× (${ours.setupCpuMsPerConnection} vs ${ref.setupCpuMsPerConnection} ms)`,
      goal: `≤ ${GOAL_SETUP_CPU_RATIO}×`,
      met: cpuRatio <= GOAL_SETUP_CPU_RATIO,
    },
    {
      bench: b,
      name: 'set-up rate (Lookout vs plain ws)',
      value: ours.setupPerSec,
      unit: `conn/s vs ${ref.setupPerSec} (server ${ours.setupServerCores} vs ${ref.setupServerCores} cores, clients ${ours.setupClientCores} vs ${ref.setupClientCores}; load ${ours.load[0]})`,
      goal: '',
      met: null,
    },
  ];
}

export async function gatewayScale(ctx: BenchContext): Promise<BenchResult> {
  const plan: Plan = ctx.quick
    ? { sizes: [1_000], processes: 2, concurrency: 40, heartbeatMs: 2_500, windowMs: 5_000 }
    : {
        sizes: [1_000, 5_000, 10_000],
        processes: 4,
        concurrency: 40,
        heartbeatMs: 5_000,
        windowMs: 10_000,
      };
  ctx.log(
    `  heartbeat every ${plan.heartbeatMs} ms on both servers, idle window ${plan.windowMs} ms; ${plan.processes} client processes, ${plan.concurrency} handshakes in flight each; load ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  const rows: Row[] = [];
  const rounds: Array<{ size: number; lookout: Round; plain: Round }> = [];
  for (const size of plan.sizes) {
    const plain = await measureRound('plain', size, plan, ctx.log);
    const lookout = await measureRound('lookout', size, plan, ctx.log);
    rounds.push({ size, lookout, plain });
    rows.push(...rowsFor(size, lookout, plain));
  }
  const first = rounds[0];
  const last = rounds[rounds.length - 1];
  if (first && last && last !== first) {
    const growth = ratio(last.lookout.idleMicrosPerSocketSec, first.lookout.idleMicrosPerSocketSec);
    const refGrowth = ratio(last.plain.idleMicrosPerSocketSec, first.plain.idleMicrosPerSocketSec);
    rows.push({
      bench: 'gateway scale',
      name: `idle CPU per socket, ×${last.size} vs ×${first.size}`,
      value: growth,
      unit: `× (plain ws ${refGrowth}×)`,
      goal: `flat (≤ ${FLAT_TOLERANCE}×)`,
      met: growth <= FLAT_TOLERANCE,
    });
  }
  return { name: 'scale', rows, details: { plan, rounds } };
}
