import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LookoutCore } from '../../../electron/core/compose/lookout-core';
import { startEmbeddedGateway } from '../../../electron/host-common/embedded-gateway';
import { MemoryNotifier } from '../../../electron/core/notify/notifier.memory';
import { DIALECTS, watchedTaskIds } from '../../../electron/core/dialects';
import { waitFor } from '../../support/wait';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function demoCore() {
  const dataDir = await mkdtemp(join(tmpdir(), 'lookout-watch-'));
  const core = new LookoutCore({
    dataDir,
    notifier: new MemoryNotifier(),
    embeddedGateway: startEmbeddedGateway,
    appVersion: '0.0.0-test',
    hostKind: 'browser',
  });
  cleanups.push(async () => {
    await core.stop();
    await rm(dataDir, { recursive: true, force: true });
  });
  await core.start();
  await waitFor(async () => (await core.invoke('connection:snapshot', {}))[0]?.state === 'open', {
    timeoutMs: 10_000,
  });
  return core;
}

describe('watching a task by id', () => {
  it('maps task ids to channels in the dialect, and lists only task subscriptions', () => {
    expect(DIALECTS.lookout.tasks?.taskChannel('demo-999')).toBe('task:demo-999');
    expect(DIALECTS['task-status'].tasks?.taskChannel('demo-999')).toBe('demo-999');
    expect(
      watchedTaskIds('lookout', [
        'dashboard',
        'stats',
        'tasks:admin',
        'notifications:admin',
        'task:a',
      ]),
    ).toEqual(['a']);
    expect(watchedTaskIds('task-status', ['a', 'b'])).toEqual(['a', 'b']);
    expect(watchedTaskIds('sakura', ['chat_updates'])).toBeNull();
    // Each dialect's two directions agree.
    for (const dialect of Object.values(DIALECTS)) {
      if (!dialect.tasks) continue;
      expect(dialect.tasks.taskIdOf(dialect.tasks.taskChannel('x-1'))).toBe('x-1');
    }
  });

  it('stops watching for real: the subscription leaves the config, the list and the live session', async () => {
    const core = await demoCore();
    const subscriptions = async () =>
      (await core.invoke('connection:snapshot', {}))[0]?.subscriptions ?? [];
    expect(await core.invoke('tasks:watch', { endpoint: 'demo', taskId: 'demo-999' })).toEqual({
      ok: true,
    });
    let [summary] = await core.invoke('endpoints:list', {});
    expect(summary?.watchedTasks).toEqual(['demo-999']);
    expect(summary?.subscriptions).toContain('task:demo-999');
    await waitFor(async () => (await subscriptions()).includes('task:demo-999'));

    expect(await core.invoke('tasks:unwatch', { endpoint: 'demo', taskId: 'demo-999' })).toEqual({
      ok: true,
    });
    [summary] = await core.invoke('endpoints:list', {});
    expect(summary?.watchedTasks).toEqual([]);
    expect(summary?.subscriptions).not.toContain('task:demo-999');
    await waitFor(async () => !(await subscriptions()).includes('task:demo-999'));
    // The channel-shaped id the old chip sent, or a task never watched: refused, in words.
    for (const taskId of ['task:demo-999', 'demo-999']) {
      const r = await core.invoke('tasks:unwatch', { endpoint: 'demo', taskId });
      expect(r).toEqual({ ok: false, errors: [expect.stringMatching(/does not watch task/)] });
    }
    // The endpoint's other subscriptions are untouched.
    expect(await subscriptions()).toEqual(
      expect.arrayContaining(['dashboard', 'stats', 'tasks:admin@lookout.local']),
    );
  });
});
