import { createClient } from '@redis/client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sleep, waitFor } from '../../support/wait';
import { type SakuraDouble, startSakuraDouble } from '../../peers/sakura-double';
import { redisForTests } from '../../peers/redis-source';
import { type TestClient, dial, open } from '../../peers/ws-client';

const prefix = `sakura-conf-${process.pid}:`;
let redis: Awaited<ReturnType<typeof redisForTests>>;
let publisher: ReturnType<typeof createClient>;
let double: SakuraDouble;
const clients: TestClient[] = [];

beforeAll(async () => {
  redis = await redisForTests();
  publisher = createClient({ url: redis.url });
  await publisher.connect();
  double = await startSakuraDouble({
    redisUrl: redis.url,
    redisPrefix: prefix,
    chatSnapshotMs: 100,
    unreadSnapshotMs: 150,
    keepalive: { intervalMs: 100, timeoutMs: 100 },
  });
});
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});
afterAll(async () => {
  await double.stop();
  await publisher.close();
  await redis.stop();
});

async function client(path = '/ws/dashboard'): Promise<TestClient> {
  const c = await open(`ws://127.0.0.1:${double.port}${path}`);
  clients.push(c);
  return c;
}

describe('sakura double conforms to PROTOCOLS.md §1', () => {
  it('greets at once and refuses other paths with 403 (query ignored)', async () => {
    const c = await client('/ws/dashboard?token=ignored');
    const hello = await c.next((m) => m.type === 'connected');
    expect(hello).toMatchObject({ message: 'WebSocket connection established' });
    expect(hello.connection_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await dial(`ws://127.0.0.1:${double.port}/ws`)).toEqual({ ok: false, status: 403 });
  });

  it('speaks action, not type, with its exact replies and errors', async () => {
    const c = await client();
    c.send({ action: 'subscribe', subscription_type: 'anything' });
    c.send({ action: 'subscribe' });
    c.send({ action: 'ping' });
    c.send({ type: 'ping' });
    c.send({ action: 'unsubscribe', subscription_type: 'anything' });
    await c.next((m) => m.type === 'unsubscribed');
    const replies = c.messages.slice(1);
    expect(replies[0]).toEqual({ type: 'subscribed', subscription_type: 'anything' });
    expect(replies[1]).toEqual({ type: 'error', message: 'Unknown action: subscribe' });
    expect(replies[2]).toMatchObject({ type: 'pong' });
    expect((replies[2] as { timestamp: string }).timestamp).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/,
    );
    expect(replies[3]).toEqual({ type: 'error', message: 'Unknown action: None' });
    expect(replies[4]).toEqual({ type: 'unsubscribed', subscription_type: 'anything' });
  });

  it.each(['not json', '[1]'])('closes 1000 with an empty reason on %s', async (frame) => {
    const c = await client();
    await c.next((m) => m.type === 'connected');
    c.send(frame);
    expect(await c.waitClosed()).toEqual({ code: 1000, reason: '' });
    expect(c.messages).toHaveLength(1);
  });

  it('forwards Redis payloads verbatim to that subscription only', async () => {
    const chat = await client();
    const unread = await client();
    chat.send({ action: 'subscribe', subscription_type: 'chat_updates' });
    unread.send({ action: 'subscribe', subscription_type: 'unread_counts' });
    await chat.next((m) => m.type === 'subscribed');
    await unread.next((m) => m.type === 'subscribed');
    const payload =
      '{"type":"chat_updates","data":{"type":"chat_message_notification","chat_id":"c1","message_role":"user","timestamp":"2026-11-22T21:54:17.536670"}}';
    await publisher.publish(`${prefix}chat_updates`, payload);
    await waitFor(() => chat.texts.includes(payload));
    expect(unread.texts).not.toContain(payload);
  });

  it('drops a non-JSON Redis payload instead of forwarding it', async () => {
    const c = await client();
    c.send({ action: 'subscribe', subscription_type: 'website_status' });
    await c.next((m) => m.type === 'subscribed');
    await publisher.publish(`${prefix}website_status`, 'not json at all');
    await publisher.publish(`${prefix}website_status`, '{"status":"up"}');
    await waitFor(() => c.texts.includes('{"status":"up"}'));
    expect(c.texts).not.toContain('not json at all');
  });

  it('sends snapshots on timers only to subscribers and only while the database is up', async () => {
    const c = await client();
    c.send({ action: 'subscribe', subscription_type: 'chat_updates' });
    c.send({ action: 'subscribe', subscription_type: 'unread_counts' });
    const snap = await c.next((m) => m.type === 'chat_updates');
    expect((snap.data as { users: unknown[] }).users.length).toBe(2);
    const counts = await c.next((m) => m.type === 'unread_counts');
    expect(counts.data).toMatchObject({ counts: { 'unified-inbox': 3 } });
    double.setDatabaseUp(false);
    await sleep(200);
    const before = c.texts.length;
    await sleep(400);
    expect(c.texts.length).toBe(before);
    double.setDatabaseUp(true);
    const res = await fetch(`${double.httpUrl}/health`);
    expect(await res.json()).toEqual({ status: 'ok', mongo: 'healthy', redis: 'connected' });
  });

  it('pings like uvicorn and closes 1011 when no pong comes', async () => {
    const c = await open(double.url, {}, false);
    clients.push(c);
    expect(await c.waitClosed()).toEqual({ code: 1011, reason: 'keepalive ping timeout' });
    expect(c.pings).toBeGreaterThan(0);
  });
});
