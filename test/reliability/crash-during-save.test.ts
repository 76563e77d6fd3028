import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LookoutCore } from '../../electron/core/compose/lookout-core';
import { MemoryNotifier } from '../../electron/core/notify/notifier.memory';

/**
 * The whole core killed with SIGKILL while live events keep its model (and so state.json)
 * changing: at the next start the state loads intact (no file set aside, the bell as saved) and
 * no temp file is left behind. persist-kill.test.ts proves the same of the file layer alone; this is
 * the product as a user would crash it.
 */

const child = resolve('test/reliability/fixtures/core-child.ts');
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

/** Run the core in a child until it has changed its model `patches` times, then SIGKILL it. */
async function runAndKill(dataDir: string, patches: number): Promise<void> {
  // `node --import tsx` so the PID killed is the very process that writes.
  const proc = spawn(process.execPath, ['--import', 'tsx', child, dataDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((done) => proc.once('exit', () => done()));
  let stderr = '';
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  try {
    await new Promise<void>((ready, fail) => {
      let seen = 0;
      const timeout = setTimeout(
        () => fail(new Error(`no traffic in the child: ${stderr}`)),
        30_000,
      );
      proc.stdout.on('data', (d: Buffer) => {
        seen += d.toString().split('patch').length - 1;
        if (seen >= patches) {
          clearTimeout(timeout);
          ready();
        }
      });
      proc.once('exit', () => {
        clearTimeout(timeout);
        fail(new Error(`child exited early: ${stderr}`));
      });
    });
    // Anywhere inside the 1 s save debounce, or during the write it triggers.
    await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 1_200)));
  } finally {
    proc.kill('SIGKILL');
    await exited;
  }
}

describe('crash during a persistence write', () => {
  it('starts again with an intact state after the core is killed -9 three times in a row', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'lookout-crash-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    let lastBell = 0;
    for (let run = 0; run < 3; run++) {
      await runAndKill(dataDir, 4 + run * 4);
      const text = await readFile(join(dataDir, 'state.json'), 'utf8');
      expect(() => JSON.parse(text), `run ${run}: state.json is complete JSON`).not.toThrow();
      const core = new LookoutCore({
        dataDir,
        notifier: new MemoryNotifier(),
        appVersion: '0.0.0-test',
        hostKind: 'browser',
      });
      await core.start();
      const initial = await core.invoke('app:initial-state', {});
      await core.stop();
      expect(initial.configProblems, `run ${run}`).toEqual([]);
      // The saved bell survives and only grows across crashes.
      expect(initial.app.notifications.length).toBeGreaterThanOrEqual(lastBell);
      lastBell = initial.app.notifications.length;
      const names = await readdir(dataDir);
      expect(
        names.filter((n) => n.includes('.tmp')),
        `run ${run}: temp files`,
      ).toEqual([]);
      expect(names.filter((n) => /corrupt|set-aside|unreadable/i.test(n))).toEqual([]);
    }
    expect(lastBell).toBeGreaterThan(0);
  }, 120_000);
});
