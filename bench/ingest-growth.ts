/**
 * Does the client's cost per event grow with what it holds? In one process without sockets (as the
 * stage benchmark), the same lookout frames go through decode, the model and the notification
 * policy (wired as `composeCore` wires them, watched tasks included) in batches of one socket read,
 * under four loads: the baseline (10 watched tasks, 500 businesses, the bell filling), the bell at
 * its cap (5,000 entries before the clock starts), 5,000 businesses, and 1,000 watched tasks. CPU
 * per event beside the baseline's; the goal is flat (issue 23). Figures, never assertions; the
 * rounds interleave the loads, so drift on a shared machine touches each alike.
 */
import type { LiveEvent } from '../shared/model/live-event';
import { DIALECTS } from '../electron/core/dialects';
import { endpointFor, startModelPath } from './support/lookout-path';
import type { BenchContext, BenchResult, Row } from './support/report';
import { median, round } from './support/stats';

const BATCH = 64;
/** Within this of the baseline counts as flat: the machine's noise between rounds is about this. */
const FLAT = 1.15;

interface Load {
  name: string;
  tasks: number;
  businesses: number;
  /** Bell events applied before the clock starts. */
  prefill: number;
}

const LOADS: Load[] = [
  { name: 'baseline: 10 watched tasks, 500 businesses', tasks: 10, businesses: 500, prefill: 0 },
  { name: 'bell at its cap (5,000 entries)', tasks: 10, businesses: 500, prefill: 5_000 },
  { name: '5,000 businesses', tasks: 10, businesses: 5_000, prefill: 0 },
  { name: '1,000 watched tasks', tasks: 1_000, businesses: 500, prefill: 0 },
];

/**
 * Frame `n` of a load: three in four about a business (created, updated, a reservation) on
 * `dashboard`, one in four a task's progress on its own `task:<id>` channel (a task the user
 * watches), each channel with its own gapless seq.
 */
function frame(n: number, load: Load, seqs: Map<string, number>): string {
  const biz = n % load.businesses;
  const task = n % 4 === 3 ? `t${Math.floor(n / 4) % load.tasks}` : null;
  const channel = task ? `task:${task}` : 'dashboard';
  const seq = (seqs.get(channel) ?? 0) + 1;
  seqs.set(channel, seq);
  const base = { type: 'event', channel, seq, id: `${channel}:${seq}`, time: Date.now() };
  if (task) {
    return JSON.stringify({
      ...base,
      kind: n % 400 === 399 ? 'task.completed' : 'task.progress',
      severity: 'info',
      title: `Export ${task}`,
      body: `Exporting reservations: ${n % 100} %`,
      data: { task_id: task, progress: n % 100, title: `Export ${task}` },
      link: `tasks/${task}`,
    });
  }
  const kind =
    n % 4 === 0 ? 'reservation.created' : n % 4 === 1 ? 'business.created' : 'business.updated';
  return JSON.stringify({
    ...base,
    kind,
    severity: 'info',
    title: `${kind} for Shop ${biz}`,
    body: `Subdomain shop-${biz}, subscription active`,
    data: { businessId: String(biz), name: `Shop ${biz}`, subdomain: `shop-${biz}`, partySize: 4 },
    link: `businesses/${biz}`,
  });
}

/** CPU µs per event of `count` frames of `load` after its prefill, with a fresh pipeline. */
async function measure(load: Load, count: number): Promise<number> {
  const endpoint = endpointFor({ url: 'ws://127.0.0.1:1/ws', dialect: 'lookout' });
  const codec = DIALECTS.lookout.create(endpoint);
  const model = startModelPath();
  const seqs = new Map<string, number>();
  const texts = Array.from({ length: load.prefill + count }, (_, i) => frame(i + 1, load, seqs));
  const run = async (from: number, to: number) => {
    for (let i = from; i < to; i += BATCH) {
      const batch: LiveEvent[] = [];
      for (let j = i; j < Math.min(to, i + BATCH); j++) {
        for (const e of codec.decode(texts[j] as string, Date.now()).events ?? []) batch.push(e);
      }
      model.ingest(batch);
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  await run(0, load.prefill);
  const cpu = process.cpuUsage();
  await run(load.prefill, texts.length);
  const used = process.cpuUsage(cpu);
  model.flush();
  const held = model.store.snapshot();
  model.dispose();
  if (held.notifications.length === 0 || held.tasks.length === 0) {
    throw new Error(`ingest-growth: nothing went through for "${load.name}"`);
  }
  return (used.user + used.system) / count;
}

export async function ingestGrowth(ctx: BenchContext): Promise<BenchResult> {
  const count = ctx.quick ? 8_000 : 40_000;
  const rounds = ctx.quick ? 3 : 5;
  const rows: Row[] = [];
  const details: Record<string, unknown> = { eventsPerRun: count, batch: BATCH, rounds };
  // Warm-up (JIT), not counted.
  for (const load of LOADS) await measure(load, 4_000);
  const runs = new Map<Load, number[]>(LOADS.map((l) => [l, []]));
  for (let r = 0; r < rounds; r++) {
    // Each round starts with another load: none is always measured first.
    for (let k = 0; k < LOADS.length; k++) {
      const load = LOADS[(r + k) % LOADS.length] as Load;
      runs.get(load)?.push(await measure(load, count));
    }
  }
  const figures = LOADS.map((load) => round(median(runs.get(load) ?? []), 2));
  const baseline = figures[0] ?? Number.NaN;
  details.figures = Object.fromEntries(LOADS.map((l, i) => [l.name, figures[i]]));
  LOADS.forEach((load, i) => {
    const value = figures[i] ?? Number.NaN;
    const ratio = round(value / baseline, 2);
    ctx.log(`  ${load.name}: ${value} µs CPU per event (${ratio}× the baseline)`);
    rows.push({
      bench: 'ingest growth',
      name: load.name,
      value,
      unit: i === 0 ? 'µs CPU per event' : `µs CPU per event (${ratio}× the baseline)`,
      goal: i === 0 ? '' : `flat (<= ${FLAT}×)`,
      met: i === 0 ? null : ratio <= FLAT,
    });
  });
  return { name: 'growth', rows, details };
}
