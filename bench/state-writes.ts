/**
 * Benchmark: what the saved model costs the disk while large items flow. 50 businesses of about
 * 1 MB each (a nested menu, as a Lookout gateway may carry) are updated once a second for 20 s
 * through the main-owned model with the core's save settings (`openAppState`, 1 s debounce);
 * the bytes this process hands to write(2) (`wchar` of /proc/self/io: nothing else writes here)
 * and the final size of state.json are the figures.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../electron/core/kernel/ports';
import { openAppState } from '../electron/core/state/app-state-file';
import type { Json, LiveEvent } from '../shared/model/live-event';
import type { BenchContext, BenchResult, Row } from './support/report';
import { round } from './support/stats';
import { sleep } from './support/wait';

const BUSINESSES = 50;
const MB = 1024 * 1024;
/** Goals: the state file stays small, and a second of flow costs far less than rewriting it. */
const GOAL_FILE_MB = 2;
const GOAL_WRITTEN_MB_PER_MIN = 60;

/** Bytes this process has passed to write(2) so far (Linux), or null elsewhere. */
function bytesWritten(): number | null {
  try {
    const io = readFileSync('/proc/self/io', 'utf8');
    const match = /^wchar:\s*(\d+)/m.exec(io);
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

/** A business of about 1 MB: 6,000 menu entries. */
function largeBusiness(i: number, version: number): Record<string, Json> {
  const menu: Json[] = [];
  for (let n = 0; n < 6_000; n++)
    menu.push({
      item: `Dish ${n} of business ${i}`,
      price: n % 97,
      notes: 'seasonal, ask staff '.repeat(6),
    });
  return { id: `b${i}`, name: `Business ${i}`, version, menu };
}

function event(i: number, version: number, business: Record<string, Json>): LiveEvent {
  return {
    id: `business.updated:b${i}:${version}`,
    endpoint: 'gw',
    channel: 'dashboard',
    kind: 'business.updated',
    severity: 'info',
    title: `Business ${i} updated`,
    body: '',
    serverTime: null,
    receivedAt: Date.now(),
    data: { business: { ...business, version } },
    link: `businesses/b${i}`,
  };
}

export async function stateWrites(ctx: BenchContext): Promise<BenchResult> {
  const seconds = ctx.quick ? 6 : 20;
  const dir = await mkdtemp(join(tmpdir(), 'lookout-bench-state-'));
  const path = join(dir, 'state.json');
  try {
    const businesses = Array.from({ length: BUSINESSES }, (_, i) => largeBusiness(i, 0));
    const itemBytes = Buffer.byteLength(JSON.stringify(businesses[0]));
    const state = await openAppState({ path, clock: systemClock, debounceMs: 1_000 });
    const before = bytesWritten();
    const started = Date.now();
    let version = 0;
    while (Date.now() - started < seconds * 1_000) {
      version += 1;
      state.store.apply(businesses.map((b, i) => event(i, version, b)));
      await sleep(1_000);
    }
    const during = bytesWritten();
    const elapsed = (Date.now() - started) / 1_000;
    await state.close();
    const fileBytes = (await stat(path)).size;
    const written = before !== null && during !== null ? during - before : null;
    const writtenMb = written === null ? -1 : round(written / MB, 1);
    const perMinute = written === null ? -1 : round((written / MB) * (60 / elapsed), 1);
    ctx.log(
      `  ${BUSINESSES} businesses of ${round(itemBytes / MB, 2)} MB, ${version} updates each in ${round(elapsed, 1)} s: ` +
        `${writtenMb} MB written, state.json ${round(fileBytes / MB, 2)} MB`,
    );
    const rows: Row[] = [
      {
        bench: 'state',
        name: `bytes written in ${seconds} s (${BUSINESSES} × ${round(itemBytes / MB, 1)} MB businesses, 1 update/s each)`,
        value: writtenMb,
        unit: 'MB',
        goal: `≤ ${round((GOAL_WRITTEN_MB_PER_MIN * seconds) / 60, 0)} MB`,
        met: written === null ? null : perMinute <= GOAL_WRITTEN_MB_PER_MIN,
      },
      {
        bench: 'state',
        name: 'state.json after the run',
        value: round(fileBytes / MB, 2),
        unit: 'MB',
        goal: `≤ ${GOAL_FILE_MB} MB`,
        met: fileBytes <= GOAL_FILE_MB * MB,
      },
    ];
    return {
      name: 'state',
      rows,
      details: { seconds: elapsed, updates: version, itemBytes, written, fileBytes },
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
