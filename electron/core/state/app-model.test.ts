import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyPatch,
  DEFAULT_LIMITS,
  emptySnapshot,
  type AppPatch,
  type AppSnapshot,
} from '../../../shared/model/app-state';
import { eventKey, occurrenceKey } from '../../../shared/model/event-identity';
import type { EventKind, LiveEvent } from '../../../shared/model/live-event';
import { ManualClock } from '../../../test/support/manual-clock';
import { AppModel, type DroppedEvent } from './app-model';
import { PatchBatcher } from './patch-batcher';
import { taskStatusDialect } from '../dialects/task-status';
import { testEndpoint } from '../../../test/support/endpoint';

let n = 0;
function ev(
  kind: EventKind,
  data: LiveEvent['data'] = {},
  over: Partial<LiveEvent> = {},
): LiveEvent {
  n += 1;
  return {
    id: `ev${n}`,
    endpoint: 'admin',
    channel: 'dashboard',
    kind,
    severity: 'info',
    title: `${kind} ${n}`,
    body: `body ${n}`,
    serverTime: null,
    receivedAt: 1_000 + n,
    data,
    ...over,
  };
}

describe('AppModel', () => {
  it('keeps the bell newest first with read/unread, and leaves telemetry out of it', () => {
    const store = new AppModel();
    const [a, b] = [ev('business.created'), ev('task.failed')];
    store.apply([a, b, ev('stats.update', { total_messages: 3 }), ev('task.progress')]);
    let s = store.snapshot();
    expect(s.notifications.map((x) => x.id)).toEqual([eventKey(b), eventKey(a)]);
    expect(s.notifications[0]?.channels).toEqual(['dashboard']);
    expect(s.unread).toBe(2);
    store.markRead(eventKey(a));
    expect(store.snapshot().unread).toBe(1);
    expect(store.markRead(eventKey(a))).toBeNull();
    store.markAllRead();
    s = store.snapshot();
    expect(s.unread).toBe(0);
    expect(s.notifications.every((x) => x.read)).toBe(true);
  });

  it('bounds the bell (5,000 by default) and ignores replays of the same event id', () => {
    const store = new AppModel();
    const events = Array.from({ length: 5_200 }, () => ev('notification'));
    store.apply(events);
    const s = store.snapshot();
    expect(s.notifications).toHaveLength(5_000);
    expect(s.notifications[0]?.id).toBe(eventKey(events[5_199]!));
    expect(s.unread).toBe(5_000);
    expect(store.apply(events.slice(-10))).toBeNull();
  });

  it('keeps bell ids unique when telemetry floods past its entries and they are replayed late', () => {
    const limits = { ...DEFAULT_LIMITS, notifications: 50 };
    const store = new AppModel({ limits, dedupeCapacity: 20 });
    const alerts = Array.from({ length: 50 }, () => ev('alert'));
    const copies = alerts.map((a) => ({
      ...a,
      origin: `o-${a.id}`,
      channel: 'c2',
      id: `x${a.id}`,
    }));
    store.apply(alerts);
    store.apply(copies.slice(0, 1));
    // Far more telemetry than the dedupe memory's own capacity, then every entry the bell holds
    // again (the first alert left it when the copy's entry came).
    store.apply(Array.from({ length: 500 }, () => ev('stats.update', { total_messages: 1 })));
    const dropped: DroppedEvent[] = [];
    expect(store.apply(alerts.slice(1), [], dropped)).toBeNull();
    expect(dropped.map((d) => d.reason)).toEqual(alerts.slice(1).map(() => 'duplicate'));
    const ids = store.snapshot().notifications.map((x) => x.id);
    expect(new Set(ids).size).toBe(50);
    expect(ids).toHaveLength(50);
    // Tasks past the list's limit are forgotten as the list forgets them.
    const few = new AppModel({ limits: { ...DEFAULT_LIMITS, tasks: 2 } });
    const task = (id: string, title?: string) =>
      ev('task.progress', { task_id: id, progress: 10, ...(title ? { title } : {}) });
    few.apply([task('a', 'Export A'), task('b'), task('c')]);
    few.apply([task('a')]);
    const a = few.snapshot().tasks.find((t) => t.taskId === 'a');
    expect(a?.named).toBeUndefined();
  });

  it('reports which events were new, remembering what a saved bell already holds', () => {
    const first = new AppModel();
    const [a, b, c] = [ev('business.created'), ev('notification'), ev('stats.update')];
    const accepted: LiveEvent[] = [];
    first.apply([a, b, a], accepted);
    expect(accepted).toEqual([a, b]);
    // Restarted on the saved model: its bell entries are replays, the stats event is new.
    const again = new AppModel({ initial: first.snapshot() });
    const second: LiveEvent[] = [];
    expect(again.apply([a, b], second)).toBeNull();
    again.apply([b, c], second);
    expect(second).toEqual([c]);
  });

  it('scopes identity: same ids on two endpoints, or in two epochs of one channel, are different events', () => {
    const store = new AppModel();
    const dropped: DroppedEvent[] = [];
    const same = { id: 'dashboard:1', seq: 1, channel: 'dashboard' };
    const a = ev('alert', {}, { ...same, endpoint: 'demo', epoch: 'E1' });
    const b = ev('alert', {}, { ...same, endpoint: 'prod', epoch: 'E1' });
    const restarted = ev('alert', {}, { ...same, endpoint: 'demo', epoch: 'E2' });
    const otherChannel = ev(
      'alert',
      {},
      { ...same, endpoint: 'demo', epoch: 'E1', channel: 'stats' },
    );
    const accepted: LiveEvent[] = [];
    store.apply([a, b, restarted, otherChannel, { ...a, receivedAt: 5 }], accepted, dropped);
    expect(accepted).toEqual([a, b, restarted, otherChannel]);
    expect(dropped).toEqual([
      { event: expect.objectContaining({ id: 'dashboard:1' }), reason: 'duplicate' },
    ]);
    expect(store.snapshot().notifications).toHaveLength(4);
    // Reservations too: one per endpoint even with the same server id.
    store.apply([
      ev('reservation.created', {}, { id: 'r1', endpoint: 'demo' }),
      ev('reservation.created', {}, { id: 'r1', endpoint: 'prod' }),
    ]);
    expect(
      store
        .snapshot()
        .reservations.map((r) => r.endpoint)
        .sort(),
    ).toEqual(['demo', 'prod']);
  });

  it('makes one entry of one occurrence sent on several channels, listing each channel', () => {
    const store = new AppModel();
    const alert = (channel: string, origin = 'o-1') =>
      ev('alert', {}, { channel, origin, endpoint: 'demo', severity: 'critical', epoch: channel });
    const accepted: LiveEvent[] = [];
    const dropped: DroppedEvent[] = [];
    const first = alert('dashboard');
    store.apply([first], accepted, dropped);
    const copy = alert('notifications:admin');
    store.apply([copy, copy], accepted, dropped);
    store.apply([alert('dashboard', 'o-2')], accepted, dropped);
    const s = store.snapshot();
    expect(s.notifications.map((n) => [n.id, n.channels])).toEqual([
      ['demo|*|o-2', ['dashboard']],
      [occurrenceKey(first), ['dashboard', 'notifications:admin']],
    ]);
    expect(s.unread).toBe(2);
    // Only the first copy goes on to the notification policy; the others are accounted for.
    expect(accepted.map((e) => e.origin)).toEqual(['o-1', 'o-2']);
    expect(dropped.map((d) => d.reason)).toEqual(['same-origin', 'duplicate']);
    // After a restart on the saved bell, a copy still joins its entry.
    const again = new AppModel({ initial: s });
    again.apply([alert('notifications:support')]);
    expect(again.snapshot().notifications[1]?.channels).toEqual([
      'dashboard',
      'notifications:admin',
      'notifications:support',
    ]);
  });

  it('forgets a lost incarnation, and drops a removed endpoint’s data but not its bell entries', () => {
    const store = new AppModel();
    const e = ev('stats.update', { total_messages: 1 }, { endpoint: 'demo', epoch: 'E1' });
    store.apply([e, ev('task.created', { task_id: 't1' }, { endpoint: 'demo' })]);
    store.apply([ev('business.created', { business: { id: 1, name: 'A' } }, { endpoint: 'demo' })]);
    store.apply([ev('business.created', { business: { id: 1, name: 'B' } }, { endpoint: 'prod' })]);
    expect(store.apply([e])).toBeNull();
    store.forgetIncarnation('demo', 'dashboard', 'E1');
    expect(store.apply([e])).not.toBeNull();
    store.removeEndpoint('demo');
    const s = store.snapshot();
    expect(Object.keys(s.endpoints)).toEqual([]);
    expect(s.tasks).toEqual([]);
    expect(s.businesses.map((b) => b.endpoint)).toEqual(['prod']);
    expect(s.notifications.filter((n) => n.endpoint === 'demo')).toHaveLength(2);
    expect(store.removeEndpoint('demo')).toBeNull();
  });

  it('marks the unfinished tasks of an endpoint whose server lost its history as unknown', () => {
    const store = new AppModel();
    store.apply([
      ev('task.progress', { task_id: 'a', progress: 40 }, { endpoint: 'gw', receivedAt: 10 }),
      ev('task.completed', { task_id: 'b' }, { endpoint: 'gw', receivedAt: 10 }),
      ev('task.progress', { task_id: 'c', progress: 10 }, { endpoint: 'other', receivedAt: 10 }),
      ev('task.progress', { task_id: 'd', progress: 10 }, { endpoint: 'gw', receivedAt: 50 }),
    ]);
    store.markTasksUnknown('gw', 20, 'gone');
    const status = (id: string) => store.snapshot().tasks.find((t) => t.taskId === id)?.status;
    expect([status('a'), status('b'), status('c'), status('d')]).toEqual([
      'unknown',
      'completed',
      'processing',
      'processing',
    ]);
    // Still running after all: its next event says so.
    store.apply([ev('task.progress', { task_id: 'a', progress: 60 }, { endpoint: 'gw' })]);
    expect(status('a')).toBe('processing');
    expect(store.markTasksUnknown('gw', 0, 'gone')).toBeNull();
  });

  it('keeps the latest version of each business, per endpoint, most recent first', () => {
    const store = new AppModel();
    store.apply([
      ev('business.created', { business: { id: 17, name: 'Acme' } }),
      ev('business.created', { business: { id: 18, name: 'Globex' } }),
      ev('business.created', { business: { id: 17, name: 'Other backend' } }, { endpoint: 'b' }),
    ]);
    store.apply([ev('business.updated', { business: { id: 17, name: 'Acme Ltd' } })]);
    const s = store.snapshot();
    expect(s.businesses.map((b) => [b.key, b.name, b.lastKind])).toEqual([
      ['admin:17', 'Acme Ltd', 'business.updated'],
      ['b:17', 'Other backend', 'business.created'],
      ['admin:18', 'Globex', 'business.created'],
    ]);
  });

  it('tracks tasks with status and progress, keeps their title, and removes deleted ones', () => {
    const store = new AppModel();
    store.apply([ev('task.created', { task_id: 't1', title: 'Import CSV' })]);
    store.apply([ev('task.progress', { task_id: 't1', status: 'processing', progress: 40 })]);
    let [task] = store.snapshot().tasks;
    expect(task).toMatchObject({
      taskId: 't1',
      title: 'Import CSV',
      status: 'processing',
      progress: 40,
    });
    store.apply([ev('task.completed', { task_id: 't1' })]);
    [task] = store.snapshot().tasks;
    expect(task).toMatchObject({ status: 'completed', progress: 100 });
    store.apply([ev('task.deleted', { task_id: 't1' })]);
    expect(store.snapshot().tasks).toEqual([]);
  });

  it('titles a nameless task (task-status) by its latest state, and a named one by its name', () => {
    const codec = taskStatusDialect.create(
      testEndpoint({ id: 'ts', dialect: 'task-status', url: 'ws://127.0.0.1:8001/ws' }),
    );
    const frame = (status: string, progress: number) =>
      codec.decode(
        JSON.stringify({ type: 'status_update', task_id: 'demo-999', data: { status, progress } }),
        2_000 + progress,
      ).events ?? [];
    const store = new AppModel();
    store.apply(frame('processing', 10));
    expect(store.snapshot().tasks[0]?.title).toBe('Task demo-999 processing (10%)');
    store.apply(frame('processing', 60));
    expect(store.snapshot().tasks[0]?.title).toBe('Task demo-999 processing (60%)');
    store.apply(frame('failed', 60));
    expect(store.snapshot().tasks[0]).toMatchObject({
      title: 'Task demo-999 failed',
      status: 'failed',
    });
    // A name carried once stays, whatever the later events' titles say.
    store.apply([ev('task.created', { task_id: 'n1', title: 'Nightly export' })]);
    store.apply([ev('task.completed', { task_id: 'n1' })]);
    expect(store.snapshot().tasks.find((t) => t.taskId === 'n1')?.title).toBe('Nightly export');
  });

  it('keeps the latest stats and a bounded history per endpoint, plus unread counts and site status', () => {
    const store = new AppModel({ limits: { ...emptySnapshot().limits, statsHistory: 3 } });
    for (let i = 1; i <= 5; i += 1) {
      store.apply([
        ev('stats.update', { total_messages: i, queue_depth: 2 * i }, { endpoint: 'stats' }),
      ]);
    }
    store.apply([
      ev('unread.counts', { counts: { 'unified-inbox': 4 } }, { endpoint: 'sakura' }),
      ev('site.status', { status: 'degraded' }, { endpoint: 'sakura', severity: 'warning' }),
    ]);
    const s = store.snapshot();
    expect(s.endpoints.stats?.stats?.totalMessages).toBe(5);
    expect(s.endpoints.stats?.statsHistory.map((x) => x.queueDepth)).toEqual([6, 8, 10]);
    expect(s.endpoints.sakura?.unreadCounts).toEqual({ 'unified-inbox': 4 });
    expect(s.endpoints.sakura?.siteStatus).toMatchObject({
      status: 'degraded',
      severity: 'warning',
    });
  });
});

