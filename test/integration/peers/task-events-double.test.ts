import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sleep } from '../../support/wait';
import {
  type TaskEventsDouble,
  startTaskEventsDouble,
  taskCloudEvent,
} from '../../peers/task-events-double';
import { type TestClient, open } from '../../peers/ws-client';

let double: TaskEventsDouble;
const clients: TestClient[] = [];

beforeAll(async () => {
  double = await startTaskEventsDouble();
});
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});
afterAll(async () => {
  await double.stop();
});

async function client(query: string): Promise<TestClient> {
  const c = await open(`${double.url}${query}`);
  clients.push(c);
  return c;
}

const post = (body: string) =>
  fetch(`${double.httpUrl}/task-updates`, {
    method: 'POST',
    headers: { 'content-type': 'application/cloudevents+json' },
    body,
  });

const event = {
  event_type: 'task.created',
  user_id: 'user-123',
  task_id: '456',
  title: 'New Task',
  timestamp: '2026-02-07T12:00:00.000Z',
};

describe('task-events double conforms to PROTOCOLS.md §3', () => {
  it('greets with user_id and a Z timestamp; the token is read, not verified', async () => {
    const c = await client('?user_id=user-123&token=not-a-real-jwt');
    const hello = await c.next((m) => m.type === 'connected');
    expect(hello).toMatchObject({
      message: 'WebSocket connected successfully',
      user_id: 'user-123',
    });
    expect(hello.timestamp).toMatch(/Z$/);
    expect(double.tokensSeen).toContain('not-a-real-jwt');
  });

  it('accepts then closes 1000 with an empty reason without user_id', async () => {
    const c = await client('');
    expect(await c.waitClosed()).toEqual({ code: 1000, reason: '' });
  });

  it('answers ping, ignores other objects and closes 1000 on [1]', async () => {
    const c = await client('?user_id=u1');
    c.send({ type: 'hello' });
    c.send({ type: 'ping' });
    await c.next((m) => m.type === 'pong');
    expect(c.messages).toHaveLength(2);
    c.send('[1]');
    expect(await c.waitClosed()).toEqual({ code: 1000, reason: '' });
  });

  it('delivers CloudEvents with string data to every socket of that user, drops object data', async () => {
    const a = await client('?user_id=user-123');
    const b = await client('?user_id=user-123');
    const other = await client('?user_id=someone-else');
    await a.next((m) => m.type === 'connected');
    await b.next((m) => m.type === 'connected');
    const dropped = await post(taskCloudEvent(event, true));
    expect(await dropped.json()).toEqual({ status: 'DROP' });
    const ok = await post(taskCloudEvent(event));
    expect(ok.status).toBe(200);
    const got = await a.next((m) => m.type === 'task_update');
    expect(got).toMatchObject({ event });
    await b.next((m) => m.type === 'task_update');
    await sleep(50);
    expect(a.messages.filter((m) => (m as { type: string }).type === 'task_update')).toHaveLength(
      1,
    );
    expect(other.messages).toHaveLength(1);
    const health = await (await fetch(`${double.httpUrl}/health`)).json();
    expect(health).toEqual({ status: 'healthy', service: 'websocket-service', connections: 2 });
    const stats = await (await fetch(`${double.httpUrl}/stats`)).json();
    expect(stats).toEqual({
      total_users: 2,
      total_connections: 3,
      users: { 'user-123': 2, 'someone-else': 1 },
    });
  });

  it('answers the Dapr subscription list', async () => {
    const res = await fetch(`${double.httpUrl}/dapr/subscribe`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual([
      { pubsubname: 'kafka-pubsub', topic: 'task-updates', route: '/task-updates' },
    ]);
  });

  it('sends no pings', async () => {
    const c = await client('?user_id=quiet');
    await sleep(100);
    expect(c.pings).toBe(0);
  });
});
