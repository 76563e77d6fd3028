import { createClient } from '@redis/client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sakuraDialect } from '../../../electron/core/dialects/sakura';
import { redisForTests } from '../../peers/redis-source';
import { type SakuraDouble, startSakuraDouble } from '../../peers/sakura-double';
import { waitFor } from '../../support/wait';
import { startSession } from './session-harness';

const prefix = `sakura-e2e-${process.pid}:`;
const cleanups: Array<() => Promise<void> | void> = [];
let redis: Awaited<ReturnType<typeof redisForTests>>;
let publisher: ReturnType<typeof createClient>;
let double: SakuraDouble;

beforeAll(async () => {
  redis = await redisForTests();
  publisher = createClient({ url: redis.url });
  await publisher.connect();
  double = await startSakuraDouble({
    redisUrl: redis.url,
    redisPrefix: prefix,
    chatSnapshotMs: 100,
    unreadSnapshotMs: 100,
  });
});
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});
afterAll(async () => {
  await double.stop();
  await publisher.close();
  await redis.stop();
});

const chat = (id: string) =>
  JSON.stringify({
    type: 'chat_updates',
    data: {
      type: 'chat_message_notification',
      chat_id: id,
      message_role: 'user',
      timestamp: '2026-11-22T21:54:17.536670',
    },
  });

describe('sakura end to end through the engine', () => {
  it('subscribes, receives chat messages and snapshots, and resubscribes after a server restart', async () => {
    const t = startSession(sakuraDialect, { url: double.url }, {}, cleanups);
    await waitFor(
      () => double.subscribers('chat_updates') === 1 && double.subscribers('website_status') === 1,
    );
    await publisher.publish(`${prefix}chat_updates`, chat('c-1'));
    await waitFor(() => t.events.find((e) => e.kind === 'chat.message'));
    await waitFor(() => t.kinds().includes('chat.snapshot') && t.kinds().includes('unread.counts'));
    const message = t.events.find((e) => e.kind === 'chat.message');
    expect(message).toMatchObject({
      endpoint: 'e2e',
      channel: 'chat_updates',
      data: { chatId: 'c-1' },
    });

    await double.restart();
    await waitFor(() => double.subscribers('chat_updates') === 1, { timeoutMs: 10_000 });
    expect(t.states.map((s) => s.to)).toContain('connecting');
    await publisher.publish(`${prefix}chat_updates`, chat('c-2'));
    await waitFor(() => t.events.find((e) => e.kind === 'chat.message' && e.data.chatId === 'c-2'));
    const d = t.session.diagnostics();
    expect(d.attempts.length).toBeGreaterThanOrEqual(2);
    expect(d.rejections).toEqual({});
  });
});
