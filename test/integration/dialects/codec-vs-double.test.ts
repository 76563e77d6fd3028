import { createClient } from '@redis/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DecodeResult, Dialect } from '../../../electron/core/dialects/dialect';
import { djangoChannelsDialect } from '../../../electron/core/dialects/django-channels';
import { sakuraDialect } from '../../../electron/core/dialects/sakura';
import { statsStreamDialect } from '../../../electron/core/dialects/stats-stream';
import { taskEventsDialect } from '../../../electron/core/dialects/task-events';
import { taskStatusDialect } from '../../../electron/core/dialects/task-status';
import {
  DJANGO_ADMIN,
  type DjangoDouble,
  createBusiness,
  startDjangoDouble,
} from '../../peers/django-double';
import { redisForTests } from '../../peers/redis-source';
import { type SakuraDouble, startSakuraDouble } from '../../peers/sakura-double';
import { type StatsStreamDouble, startStatsStreamDouble } from '../../peers/stats-stream-double';
import {
  type TaskEventsDouble,
  startTaskEventsDouble,
  taskCloudEvent,
} from '../../peers/task-events-double';
import { type TaskStatusDouble, startTaskStatusDouble } from '../../peers/task-status-double';
import { type TestClient, open } from '../../peers/ws-client';
import { waitFor } from '../../support/wait';
import { testEndpoint } from '../../support/endpoint';

// Every frame each double really sends, decoded by its codec over a plain ws client (no engine):
// nothing the real server sends may be rejected.
const prefix = `codec-int-${process.pid}:`;
let redis: Awaited<ReturnType<typeof redisForTests>>;
let publisher: ReturnType<typeof createClient>;
let sakura: SakuraDouble;
let stats: StatsStreamDouble;
let taskEvents: TaskEventsDouble;
let taskStatus: TaskStatusDouble;
let django: DjangoDouble;
const clients: TestClient[] = [];

beforeAll(async () => {
  redis = await redisForTests();
  publisher = createClient({ url: redis.url });
  await publisher.connect();
  sakura = await startSakuraDouble({
    redisUrl: redis.url,
    redisPrefix: prefix,
    chatSnapshotMs: 50,
    unreadSnapshotMs: 50,
  });
  stats = await startStatsStreamDouble({ redisUrl: redis.url, redisPrefix: prefix, tickMs: 50 });
  taskEvents = await startTaskEventsDouble();
  taskStatus = await startTaskStatusDouble({ redisUrl: redis.url, redisPrefix: prefix });
  django = await startDjangoDouble();
});
afterAll(async () => {
  for (const c of clients) c.close();
  await Promise.all([
    sakura.stop(),
    stats.stop(),
    taskEvents.stop(),
    taskStatus.stop(),
    django.stop(),
  ]);
  await publisher.close();
  await redis.stop();
});

function decodeAll(dialect: Dialect, url: string, texts: string[]): DecodeResult[] {
  const codec = dialect.create(testEndpoint({ dialect: dialect.id, url }));
  return texts.map((t) => codec.decode(t, Date.now()));
}

async function client(url: string, headers: Record<string, string> = {}): Promise<TestClient> {
  const c = await open(url, headers);
  clients.push(c);
  return c;
}

