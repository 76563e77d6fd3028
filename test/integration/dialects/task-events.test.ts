import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { StaticTokenProvider } from '../../../electron/core/auth/static-token-provider';
import { taskEventsDialect } from '../../../electron/core/dialects/task-events';
import {
  type TaskEventsDouble,
  startTaskEventsDouble,
  taskCloudEvent,
} from '../../peers/task-events-double';
import { waitFor } from '../../support/wait';
import { startSession } from './session-harness';

const cleanups: Array<() => Promise<void> | void> = [];
let double: TaskEventsDouble;

beforeAll(async () => {
  double = await startTaskEventsDouble();
});
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});
afterAll(async () => {
  await double.stop();
});

const post = (event: Record<string, unknown>) =>
  fetch(`${double.httpUrl}/task-updates`, {
    method: 'POST',
    headers: { 'content-type': 'application/cloudevents+json' },
    body: taskCloudEvent(event),
  });

describe('task-events end to end through the engine', () => {
  it('connects with user_id and token, receives task events, reconnects after a restart', async () => {
    const t = startSession(
      taskEventsDialect,
      {
        url: double.url,
        params: { userId: 'user-123' },
        auth: { method: 'token', credentialRef: 'tok', send: 'query' },
      },
      { credentials: new StaticTokenProvider('tok', async () => 'header.payload.sig') },
      cleanups,
    );
    await waitFor(() => t.session.state === 'open');
    expect(double.tokensSeen).toContain('header.payload.sig');
    await waitFor(
      async () =>
        ((await (await fetch(`${double.httpUrl}/health`)).json()) as { connections: number })
          .connections === 1,
    );
    await post({
      event_type: 'task.created',
      user_id: 'user-123',
      task_id: '456',
      title: 'New Task',
      timestamp: '2026-02-07T12:00:00.000Z',
    });
    const created = await waitFor(() => t.events.find((e) => e.kind === 'task.created'));
    expect(created).toMatchObject({
      title: 'Task “New Task” created',
      link: 'tasks/456',
      channel: 'user:user-123',
    });

    await double.restart();
    await waitFor(
      async () =>
        ((await (await fetch(`${double.httpUrl}/health`)).json()) as { connections: number })
          .connections === 1,
      { timeoutMs: 10_000 },
    );
    await post({
      event_type: 'task.completed',
      user_id: 'user-123',
      task_id: '456',
      title: 'New Task',
    });
    await waitFor(() => t.events.find((e) => e.kind === 'task.completed'));
  });

  it('stops with a config meaning when params.userId is missing', async () => {
    const t = startSession(taskEventsDialect, { url: double.url }, {}, cleanups);
    await waitFor(() => t.session.state === 'stopped');
    const outcome = t.session.diagnostics().lastOutcome;
    expect(outcome).toMatchObject({ closeCode: 1000, action: 'stop' });
    expect(outcome?.meaning).toContain('params.userId');
  });
});
