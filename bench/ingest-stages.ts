/**
 * Where the ingest time goes, in one process without sockets: the same frames as benchmark 1,
 * taken through the path a stage at a time (JSON.parse only, then the dialect's decode, then the
 * model, then the notification policy), in batches of one socket read. CPU time per event, the
 * median of three rounds. No goal: these figures explain benchmark 1's ratio and guide profiling.
 */
import type { LiveEvent } from '../shared/model/live-event';
import { DIALECTS } from '../electron/core/dialects';
import { frameFor, type FrameDialect } from './support/frames';
import { endpointFor, startModelPath } from './support/lookout-path';
import type { BenchContext, BenchResult, Row } from './support/report';
import { median, round } from './support/stats';

const STAGES = ['parse', 'decode', 'model', 'policy'] as const;
type Stage = (typeof STAGES)[number];
const STAGE_NAMES: Record<Stage, string> = {
  parse: 'JSON.parse only (reference)',
  decode: '+ dialect decode and validation',
  model: '+ model (bell, businesses, patches)',
  policy: '+ notification policy (full path)',
};
/** About what one socket read holds at these frame sizes. */
const BATCH = 64;

/** CPU µs per event for `frames` taken up to `stage`, with a fresh pipeline. */
async function measure(dialect: FrameDialect, frames: Buffer[], stage: Stage): Promise<number> {
  const url = dialect === 'lookout' ? 'ws://127.0.0.1:1/ws' : 'ws://127.0.0.1:1/ws/dashboard/';
  const endpoint = endpointFor({ url, dialect });
  const codec = DIALECTS[dialect].create(endpoint);
  const model = startModelPath();
  let parsed = 0;
  const cpu = process.cpuUsage();
  for (let i = 0; i < frames.length; i += BATCH) {
    const batch: LiveEvent[] = [];
    for (let j = i; j < Math.min(frames.length, i + BATCH); j++) {
      const text = (frames[j] as Buffer).toString();
      if (stage === 'parse') {
        if (typeof JSON.parse(text) === 'object') parsed += 1;
        continue;
      }
      for (const e of codec.decode(text, Date.now()).events ?? []) batch.push(e);
    }
    if (stage === 'policy') model.ingest(batch);
    else if (stage === 'model') model.store.apply(batch);
    else parsed += batch.length;
    // A turn of the event loop between reads, as on a socket (timers and immediates run).
    await new Promise((resolve) => setImmediate(resolve));
  }
  const used = process.cpuUsage(cpu);
  model.flush();
  model.dispose();
  const modelled = stage === 'model' || stage === 'policy';
  const wentThrough = modelled
    ? model.lastPatch() !== null && model.store.unread() > 0
    : parsed > 0;
  if (!wentThrough) {
    throw new Error(`ingest-stages: nothing went through the ${stage} stage of ${dialect}`);
  }
  return (used.user + used.system) / frames.length;
}

export async function ingestStages(ctx: BenchContext): Promise<BenchResult> {
  const count = ctx.quick ? 20_000 : 100_000;
  const rounds = 3;
  const rows: Row[] = [];
  const details: Record<string, unknown> = { eventsPerRun: count, batch: BATCH, rounds };
  for (const dialect of ['lookout', 'django-channels'] as const) {
    const frames = Array.from({ length: count }, (_, i) =>
      Buffer.from(frameFor(dialect, i + 1, 0, 'dashboard')),
    );
    // Warm-up (JIT) of every stage, not counted.
    for (const stage of STAGES) await measure(dialect, frames.slice(0, 10_000), stage);
    const figures: Record<string, number> = {};
    for (const stage of STAGES) {
      const runs: number[] = [];
      for (let r = 0; r < rounds; r++) runs.push(await measure(dialect, frames, stage));
      figures[stage] = round(median(runs), 2);
    }
    details[dialect] = figures;
    ctx.log(
      `  ${dialect}: ${STAGES.map((s) => `${s} ${figures[s]} µs`).join(', ')} (CPU per event)`,
    );
    for (const stage of STAGES) {
      rows.push({
        bench: `ingest stages ${dialect}`,
        name: STAGE_NAMES[stage],
        value: figures[stage] ?? Number.NaN,
        unit: 'µs CPU per event',
        goal: '',
        met: null,
      });
    }
  }
  return { name: 'stages', rows, details };
}