describe('PatchBatcher', () => {
  it('turns a flood into at most one patch per interval', () => {
    const clock = new ManualClock();
    const sent: AppPatch[] = [];
    const store = new AppModel();
    const batcher = new PatchBatcher(clock, (p) => sent.push(p), 100);
    store.subscribe((p) => batcher.push(p));
    for (let i = 0; i < 1_000; i += 1) {
      store.apply([ev('business.created', { business: { id: i % 50, name: `B${i}` } })]);
      if (i % 10 === 0) clock.advance(5);
    }
    clock.advance(1_000);
    // 1,000 events over 500 ms of clock time: about one patch per 100 ms.
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.length).toBeLessThanOrEqual(6);
    const mirrored = sent.reduce(applyPatch, emptySnapshot());
    expect(mirrored).toEqual(store.snapshot());
    expect(sent.flatMap((p) => p.notificationsAdded ?? [])).toHaveLength(1_000);
  });

  it('folds a flood as it comes: one version of each business, no more of a list than a snapshot keeps', () => {
    const clock = new ManualClock();
    const limits = { ...DEFAULT_LIMITS, notifications: 40, reservations: 5, statsHistory: 6 };
    const store = new AppModel({ limits });
    const sent: AppPatch[] = [];
    let mirror = store.snapshot();
    const batcher = new PatchBatcher(
      clock,
      (p) => {
        sent.push(p);
        mirror = applyPatch(mirror, p);
      },
      100,
      store.limits,
    );
    store.subscribe((p) => batcher.push(p));
    // 3,000 events in one interval: businesses (20 of them, each changed many times), bell
    // entries, reservations and stats samples.
    for (let i = 0; i < 3_000; i += 1) {
      const kind = (['business.updated', 'reservation.created', 'stats.update'] as const)[i % 3]!;
      store.apply([
        ev(kind, { business: { id: i % 20, name: `B${i}` }, total_messages: i, counts: { x: i } }),
      ]);
    }
    batcher.flush();
    expect(sent).toHaveLength(1);
    const patch = sent[0]!;
    expect(patch.businessesUpserted).toHaveLength(20);
    // Each business as it was last.
    expect(patch.businessesUpserted?.at(-1)?.name).toBe('B2997');
    expect(patch.notificationsAdded).toHaveLength(40);
    expect(patch.reservationsAdded).toHaveLength(5);
    expect(patch.statsAdded?.admin).toHaveLength(6);
    expect(mirror).toEqual(store.snapshot());
  });

  it('keeps a renderer mirror identical to the store for any mix of events and reads (property)', () => {
    const kinds: EventKind[] = [
      'business.created',
      'business.updated',
      'task.created',
      'task.progress',
      'task.completed',
      'task.deleted',
      'stats.update',
      'notification',
      'reservation.created',
      'unread.counts',
    ];
    const step = fc.oneof(
      fc.record({
        op: fc.constant('event' as const),
        kind: fc.constantFrom(...kinds),
        id: fc.integer({ min: 0, max: 8 }),
        replay: fc.boolean(),
        endpoint: fc.constantFrom('admin', 'other'),
        origin: fc.option(fc.constantFrom('o1', 'o2'), { nil: undefined }),
      }),
      fc.record({
        op: fc.constant('remove' as const),
        endpoint: fc.constantFrom('admin', 'other'),
      }),
      fc.record({ op: fc.constant('read' as const), nth: fc.integer({ min: 0, max: 20 }) }),
      fc.record({ op: fc.constant('readAll' as const) }),
      fc.record({ op: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 150 }) }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 80 }), (steps) => {
        const clock = new ManualClock();
        const limits = {
          notifications: 7,
          businesses: 3,
          reservations: 2,
          tasks: 3,
          statsHistory: 4,
        };
        const store = new AppModel({ limits });
        let mirror: AppSnapshot = store.snapshot();
        const batcher = new PatchBatcher(clock, (p) => (mirror = applyPatch(mirror, p)), 100);
        // A batcher that trims its batch to the model's limits as it fills (as `ModelFeed`'s).
        let trimmedMirror: AppSnapshot = store.snapshot();
        const trimming = new PatchBatcher(
          clock,
          (p) => (trimmedMirror = applyPatch(trimmedMirror, p)),
          100,
          store.limits,
        );
        // Also every patch on its own, unmerged: the store folds merged patches lazily.
        let oneByOne: AppSnapshot = store.snapshot();
        store.subscribe((p) => {
          batcher.push(p);
          trimming.push(p);
          oneByOne = applyPatch(oneByOne, p);
        });
        const past: LiveEvent[] = [];
        for (const s of steps) {
          if (s.op === 'event') {
            const e =
              s.replay && past.length > 0
                ? past[s.id % past.length]!
                : ev(
                    s.kind,
                    {
                      task_id: `t${s.id}`,
                      business: { id: s.id, name: `B${s.id}` },
                      total_messages: s.id,
                      counts: { x: s.id },
                    },
                    {
                      endpoint: s.endpoint,
                      channel: `c${s.id % 3}`,
                      ...(s.origin ? { origin: s.origin } : {}),
                    },
                  );
            past.push(e);
            store.apply([e]);
          } else if (s.op === 'remove') {
            store.removeEndpoint(s.endpoint);
          } else if (s.op === 'read') {
            const target = store.snapshot().notifications[s.nth];
            if (target) store.markRead(target.id);
          } else if (s.op === 'readAll') store.markAllRead();
          else clock.advance(s.ms);
        }
        batcher.flush();
        trimming.flush();
        expect(mirror).toEqual(store.snapshot());
        expect(oneByOne).toEqual(store.snapshot());
        expect(trimmedMirror).toEqual(store.snapshot());
      }),
      { numRuns: 300 },
    );
  });
});
