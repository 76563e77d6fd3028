/**
 * `npm run bench [-- --quick] [-- --only=ingest,stages,latency,scale]`: runs the benchmarks in order, prints a
 * table of figures against their goals and writes bench/results/latest.json. Timing never fails
 * the run: the exit code is non-zero only when a benchmark could not run at all.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { fanout } from './fanout';
import { gatewayScale } from './gateway-scale';
import { ingestStages } from './ingest-stages';
import { ingestThroughput } from './ingest-throughput';
import { liveDelivery } from './live-delivery';
import { memoryGrowth } from './memory-growth';
import { notifyLatency } from './notify-latency';
import { reconnect } from './reconnect';
import { rendererBurst } from './renderer-burst';
import { stateWrites } from './state-writes';
import {
  environment,
  table,
  type BenchContext,
  type BenchResult,
  type Row,
} from './support/report';

type Bench = (ctx: BenchContext) => Promise<BenchResult>;

const BENCHES: Array<[string, Bench]> = [
  ['ingest', ingestThroughput],
  ['stages', ingestStages],
  ['latency', notifyLatency],
  ['memory', memoryGrowth],
  ['reconnect', reconnect],
  ['fanout', fanout],
  ['scale', gatewayScale],
  ['live', liveDelivery],
  ['renderer', rendererBurst],
  ['state', stateWrites],
];

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const only = args
    .find((a) => a.startsWith('--only='))
    ?.slice('--only='.length)
    .split(',');
  const ctx: BenchContext = { quick, log: (line) => console.log(line) };
  const started = Date.now();
  const results: BenchResult[] = [];
  let broken = 0;
  for (const [name, bench] of BENCHES) {
    if (only && !only.includes(name)) continue;
    console.log(`▶ ${name}${quick ? ' (quick)' : ''}`);
    const t0 = Date.now();
    try {
      results.push(await bench(ctx));
    } catch (error) {
      broken += 1;
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      console.error(`✖ ${name} could not run: ${message}`);
      results.push({ name, rows: [], details: {}, skipped: message.split('\n')[0] ?? message });
    }
    console.log(`  (${((Date.now() - t0) / 1_000).toFixed(1)} s)`);
  }
  const rows: Row[] = results.flatMap((r) => r.rows);
  console.log('');
  console.log(table(rows));
  for (const r of results) if (r.skipped) console.log(`not measured: ${r.name}: ${r.skipped}`);
  const out = {
    mode: quick ? 'quick' : 'full',
    environment: environment(),
    durationSec: Math.round((Date.now() - started) / 100) / 10,
    results,
  };
  const dir = fileURLToPath(new URL('./results/', import.meta.url));
  await mkdir(dir, { recursive: true });
  await writeFile(`${dir}latest.json`, `${JSON.stringify(out, null, 2)}\n`);
  console.log(`\nwritten: bench/results/latest.json (${out.durationSec} s)`);
  process.exitCode = broken > 0 ? 1 : 0;
}

await main();
