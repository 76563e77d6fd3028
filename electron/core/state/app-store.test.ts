import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyPatch,
  emptySnapshot,
  type AppPatch,
  type AppSnapshot,
} from '../../../shared/model/app-state';
import type { EventKind, LiveEvent } from '../../../shared/model/live-event';
import { ManualClock } from '../../../test/support/manual-clock';
import { AppStore } from './app-store';
import { PatchBatcher } from './patch-batcher';

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

describe('AppStore', () => {
  it('keeps the bell newest first with read/unread, and leaves telemetry out of it', () => {
    const store = new AppStore();
    const [a, b] = [ev('business.created'), ev('task.failed')];
    store.apply([a, b, ev('stats.update', { total_messages: 3 }), ev('task.progress')]);
    let s = store.snapshot();
    expect(s.notifications.map((x) => x.id)).toEqual([b.id, a.id]);
    expect(s.unread).toBe(2);
    store.markRead(a.id);
    expect(store.snapshot().unread).toBe(1);
    expect(store.markRead(a.id)).toBeNull();
    store.markAllRead();
    s = store.snapshot();
    expect(s.unread).toBe(0);
    expect(s.notifications.every((x) => x.read)).toBe(true);
  });

  it('bounds the bell (5,000 by default) and ignores replays of the same event id', () => {
    const store = new AppStore();
    const events = Array.from({ length: 5_200 }, () => ev('notification'));
    store.apply(events);
    const s = store.snapshot();
    expect(s.notifications).toHaveLength(5_000);
    expect(s.notifications[0]?.id).toBe(events[5_199]?.id);
    expect(s.unread).toBe(5_000);
    expect(store.apply(events.slice(-10))).toBeNull();
  });

  it('reports which events were new, remembering what a saved bell already holds', () => {
    const first = new AppStore();
    const [a, b, c] = [ev('business.created'), ev('notification'), ev('stats.update')];
    const accepted: LiveEvent[] = [];
    first.apply([a, b, a], accepted);
    expect(accepted).toEqual([a, b]);
    // Restarted on the saved model: its bell entries are replays, the stats event is new.
    const again = new AppStore({ initial: first.snapshot() });
    const second: LiveEvent[] = [];
    expect(again.apply([a, b], second)).toBeNull();
    again.apply([b, c], second);
    expect(second).toEqual([c]);
  });

  it('keeps the latest version of each business, per endpoint, most recent first', () => {
    const store = new AppStore();
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
    const store = new AppStore();
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

  it('keeps the latest stats and a bounded history per endpoint, plus unread counts and site status', () => {
    const store = new AppStore({ limits: { ...emptySnapshot().limits, statsHistory: 3 } });
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
    const store = new AppStore();
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
        const store = new AppStore({ limits });
        let mirror: AppSnapshot = store.snapshot();
        const batcher = new PatchBatcher(clock, (p) => (mirror = applyPatch(mirror, p)), 100);
        // Also every patch on its own, unmerged: the store folds merged patches lazily.
        let oneByOne: AppSnapshot = store.snapshot();
        store.subscribe((p) => {
          batcher.push(p);
          oneByOne = applyPatch(oneByOne, p);
        });
        const past: LiveEvent[] = [];
        for (const s of steps) {
          if (s.op === 'event') {
            const e =
              s.replay && past.length > 0
                ? past[s.id % past.length]!
                : ev(s.kind, {
                    task_id: `t${s.id}`,
                    business: { id: s.id, name: `B${s.id}` },
                    total_messages: s.id,
                    counts: { x: s.id },
                  });
            past.push(e);
            store.apply([e]);
          } else if (s.op === 'read') {
            const target = store.snapshot().notifications[s.nth];
            if (target) store.markRead(target.id);
          } else if (s.op === 'readAll') store.markAllRead();
          else clock.advance(s.ms);
        }
        batcher.flush();
        expect(mirror).toEqual(store.snapshot());
        expect(oneByOne).toEqual(store.snapshot());
      }),
      { numRuns: 300 },
    );
  });
});
