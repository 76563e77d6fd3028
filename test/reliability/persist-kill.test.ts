import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../electron/core/kernel/ports';
import { PersistedFile } from '../../electron/core/state/persist';
import { writerState, writerStateSchema } from './fixtures/kill-writer';

/**
 * The file layer (`PersistedFile`) killed with SIGKILL mid-write, 20 times: the file on disk is
 * always a complete state. crash-during-save.test.ts proves the same of the whole core.
 */

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lookout-persist-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('crash safety', () => {
  // `node --import tsx` rather than the tsx CLI: the CLI runs the script in a grandchild that a
  // SIGKILL to the CLI would orphan, and the test must kill the very process that writes.
  const writer = resolve('test/reliability/fixtures/kill-writer.ts');

  it('always leaves a complete state when the writer is killed with SIGKILL mid-write (20 runs)', async () => {
    const path = join(dir, 'kill.json');
    const file = new PersistedFile({
      path,
      kind: 'kill-test',
      version: 1,
      schema: writerStateSchema,
      clock: systemClock,
    });
    let killedMidWrite = 0;
    for (let run = 0; run < 20; run += 1) {
      const start = run * 10_000;
      const child = spawn(process.execPath, ['--import', 'tsx', writer, path, '5000'], {
        env: { ...process.env, KILL_WRITER_START: String(start) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const exited = new Promise<void>((done) => child.once('exit', () => done()));
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      await new Promise<void>((ready, fail) => {
        const timeout = setTimeout(
          () => fail(new Error(`writer never got ready: ${stderr}`)),
          15_000,
        );
        child.stdout.on('data', (d: Buffer) => {
          if (d.toString().includes('ready')) {
            clearTimeout(timeout);
            ready();
          }
        });
        child.once('exit', () => {
          clearTimeout(timeout);
          fail(new Error(`writer exited early: ${stderr}`));
        });
      });
      // Kill at a random point of the write loop (each write is a few hundred KB).
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 40)));
      child.kill('SIGKILL');
      await exited;

      if ((await readdir(dir)).some((name) => name.startsWith('kill.json.tmp-')))
        killedMidWrite += 1;
      const outcome = await file.load();
      expect(outcome.status, `run ${run}`).toBe('loaded');
      const value = outcome.value!;
      expect(value.seq).toBeGreaterThanOrEqual(start);
      expect(value).toEqual(writerState(value.seq));
    }
    // Each save spends most of its time writing and fsyncing the temp file, so nearly every kill
    // lands mid-write; this guards against a test that only ever kills between writes.
    expect(killedMidWrite).toBeGreaterThan(0);
    console.info(`kill -9 runs that interrupted a write: ${killedMidWrite}/20`);
  }, 120_000);
});
