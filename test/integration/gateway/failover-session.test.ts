import { createClient } from '@redis/client';
import { afterEach, describe, expect, it } from 'vitest';
import { Session } from '../../../electron/core/connection/session';
import { lookoutDialect } from '../../../electron/core/dialects/lookout';
import { endpointSchema } from '../../../shared/config/endpoint';
import type { LiveEvent } from '../../../shared/model/live-event';
import { useRedisServer } from '../../support/redis-server';
import { waitFor } from '../../support/wait';
import { Fixtures } from '../../support/gateway-fixtures';
import { connect } from '../../support/ws-test-client';

const fx = new Fixtures();
const redis = useRedisServer();
const sessions: Session[] = [];
afterEach(async () => {
  for (const s of sessions.splice(0)) await s.stop();
  await fx.cleanup();
});

const admin = { sub: 'admin@lookout.local', role: 'super_admin' } as const;

describe('Session fails over between instances on one Redis', () => {
  it('moves to the next URL when its instance goes away and resumes with no loss, no duplicate', async () => {
    const a = await fx.gateway({ redisUrl: redis.url });
    const b = await fx.gateway({ redisUrl: redis.url });
    const { access } = await a.gateway.issueTokens(admin);
    const session = new Session({
      endpoint: endpointSchema.parse({
        id: 'cluster',
        name: 'Cluster',
        dialect: 'lookout',
        url: [a.address.wsUrl, b.address.wsUrl],
        auth: { method: 'token', credentialRef: 'x' },
        subscriptions: ['dashboard', 'stats'],
        backoff: { minMs: 50, maxMs: 300, factor: 2, stableAfterMs: 10_000 },
      }),
      dialect: lookoutDialect,
      ports: {
        credentials: { getCredentials: async () => ({ token: access }) },
        random: () => 0.5,
      },
    });
    sessions.push(session);
    const received: LiveEvent[] = [];
    session.on('events', (events) => received.push(...events));
    session.start();
    await waitFor(() => (a.gateway.metrics.counters.get('frames.in.subscribe') ?? 0) >= 2, {
      what: 'subscriptions on A',
    });
    for (let i = 1; i <= 3; i++)
      await b.gateway.publish('dashboard', { kind: 'alert', title: `d${i}` });
    await b.gateway.publish('stats', { kind: 'stats.update', data: { totalMessages: 1 } });
    await waitFor(() => received.length === 4);

    await a.gateway.stop();
    for (let i = 4; i <= 6; i++)
      await b.gateway.publish('dashboard', { kind: 'alert', title: `d${i}` });
    await waitFor(() => (b.gateway.metrics.counters.get('frames.in.subscribe') ?? 0) >= 2, {
      timeoutMs: 10_000,
      what: 'failover to B',
    });
    await b.gateway.publish('dashboard', { kind: 'alert', title: 'd7' });
    await waitFor(() => received.filter((e) => e.channel === 'dashboard').length === 7, {
      timeoutMs: 10_000,
      what: 'all dashboard events',
    });
    const dashboard = received.filter((e) => e.channel === 'dashboard');
    expect(dashboard.map((e) => e.title)).toEqual(['d1', 'd2', 'd3', 'd4', 'd5', 'd6', 'd7']);
    expect(dashboard.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(received.filter((e) => e.channel === 'stats')).toHaveLength(1);
    expect(session.state).toBe('open');
  });
});

describe('bridges', () => {
  it('republishes the existing backends’ Redis pub/sub messages as Lookout events', async () => {
    const { gateway, address } = await fx.gateway({
      redisUrl: redis.url,
      bridges: { redisUrl: redis.url },
    });
    const c = fx.track(await connect(address.wsUrl, (await gateway.issueTokens(admin)).access));
    await c.subscribe('task:t-9');
    await c.subscribe('dashboard');
    await c.subscribe('stats');
    const pub = createClient({ url: redis.url });
    pub.on('error', () => undefined);
    await pub.connect();
    try {
      await pub.publish(
        'task_status_updates',
        JSON.stringify({ task_id: 't-9', status: 'processing', progress: 40, message: 'working' }),
      );
      await pub.publish('task_status_updates', 'not json');
      await pub.publish('task_status_updates', JSON.stringify({ status: 'completed' }));
      await pub.publish(
        'task_status_updates',
        JSON.stringify({ task_id: 't-9', status: 'completed', progress: 100 }),
      );
      await pub.publish(
        'chat_updates',
        JSON.stringify({ type: 'chat_updates', data: { chat_id: 'c1', message_role: 'user' } }),
      );
      await pub.publish(
        'batch_notifications',
        JSON.stringify({ type: 'persisted', batch_id: 'ab12cd34', batch_size: 50, ids: [1] }),
      );
      await pub.publish('batch_notifications', JSON.stringify({ type: 'other' }));
    } finally {
      pub.destroy();
    }
    await c.waitFrame((f) => f.type === 'event', 4);
    expect(
      c.of('event', 'task:t-9').map((e) => [e.kind, (e.data as { progress: number }).progress]),
    ).toEqual([
      ['task.progress', 40],
      ['task.completed', 100],
    ]);
    expect(c.of('event', 'dashboard')[0]).toMatchObject({
      kind: 'chat.message',
      data: { chat_id: 'c1' },
    });
    expect(c.of('event', 'stats')[0]).toMatchObject({
      kind: 'stats.batch',
      data: { batch_size: 50 },
    });
    await waitFor(() => gateway.metrics.counters.get('bridge.dropped.batch_notifications') === 1);
    expect(gateway.metrics.counters.get('bridge.dropped.task_status_updates')).toBe(2);
  });
});
