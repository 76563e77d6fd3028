import { describe, expect, it } from 'vitest';
import { taskStatusDialect } from './task-status';
import { testEndpoint } from '../../../test/support/endpoint';

const AT = 1_700_000_000_000;
const codec = () =>
  taskStatusDialect.create(testEndpoint({ dialect: 'task-status', url: 'ws://127.0.0.1:8001/ws' }));

describe('task-status codec', () => {
  it('subscribes and unsubscribes task ids; has no app ping', () => {
    const c = codec();
    expect(c.onOpen()).toEqual([]);
    expect(JSON.parse(c.subscribe('t-1') ?? '')).toEqual({ type: 'subscribe', task_id: 't-1' });
    expect(JSON.parse(c.unsubscribe('t-1') ?? '')).toEqual({ type: 'unsubscribe', task_id: 't-1' });
    expect(c.appPing(AT)).toBeNull();
    expect(taskStatusDialect.liveness.appPing).toBe(false);
  });

  it('reads acks and the error envelopes', () => {
    const c = codec();
    expect(
      c.decode(
        '{"type":"subscribed","task_id":"t-1","message":"Successfully subscribed to task t-1"}',
        AT,
      ),
    ).toEqual({ acks: [{ op: 'subscribed', channel: 't-1' }] });
    expect(c.decode('{"type":"unsubscribed","task_id":"t-1","message":"x"}', AT).acks).toEqual([
      { op: 'unsubscribed', channel: 't-1' },
    ]);
    for (const error of [
      'Invalid message format. Required: type, task_id',
      'Unknown message type: X',
      'Invalid JSON format',
      "Internal error: 'list' object has no attribute 'get'",
    ]) {
      expect(c.decode(JSON.stringify({ type: 'error', error }), AT)).toEqual({
        serverError: error,
      });
    }
  });

  it('drives a progress bar and raises completed / failed', () => {
    const c = codec();
    const progress = c.decode(
      '{"type":"status_update","task_id":"t-1","data":{"status":"processing","progress":40,"message":"Fetching blockchain data..."}}',
      AT,
    ).events?.[0];
    expect(progress).toMatchObject({
      kind: 'task.progress',
      channel: 't-1',
      severity: 'info',
      title: 'Task t-1 processing (40%)',
      body: 'Fetching blockchain data...',
      link: 'tasks/t-1',
      data: { taskId: 't-1', status: 'processing', progress: 40 },
    });
    const done = c.decode(
      '{"type":"status_update","task_id":"t-1","data":{"status":"completed","progress":100,"message":""}}',
      AT,
    ).events?.[0];
    expect(done).toMatchObject({ kind: 'task.completed', title: 'Task t-1 completed' });
    const failed = c.decode(
      '{"type":"status_update","task_id":"t-1","data":{"status":"failed","progress":0,"message":"boom"}}',
      AT,
    ).events?.[0];
    expect(failed).toMatchObject({ kind: 'task.failed', severity: 'warning', body: 'boom' });
    expect(done?.id).not.toBe(failed?.id);
  });

  it('rejects garbage and bad updates', () => {
    const c = codec();
    expect(c.decode('{', AT)).toEqual({ rejected: 'non-json' });
    expect(c.decode('[1]', AT)).toEqual({ rejected: 'not-an-object' });
    expect(c.decode('{"type":"pong"}', AT)).toEqual({ rejected: 'unknown-type: pong' });
    expect(
      c.decode('{"type":"status_update","task_id":"t","data":{"progress":"x"}}', AT).rejected,
    ).toMatch(/^schema: data\./);
  });

  it('never calls the backend down from its broken /health', () => {
    const health = taskStatusDialect.probes.find((p) => p.name === 'health');
    expect(health?.interpret(500, null)).toMatchObject({ status: 'unknown' });
    const stats = taskStatusDialect.probes.find((p) => p.path === '/ws/stats');
    expect(
      stats?.interpret(200, {
        total_connections: 1,
        total_subscriptions: 2,
        tasks_with_subscribers: 2,
        connections_per_task: {},
      }).status,
    ).toBe('healthy');
  });
});
