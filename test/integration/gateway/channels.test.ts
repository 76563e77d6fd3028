import { afterEach, describe, expect, it } from 'vitest';
import { MemoryEventLog } from '../../../gateway/src/index';
import { Fixtures } from '../../support/gateway-fixtures';
import { connect } from '../../support/ws-test-client';

const fx = new Fixtures();
afterEach(() => fx.cleanup());

const admin = { sub: 'admin@lookout.local', role: 'super_admin' } as const;
const support = { sub: 'support@lookout.local', role: 'support' } as const;
const user = { sub: 'u42', role: 'user' } as const;

describe('channels and rights', () => {
  it('acks allowed subscriptions, answers forbidden ones with an error frame and keeps the socket', async () => {
    const { gateway, address } = await fx.gateway();
    const sup = fx.track(await connect(address.wsUrl, (await gateway.issueTokens(support)).access));
    expect(await sup.subscribe('stats')).toMatchObject({
      type: 'subscribed',
      channel: 'stats',
      head: 0,
    });
    expect(await sup.subscribe('task:abc')).toMatchObject({ type: 'subscribed' });
    expect(await sup.subscribe('tasks:u42')).toMatchObject({ type: 'subscribed' });
    expect(await sup.subscribe('dashboard')).toMatchObject({
      type: 'error',
      code: 'forbidden',
      channel: 'dashboard',
    });
    expect(await sup.subscribe('notifications:admin@lookout.local')).toMatchObject({
      code: 'forbidden',
    });
    expect(await sup.subscribe('notifications:support@lookout.local')).toMatchObject({
      type: 'subscribed',
    });
    expect(await sup.subscribe('secret-channel')).toMatchObject({
      type: 'error',
      code: 'unknown-channel',
    });

    const u = fx.track(await connect(address.wsUrl, (await gateway.issueTokens(user)).access));
    expect(await u.subscribe('tasks:u42')).toMatchObject({ type: 'subscribed' });
    expect(await u.subscribe('tasks:u43')).toMatchObject({ code: 'forbidden' });
    expect(await u.subscribe('stats')).toMatchObject({ code: 'forbidden' });
    expect(await u.subscribe('task:abc')).toMatchObject({ code: 'forbidden' });

    const a = fx.track(await connect(address.wsUrl, (await gateway.issueTokens(admin)).access));
    expect(await a.subscribe('dashboard')).toMatchObject({ type: 'subscribed' });

    // Still connected and answering after the refusals.
    sup.send({ type: 'ping', t: 123 });
    expect(await sup.waitFrame((f) => f.type === 'pong')).toMatchObject({ t: 123 });
    expect(sup.closed).toBeNull();
    expect(gateway.metrics.counters.get('subscribe.forbidden')).toBe(5);
  });

  it('delivers published events with consecutive seqs and stable ids, and stops after unsubscribe', async () => {
    const { gateway, address } = await fx.gateway();
    const a = fx.track(await connect(address.wsUrl, (await gateway.issueTokens(admin)).access));
    await a.subscribe('dashboard');
    await gateway.publish('dashboard', {
      kind: 'business.created',
      title: 'New business',
      body: 'Acme',
      data: { id: 1 },
    });
    await gateway.publish('dashboard', {
      kind: 'business.updated',
      title: 'Updated',
      id: 'biz-1-v2',
      data: {},
    });
    await a.waitFrame((f) => f.type === 'event', 2);
    const events = a.of('event');
    expect(events.map((e) => e.seq)).toEqual([1, 2]);
    expect(events[0]).toMatchObject({
      channel: 'dashboard',
      id: 'dashboard:1',
      kind: 'business.created',
      severity: 'info',
      body: 'Acme',
    });
    expect(events[1]?.id).toBe('biz-1-v2');
    a.send({ type: 'unsubscribe', channel: 'dashboard' });
    await a.waitFrame((f) => f.type === 'unsubscribed');
    await gateway.publish('dashboard', { kind: 'alert', title: 'x' });
    a.send({ type: 'ping', t: 1 });
    await a.waitFrame((f) => f.type === 'pong');
    expect(a.of('event')).toHaveLength(2);
    a.send({ type: 'unsubscribe', channel: 'dashboard' });
    expect(await a.waitFrame((f) => f.type === 'error')).toMatchObject({ code: 'not-subscribed' });
  });

  it('replays what was missed after `since`, then continues live without duplicates', async () => {
    const { gateway, address } = await fx.gateway();
    for (let i = 1; i <= 5; i++)
      await gateway.publish('stats', { kind: 'stats.update', data: { n: i } });
    const a = fx.track(await connect(address.wsUrl, (await gateway.issueTokens(admin)).access));
    expect(await a.subscribe('stats', 2)).toMatchObject({
      type: 'subscribed',
      head: 5,
      replayed: 3,
    });
    await a.waitFrame((f) => f.type === 'event', 3);
    await gateway.publish('stats', { kind: 'stats.update', data: { n: 6 } });
    await a.waitFrame((f) => f.type === 'event', 4);
    expect(a.of('event').map((e) => e.seq)).toEqual([3, 4, 5, 6]);
    // Subscribing without since starts live at the head: no replay.
    const b = fx.track(await connect(address.wsUrl, (await gateway.issueTokens(admin)).access));
    expect(await b.subscribe('stats')).toMatchObject({ head: 6, replayed: 0 });
  });

  it('answers reset when the gap is older than what is kept, and when the cursor is ahead', async () => {
    const { gateway, address } = await fx.gateway({ retention: 3 });
    for (let i = 1; i <= 6; i++) await gateway.publish('dashboard', { kind: 'alert', data: { i } });
    const a = fx.track(await connect(address.wsUrl, (await gateway.issueTokens(admin)).access));
    await a.subscribe('dashboard', 1);
    expect(a.of('reset', 'dashboard')[0]).toMatchObject({ head: 6, reason: 'too-old' });
    expect(a.of('event')).toHaveLength(0);
    await gateway.publish('dashboard', { kind: 'alert' });
    expect(await a.waitFrame((f) => f.type === 'event')).toMatchObject({ seq: 7 });
    const b = fx.track(await connect(address.wsUrl, (await gateway.issueTokens(admin)).access));
    await b.subscribe('dashboard', 99);
    expect(b.of('reset')[0]).toMatchObject({ head: 7, reason: 'cursor-ahead' });
  });

  it('closes with 4012 on stop, and a new gateway on a shared log resumes losslessly', async () => {
    const log = new MemoryEventLog();
    const first = await fx.gateway({ eventLog: log });
    const a = fx.track(
      await connect(first.address.wsUrl, (await first.gateway.issueTokens(admin)).access),
    );
    await a.subscribe('dashboard');
    await first.gateway.publish('dashboard', { kind: 'alert', title: 'one' });
    await a.waitFrame((f) => f.type === 'event');
    await first.gateway.stop();
    expect((await a.waitClose()).code).toBe(4012);
    const second = await fx.gateway({ eventLog: log });
    await second.gateway.publish('dashboard', { kind: 'alert', title: 'two' });
    await second.gateway.publish('dashboard', { kind: 'alert', title: 'three' });
    const again = fx.track(
      await connect(second.address.wsUrl, (await second.gateway.issueTokens(admin)).access),
    );
    await again.subscribe('dashboard', 1);
    await again.waitFrame((f) => f.type === 'event', 2);
    expect(again.of('event').map((e) => e.title)).toEqual(['two', 'three']);
  });
});