describe('codecs decode everything their doubles send', () => {
  it('sakura', async () => {
    const c = await client(sakura.url);
    for (const s of ['chat_updates', 'unread_counts', 'website_status'])
      c.send({ action: 'subscribe', subscription_type: s });
    c.send({ action: 'ping' });
    c.send({ type: 'ping' });
    await waitFor(
      () => c.messages.filter((m) => (m as { type: string }).type === 'subscribed').length === 3,
    );
    await publisher.publish(
      `${prefix}chat_updates`,
      '{"type":"chat_updates","data":{"type":"chat_message_notification","chat_id":"c","message_role":"user","timestamp":"2026-11-22T21:54:17.536670"}}',
    );
    await publisher.publish(
      `${prefix}website_status`,
      '{"type":"website_status","data":{"website":"w","status":"up"}}',
    );
    await waitFor(
      () =>
        c.texts.some((t) => t.includes('website_status","data')) &&
        c.texts.some((t) => t.includes('"users"')) &&
        c.texts.some((t) => t.includes('"counts"')),
    );
    const results = decodeAll(sakuraDialect, sakura.url, c.texts);
    expect(results.filter((r) => r.rejected)).toEqual([]);
    expect(results.find((r) => r.greeting)).toBeDefined();
    expect(results.find((r) => r.pong)).toBeDefined();
    expect(results.find((r) => r.serverError)?.serverError).toBe('Unknown action: None');
    const kinds = results.flatMap((r) => r.events ?? []).map((e) => e.kind);
    expect(new Set(kinds)).toEqual(
      new Set(['chat.message', 'site.status', 'chat.snapshot', 'unread.counts']),
    );
  });

  it('stats-stream', async () => {
    const c = await client(stats.url);
    await publisher.publish(
      `${prefix}batch_notifications`,
      JSON.stringify({
        type: 'persisted',
        batch_id: 'abcd1234',
        batch_size: 2,
        ids: [1, 2],
        timestamp: '2026-11-22T21:54:17.536670',
      }),
    );
    await waitFor(() => c.texts.some((t) => t.includes('batch_persisted')) && c.texts.length > 3);
    const results = decodeAll(statsStreamDialect, stats.url, c.texts);
    expect(results.filter((r) => r.rejected)).toEqual([]);
    expect(results.flatMap((r) => r.events ?? []).map((e) => e.kind)).toContain('stats.batch');
  });

  it('task-events', async () => {
    const c = await client(`${taskEvents.url}?user_id=u1`);
    await c.next((m) => m.type === 'connected');
    c.send({ type: 'ping' });
    await fetch(`${taskEvents.httpUrl}/task-updates`, {
      method: 'POST',
      body: taskCloudEvent({
        event_type: 'task.updated',
        user_id: 'u1',
        task_id: '9',
        title: 'T',
        timestamp: new Date().toISOString(),
      }),
    });
    await c.next((m) => m.type === 'task_update');
    await c.next((m) => m.type === 'pong');
    const results = decodeAll(taskEventsDialect, taskEvents.url, c.texts);
    expect(results.filter((r) => r.rejected)).toEqual([]);
    expect(results[0]?.greeting?.serverTime).toEqual(expect.any(Number));
  });

  it('task-status', async () => {
    const c = await client(taskStatus.url);
    c.send({ type: 'subscribe', task_id: 'T' });
    c.send('garbage');
    c.send('[1]');
    await c.next((m) => m.type === 'subscribed');
    await publisher.publish(
      `${prefix}task_status_updates`,
      JSON.stringify({ task_id: 'T', status: 'completed', progress: 100, message: 'done' }),
    );
    await c.next((m) => m.type === 'status_update');
    const results = decodeAll(taskStatusDialect, taskStatus.url, c.texts);
    expect(results.filter((r) => r.rejected)).toEqual([]);
    expect(results.filter((r) => r.serverError)).toHaveLength(2);
    expect(results.flatMap((r) => r.events ?? [])[0]?.kind).toBe('task.completed');
  });

  it('django-channels', async () => {
    const headers = {
      Origin: 'http://localhost',
      Cookie: `sessionid=${django.sessionFor(DJANGO_ADMIN.email)}`,
    };
    const c = await client(django.url, headers);
    await c.next((m) => m.type === 'connection_established');
    c.send({ type: 'ping' });
    const login = (await (
      await fetch(`${django.apiUrl}/api/auth/login/`, {
        method: 'POST',
        body: JSON.stringify({ email: DJANGO_ADMIN.email, password: DJANGO_ADMIN.password }),
      })
    ).json()) as { access: string };
    const id = await createBusiness(django.apiUrl, login.access, {
      name: 'Acme',
      subdomain: 'acme',
    });
    await fetch(`${django.apiUrl}/api/businesses/${id}/`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${login.access}` },
      body: '{"phone":"2"}',
    });
    await c.next((m) => m.type === 'business_updated');
    await c.next((m) => m.type === 'pong');
    const results = decodeAll(djangoChannelsDialect, django.url, c.texts);
    expect(results.filter((r) => r.rejected)).toEqual([]);
    expect(results.flatMap((r) => r.events ?? []).map((e) => e.title)).toEqual([
      'New business “Acme” created',
      'Business “Acme” updated',
    ]);
  });
});
