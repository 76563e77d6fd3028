import { afterEach, describe, expect, it } from 'vitest';
import type { EmbeddedGateway } from '../../electron/core/app/core-api';
import { freePort, startGateway, type Proc } from '../../e2e/support/processes';
import { waitFor } from '../support/wait';
import {
  addEndpoint,
  channelHealth,
  expectEachOnce,
  gatewayEndpoint,
  model,
  publishAlerts,
  publishableDemo,
  removeDir,
  rows,
  startCore,
  subscribed,
} from './core-harness';

/**
 * Restarts that lose history, through the whole core: a gateway process killed -9 and started
 * again on its port (in-memory log: a new epoch, seqs from 1), and the app restarted on its saved
 * bell while its embedded demo starts over. Every uniquely titled event reaches the bell exactly
 * once and raises one OS notification; the user is told that events may be missing, and why.
 */

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

describe('a gateway killed -9 and started again', () => {
  it('delivers events from before and after, and says the gateway lost its history', async () => {
    const port = await freePort();
    let gw: Proc = await startGateway(port, { REDIS_URL: '' });
    cleanups.push(() => gw.kill());
    const http = `http://127.0.0.1:${port}`;
    const under = await startCore();
    cleanups.push(() => removeDir(under.dataDir));
    cleanups.push(() => under.stop());
    await addEndpoint(
      under.core,
      gatewayEndpoint('gw', port, [
        'dashboard',
        'stats',
        'notifications:admin@lookout.local',
        'tasks:admin@lookout.local',
      ]),
    );
    await subscribed(under.core, 'gw');
    const before = ['before 1', 'before 2', 'before 3'];
    await publishAlerts(http, before);
    await expectEachOnce(under, before, 'gw');
    const { resume } = (await channelHealth(under.core, 'gw', 'dashboard')) ?? {};
    expect(resume?.epoch).toBeTruthy();

    // Tasks in progress when the gateway dies will never report their outcome.
    const running = await waitFor(
      async () => {
        const tasks = (await model(under.core)).tasks.filter((t) => t.status === 'processing');
        return tasks.length > 0 ? tasks : null;
      },
      { timeoutMs: 15_000, what: 'a task in progress' },
    );
    await gw.kill();
    gw = await startGateway(port, { REDIS_URL: '' });
    const restartedAt = Date.now();
    // Published at once, likely before the client is back: the new history replays from seq 1,
    // whose ids (`dashboard:1`…) the old history used too.
    const after = ['after 1', 'after 2', 'after 3'];
    await publishAlerts(http, after);
    await expectEachOnce(under, after, 'gw', 30_000);
    await subscribed(under.core, 'gw');
    const later = ['later 1', 'later 2'];
    await publishAlerts(http, later);
    await expectEachOnce(under, [...before, ...after, ...later], 'gw');

    // Told, in plain words, once for all the channels the restart reset.
    const dashboard = await channelHealth(under.core, 'gw', 'dashboard');
    expect(dashboard?.lastReset?.cause).toBe('history-lost');
    expect(dashboard?.resume?.epoch).not.toBe(resume?.epoch);
    const notices = rows(await model(under.core), 'Gateway restarted and lost its history', 'gw');
    expect(notices).toHaveLength(1);
    expect(notices[0]?.body).toMatch(/events from before \d\d:\d\d may be missing/);
    expect(notices[0]?.channels).toEqual(expect.arrayContaining(['dashboard']));
    // The tasks it was running no longer claim to be in progress (unless the new process reused
    // their ids and is running them again).
    const tasks = (await model(under.core)).tasks;
    for (const before of running) {
      const now = tasks.find((t) => t.key === before.key);
      if (now?.status === 'unknown') expect(now.message).toMatch(/lost its history/);
      else expect(now?.updatedAt).toBeGreaterThan(restartedAt);
    }
    // Stats move again (not frozen at the old gateway's last sample).
    await waitFor(
      async () => ((await model(under.core)).endpoints.gw?.stats?.at ?? 0) > restartedAt,
      { timeoutMs: 10_000, what: 'stats after the restart' },
    );
  });
});

describe('the app restarted on its saved bell', () => {
  it('takes the restarted demo’s events (seqs from 1 again) as new, and tasks finish', async () => {
    let demo: EmbeddedGateway | null = null;
    const embedded = async () => (demo = await publishableDemo());
    const demoUrl = () => (demo as EmbeddedGateway | null)?.httpUrl ?? '';
    const first = await startCore({ embedded });
    cleanups.push(() => removeDir(first.dataDir));
    cleanups.push(() => first.stop());
    await subscribed(first.core, 'demo');
    const run1 = ['first run 1', 'first run 2'];
    await publishAlerts(demoUrl(), run1);
    await expectEachOnce(first, run1, 'demo');
    await waitFor(
      async () =>
        (await model(first.core)).tasks.filter((t) => t.status === 'completed').length >= 2,
      { timeoutMs: 20_000, what: 'demo tasks completed in the first run' },
    );
    const saved = await model(first.core);
    await first.stop();

    const second = await startCore({ dataDir: first.dataDir, embedded });
    cleanups.push(() => second.stop());
    const restartedAt = Date.now();
    // The saved bell is back, and the restarted demo numbers its channels from 1 again.
    expect(rows(await model(second.core), 'first run 1')).toHaveLength(1);
    await subscribed(second.core, 'demo');
    const run2 = ['second run 1', 'second run 2', 'second run 3'];
    await publishAlerts(demoUrl(), run2);
    await expectEachOnce(second, run2, 'demo');
    // Tasks of this run complete (their completions are new events, not "already seen" ones).
    await waitFor(
      async () =>
        (await model(second.core)).tasks.filter(
          (t) => t.updatedAt > restartedAt && (t.status === 'completed' || t.status === 'failed'),
        ).length >= 2,
      { timeoutMs: 20_000, what: 'tasks of the second run finishing' },
    );
    const s = await model(second.core);
    for (const title of run1) expect(rows(s, title)).toHaveLength(1);
    expect(s.notifications.length).toBeGreaterThan(saved.notifications.length);
    const dashboard = await channelHealth(second.core, 'demo', 'dashboard');
    expect(dashboard?.dropped.duplicate).toBeUndefined();
  });
});
