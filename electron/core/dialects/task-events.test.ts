import { describe, expect, it } from 'vitest';
import { explainCloseCode } from '../../../shared/close-codes';
import { taskEventsDialect } from './task-events';
import { testEndpoint } from '../../../test/support/endpoint';

const AT = 1_700_000_000_000;
const codec = (userId?: string) =>
  taskEventsDialect.create(
    testEndpoint({
      dialect: 'task-events',
      url: 'ws://127.0.0.1:8004/ws',
      params: userId ? { userId } : {},
    }),
  );

describe('task-events codec', () => {
  it('puts user_id and the token in the query', () => {
    const plan = codec('user-123').handshake({ token: 'jwt.value.here' }, 'ws://127.0.0.1:8004/ws');
    const url = new URL(plan.url);
    expect(url.pathname).toBe('/ws');
    expect(url.searchParams.get('user_id')).toBe('user-123');
    expect(url.searchParams.get('token')).toBe('jwt.value.here');
    expect(
      new URL(codec().handshake({}, 'ws://127.0.0.1:8004/ws').url).searchParams.has('user_id'),
    ).toBe(false);
  });

  it('pings with type and reads the greeting and pong', () => {
    const c = codec('u');
    expect(c.appPing(AT)).toBe('{"type":"ping"}');
    expect(c.subscribe('x')).toBeNull();
    expect(
      c.decode(
        '{"type":"connected","message":"WebSocket connected successfully","user_id":"u","timestamp":"2026-02-07T12:00:00.000Z"}',
        AT,
      ),
    ).toEqual({ greeting: { serverTime: Date.UTC(2026, 1, 7, 12) } });
    expect(c.decode('{"type":"pong"}', AT)).toEqual({ pong: {} });
  });

  it.each([
    ['task.created', 'created'],
    ['task.updated', 'updated'],
    ['task.completed', 'completed'],
    ['task.deleted', 'deleted'],
  ])('turns %s into a task entry', (eventType, verb) => {
    const frame = JSON.stringify({
      type: 'task_update',
      event: {
        event_type: eventType,
        user_id: 'user-123',
        task_id: '456',
        title: 'New Task',
        timestamp: '2026-02-07T12:00:00.000Z',
      },
      timestamp: '2026-02-07T12:00:00.100Z',
    });
    const [e] = codec('user-123').decode(frame, AT).events ?? [];
    expect(e).toMatchObject({
      kind: eventType,
      channel: 'user:user-123',
      title: `Task “New Task” ${verb}`,
      serverTime: Date.UTC(2026, 1, 7, 12),
      link: 'tasks/456',
      data: { taskId: '456', title: 'New Task', userId: 'user-123', eventType },
    });
    expect(codec('user-123').decode(frame, AT + 99).events?.[0]?.id).toBe(e?.id);
  });

  it('accepts the runbook example without timestamps or numeric ids', () => {
    const [e] =
      codec('test-user').decode(
        '{"type":"task_update","event":{"event_type":"task.created","user_id":"test-user","task_id":123,"title":"Test Task"}}',
        AT,
      ).events ?? [];
    expect(e).toMatchObject({ kind: 'task.created', serverTime: null, data: { taskId: '123' } });
  });

  it('rejects garbage and unknown event types', () => {
    const c = codec('u');
    expect(c.decode('nope', AT)).toEqual({ rejected: 'non-json' });
    expect(c.decode('[1]', AT)).toEqual({ rejected: 'not-an-object' });
    expect(c.decode('{"type":"other"}', AT)).toEqual({ rejected: 'unknown-type: other' });
    expect(
      c.decode('{"type":"task_update","event":{"event_type":"task.exploded","task_id":"1"}}', AT)
        .rejected,
    ).toBe('unknown-type: task.exploded');
    expect(c.decode('{"type":"task_update","event":{}}', AT).rejected).toMatch(/^schema: event\./);
  });

  it('treats silence as normal and explains close 1000 as a missing user_id', () => {
    expect(taskEventsDialect.liveness.staleAfterMs).toBe(0);
    const meaning = explainCloseCode(1000, taskEventsDialect.closeOverrides);
    expect(meaning.action).toBe('stop');
    expect(meaning.meaning).toContain('params.userId');
    const [health, stats] = taskEventsDialect.probes;
    expect(
      health?.interpret(200, { status: 'healthy', service: 'websocket-service', connections: 2 })
        .summary,
    ).toBe('Healthy, 2 users connected.');
    expect(stats?.interpret(200, { total_users: 2, total_connections: 3, users: {} }).summary).toBe(
      '3 sockets for 2 users.',
    );
  });
});
