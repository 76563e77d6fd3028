import { createClient } from '@redis/client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RedisServer } from '../../support/redis-server';
import { sleep, waitFor } from '../../support/wait';
import { type TaskStatusDouble, startTaskStatusDouble } from '../../peers/task-status-double';
import { type TestClient, dial, open } from '../../peers/ws-client';

let redis: RedisServer;
let publisher: ReturnType<typeof createClient>;
let double: TaskStatusDouble;
const clients: TestClient[] = [];

beforeAll(async () => {
  redis = await RedisServer.start();
  publisher = createClient({ url: redis.url, socket: { reconnectStrategy: () => 100 } });
  publisher.on('error', () => {});
  await publisher.connect();
  double = await startTaskStatusDouble({
    redisUrl: redis.url,
    keepalive: { intervalMs: 100, timeoutMs: 100 },
  });
});
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});
afterAll(async () => {
  await double.stop();
  publisher.destroy();
  await redis.stop();
});

async function client(): Promise<TestClient> {
  const c = await open(double.url);
  clients.push(c);
  return c;
}

describe('task-status double conforms to PROTOCOLS.md §4', () => {
  it('has no greeting and answers subscribe/unsubscribe exactly', async () => {
    const c = await client();
    await sleep(50);
    expect(c.texts).toHaveLength(0);
    c.send({ type: 'subscribe', task_id: 'T1' });
    c.send({ type: 'unsubscribe', task_id: 'T1' });
    await c.next((m) => m.type === 'unsubscribed');
    expect(c.messages).toEqual([
      { type: 'subscribed', task_id: 'T1', message: 'Successfully subscribed to task T1' },
      { type: 'unsubscribed', task_id: 'T1', message: 'Successfully unsubscribed from task T1' },
    ]);
    expect(await dial(`ws://127.0.0.1:${double.port}/ws/x`)).toEqual({ ok: false, status: 403 });
  });

  it('answers bad frames with its error envelopes and stays open', async () => {
    const c = await client();
    c.send({ type: 'ping' });
    c.send({ type: 'dance', task_id: 'x' });
    c.send('not json');
    c.send('[1]');
    await waitFor(() => c.texts.length === 4);
    expect(c.messages).toEqual([
      { type: 'error', error: 'Invalid message format. Required: type, task_id' },
      { type: 'error', error: 'Unknown message type: dance' },
      { type: 'error', error: 'Invalid JSON format' },
      { type: 'error', error: "Internal error: 'list' object has no attribute 'get'" },
    ]);
    expect(c.closed).toBeNull();
  });

  it('pushes Redis updates to subscribers with defaults filled and extras dropped', async () => {
    const c = await client();
    c.send({ type: 'subscribe', task_id: 'T2' });
    await c.next((m) => m.type === 'subscribed');
    await publisher.publish('task_status_updates', JSON.stringify({ status: 'processing' }));
    await publisher.publish(
      'task_status_updates',
      JSON.stringify({ task_id: 'other', status: 'processing' }),
    );
    await publisher.publish(
      'task_status_updates',
      JSON.stringify({ task_id: 'T2', status: 'processing', extra: 1 }),
    );
    const update = await c.next((m) => m.type === 'status_update');
    expect(update).toEqual({
      type: 'status_update',
      task_id: 'T2',
      data: { status: 'processing', progress: 0, message: '' },
    });
    const stats = await (await fetch(`${double.httpUrl}/ws/stats`)).json();
    expect(stats).toMatchObject({
      total_subscriptions: 1,
      tasks_with_subscribers: 1,
      connections_per_task: { T2: 1 },
    });
    expect((await fetch(`${double.httpUrl}/health`)).status).toBe(500);
  });

  it('closes 1011 keepalive ping timeout without pongs', async () => {
    const c = await open(double.url, {}, false);
    clients.push(c);
    expect(await c.waitClosed()).toEqual({ code: 1011, reason: 'keepalive ping timeout' });
  });

  it('goes open but silent after a Redis restart (its listener never comes back)', async () => {
    const c = await client();
    c.send({ type: 'subscribe', task_id: 'T3' });
    await c.next((m) => m.type === 'subscribed');
    await redis.stop();
    await waitFor(() => !double.streamAlive);
    await redis.restart();
    await waitFor(() => publisher.isReady, { timeoutMs: 10_000 });
    await publisher.publish(
      'task_status_updates',
      JSON.stringify({ task_id: 'T3', status: 'completed', progress: 100 }),
    );
    await sleep(200);
    expect(c.closed).toBeNull();
    expect(c.messages.filter((m) => (m as { type: string }).type === 'status_update')).toHaveLength(
      0,
    );
    // Its Redis shows it: nobody listens on the channel any more.
    expect(await publisher.pubSubNumSub(['task_status_updates'])).toEqual({
      task_status_updates: 0,
    });
    // Acks still come: an ack is no proof of delivery.
    c.send({ type: 'subscribe', task_id: 'T4' });
    await c.next((m) => m.type === 'subscribed' && m.task_id === 'T4');
    await double.restart();
    expect(double.streamAlive).toBe(true);
    expect(await publisher.pubSubNumSub(['task_status_updates'])).toEqual({
      task_status_updates: 1,
    });
  });
});
