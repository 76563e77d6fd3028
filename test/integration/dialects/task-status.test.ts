import { createClient } from '@redis/client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { taskStatusDialect } from '../../../electron/core/dialects/task-status';
import { redisForTests } from '../../peers/redis-source';
import { type TaskStatusDouble, startTaskStatusDouble } from '../../peers/task-status-double';
import { waitFor } from '../../support/wait';
import { startSession } from './session-harness';

const prefix = `task-status-e2e-${process.pid}:`;
const cleanups: Array<() => Promise<void> | void> = [];
let redis: Awaited<ReturnType<typeof redisForTests>>;
let publisher: ReturnType<typeof createClient>;
let double: TaskStatusDouble;

beforeAll(async () => {
  redis = await redisForTests();
  publisher = createClient({ url: redis.url });
  await publisher.connect();
  double = await startTaskStatusDouble({ redisUrl: redis.url, redisPrefix: prefix });
});
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});
afterAll(async () => {
  await double.stop();
  await publisher.close();
  await redis.stop();
});

const stats = async () =>
  (await (await fetch(`${double.httpUrl}/ws/stats`)).json()) as {
    connections_per_task: Record<string, number>;
  };
const publish = (u: Record<string, unknown>) =>
  publisher.publish(`${prefix}task_status_updates`, JSON.stringify(u));

describe('task-status end to end through the engine', () => {
  it('subscribes task ids chosen at run time, drives progress, resubscribes after a restart', async () => {
    const t = startSession(
      taskStatusDialect,
      { url: double.url, subscriptions: ['T1'] },
      {},
      cleanups,
    );
    await waitFor(async () => (await stats()).connections_per_task.T1 === 1);
    t.session.subscribe('T2');
    await waitFor(async () => (await stats()).connections_per_task.T2 === 1);
    await publish({ task_id: 'T2', status: 'processing', progress: 40, message: 'Fetching' });
    const progress = await waitFor(() => t.events.find((e) => e.kind === 'task.progress'));
    expect(progress).toMatchObject({ channel: 'T2', data: { progress: 40 }, link: 'tasks/T2' });
    t.session.unsubscribe('T1');
    await waitFor(async () => (await stats()).connections_per_task.T1 === undefined);

    await double.restart();
    await waitFor(async () => (await stats()).connections_per_task.T2 === 1, { timeoutMs: 10_000 });
    expect((await stats()).connections_per_task.T1).toBeUndefined();
    await publish({ task_id: 'T2', status: 'failed', progress: 40, message: 'Node unreachable' });
    const failed = await waitFor(() => t.events.find((e) => e.kind === 'task.failed'));
    expect(failed).toMatchObject({ severity: 'warning', body: 'Node unreachable' });
    expect(t.session.diagnostics().rejections).toEqual({});
  });
});
