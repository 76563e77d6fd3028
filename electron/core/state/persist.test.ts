import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { LiveEvent } from '../../../shared/model/live-event';
import { systemClock, type Clock } from '../kernel/ports';
import { ManualClock } from '../../../test/support/manual-clock';
import { AppModel } from './app-model';
import { appSnapshotSchema } from './app-state-schema';
import { STATE_FORMAT } from './file-formats';
import { PersistedFile, type SaveResult } from './persist';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lookout-persist-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const stateFile = (
  path = join(dir, 'state.json'),
  clock: Clock = systemClock,
  onSaved?: (result: SaveResult) => void,
) =>
  new PersistedFile({
    path,
    ...STATE_FORMAT,
    schema: appSnapshotSchema,
    clock,
    ...(onSaved ? { onSaved } : {}),
  });

function event(i: number): LiveEvent {
  return {
    id: `e${i}`,
    endpoint: 'admin',
    channel: 'dashboard',
    kind: i % 2 ? 'business.created' : 'task.updated',
    severity: 'info',
    title: `Event ${i}`,
    body: '',
    serverTime: null,
    receivedAt: 1_000 + i,
    data: { business: { id: i, name: `B${i}` }, task_id: `t${i}`, progress: 50 },
  };
}

describe('PersistedFile', () => {
  it('round-trips the app model and reports a first start as missing', async () => {
    const file = stateFile();
    expect(await file.load()).toEqual({ status: 'missing', value: null });
    const store = new AppModel();
    store.apply(Array.from({ length: 20 }, (_, i) => event(i)));
    store.markRead('e3');
    expect(await file.save(store.snapshot())).toEqual({ ok: true });
    const loaded = await stateFile().load();
    expect(loaded.status).toBe('loaded');
    expect(loaded.value).toEqual(store.snapshot());
    // Only the target remains: no temp files.
    expect(await readdir(dir)).toEqual(['state.json']);
  });

  it.each([
    ['truncated JSON', '{"app":"lookout","kind":"state","ver', /not valid JSON/],
    ['a foreign file', '{"hello":"world"}', /is not a Lookout state file/],
    [
      'another kind of Lookout file',
      '{"app":"lookout","kind":"prefs","version":1,"data":{}}',
      /is not a Lookout state file/,
    ],
    [
      'a format version that cannot exist',
      '{"app":"lookout","kind":"state","version":0,"data":{}}',
      /has an invalid format version \(0\)/,
    ],
    [
      'a wrong shape',
      '{"app":"lookout","kind":"state","version":1,"data":{"version":1}}',
      /does not match the expected shape/,
    ],
  ])('sets aside %s with a clear message and starts fresh', async (_what, content, message) => {
    const path = join(dir, 'state.json');
    await writeFile(path, content);
    const outcome = await stateFile(path).load();
    expect(outcome.status).toBe('set-aside');
    if (outcome.status !== 'set-aside') return;
    expect(outcome.message).toMatch(message);
    expect(outcome.message).toContain('started with a fresh state');
    expect(outcome.setAsidePath).toMatch(/state\.json\.corrupt-\d+$/);
    expect(await readFile(outcome.setAsidePath!, 'utf8')).toBe(content);
    expect(await stateFile(path).load()).toEqual({ status: 'missing', value: null });
  });

  it('keeps a file of a newer format untouched, explains it, and never writes over it', async () => {
    const path = join(dir, 'state.json');
    const content = '{"app":"lookout","kind":"state","version":7,"data":{"future":true}}';
    await writeFile(path, content);
    const told: SaveResult[] = [];
    const file = stateFile(path, systemClock, (result) => told.push(result));
    const outcome = await file.load();
    expect(outcome).toEqual({
      status: 'newer',
      value: null,
      message: expect.stringMatching(
        /state\.json was written by a newer Lookout \(format 7; this one reads up to 2\)\. It is kept as it is and will not be overwritten/,
      ),
    });
    const store = new AppModel();
    store.apply([event(1)]);
    const refused = await file.save(store.snapshot());
    expect(refused).toEqual({
      ok: false,
      error: expect.stringMatching(
        /is from a newer Lookout, and this version does not write over it/,
      ),
    });
    expect(told).toEqual([refused]);
    file.schedule(() => store.snapshot());
    await file.flush();
    expect(await readFile(path, 'utf8')).toBe(content);
    expect(await readdir(dir)).toEqual(['state.json']);
  });

  it('migrates a file of an older format and keeps the original once, beside it', async () => {
    const path = join(dir, 'state.json');
    const store = new AppModel();
    store.apply([event(1), event(2)]);
    const v1 = JSON.stringify({
      app: 'lookout',
      kind: 'state',
      version: 1,
      savedAt: 1,
      data: { version: 1, ...store.snapshot() },
    });
    await writeFile(path, v1);
    const outcome = await stateFile(path).load();
    expect(outcome).toEqual({ status: 'loaded', value: store.snapshot() });
    expect(await readFile(`${path}.v1.bak`, 'utf8')).toBe(v1);
    // A second start (the file still at version 1) does not replace the kept original.
    await writeFile(path, v1.replace('"savedAt":1', '"savedAt":2'));
    await stateFile(path).load();
    expect(await readFile(`${path}.v1.bak`, 'utf8')).toBe(v1);
  });

  it('removes temp files a killed process left behind', async () => {
    const path = join(dir, 'state.json');
    await writeFile(`${path}.tmp-99999`, '{"half');
    await stateFile(path).load();
    expect(await readdir(dir)).toEqual([]);
  });

  it('debounces saves and writes the latest model once', async () => {
    const clock = new ManualClock(5);
    const file = stateFile(join(dir, 'state.json'), clock);
    const store = new AppModel();
    for (let i = 0; i < 50; i += 1) {
      store.apply([event(i)]);
      file.schedule(() => store.snapshot());
    }
    expect(clock.pending).toBe(1);
    clock.fireNext();
    await file.flush();
    expect((await stateFile().load()).value).toEqual(store.snapshot());
  });

  it('spaces scheduled writes by the write budget, and retries a failed one until it succeeds', async () => {
    const clock = new ManualClock(0);
    const fire = async () => {
      const at = clock.fireNext();
      await file.flush();
      return at;
    };
    const results: boolean[] = [];
    const blocked = join(dir, 'blocked');
    const path = join(blocked, 'big.json');
    const file = new PersistedFile<string>({
      path,
      kind: 'big',
      version: 1,
      schema: z.string(),
      clock,
      debounceMs: 1_000,
      maxBytesPerSecond: 100_000,
      onSaved: (r) => results.push(r.ok),
    });
    const big = 'x'.repeat(400_000);
    file.schedule(() => big);
    expect(await fire()).toBe(1_000);
    expect(results).toEqual([true]);
    // 400 KB at 100 KB/s: the next scheduled write waits 4 s (plus the envelope), not the 1 s debounce.
    file.schedule(() => big);
    const budgeted = clock.nextDueAt ?? 0;
    expect(budgeted).toBeGreaterThanOrEqual(5_000);
    expect(budgeted).toBeLessThan(5_010);
    // The folder becomes a file: writes fail, and are tried again (2 s, then 4 s) with the latest value.
    await rm(blocked, { recursive: true });
    await writeFile(blocked, 'not a folder');
    expect(await fire()).toBe(budgeted);
    expect(results).toEqual([true, false]);
    expect(clock.nextDueAt).toBe(budgeted + 2_000);
    expect(await fire()).toBe(budgeted + 2_000);
    expect(clock.nextDueAt).toBe(budgeted + 6_000);
    await rm(blocked);
    expect(await fire()).toBe(budgeted + 6_000);
    expect(results).toEqual([true, false, false, true]);
    expect(clock.pending).toBe(0);
    expect(JSON.parse(await readFile(path, 'utf8')).data).toBe(big);
  });

  it('returns a failed save instead of throwing', async () => {
    // A missing folder is created; a path through a regular file cannot be.
    await writeFile(join(dir, 'a-file'), 'x');
    const file = stateFile(join(dir, 'a-file', 'state.json'));
    const result = await file.save(new AppModel().snapshot());
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(/Could not save .*a-file/);
    expect(file.lastError).toMatch(/ENOTDIR|EEXIST/);
  });
});
