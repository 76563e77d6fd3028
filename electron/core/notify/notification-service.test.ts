import { describe, expect, it } from 'vitest';
import { occurrenceKey } from '../../../shared/model/event-identity';
import type { LiveEvent } from '../../../shared/model/live-event';
import { ManualClock } from '../../../test/support/manual-clock';
import { NotificationService } from './notification-service';
import { NotifyPolicy, type PolicyContext } from './notify-policy';
import { MemoryNotifier } from './notifier.memory';

let n = 0;
const ev = (over: Partial<LiveEvent> = {}): LiveEvent => ({
  id: `s${++n}`,
  endpoint: 'admin',
  channel: 'dashboard',
  kind: 'business.created',
  severity: 'info',
  title: `Business ${n}`,
  body: '',
  serverTime: null,
  receivedAt: 0,
  data: {},
  ...over,
});

function setup() {
  const clock = new ManualClock(1_000_000);
  const notifier = new MemoryNotifier();
  const policy = new NotifyPolicy({ localMinutes: () => 12 * 60 });
  let context: PolicyContext = { focused: false };
  const clicked: string[] = [];
  const service = new NotificationService({
    policy,
    notifier,
    clock,
    context: () => context,
    onClick: (n) => clicked.push(n.id),
  });
  return {
    clock,
    notifier,
    policy,
    service,
    clicked,
    setContext: (c: PolicyContext) => (context = c),
  };
}

describe('NotificationService', () => {
  it('shows what the policy allows and releases the flood summary on its own timer', async () => {
    const { clock, notifier, service } = setup();
    await service.handle(Array.from({ length: 12 }, () => ev()));
    expect(notifier.shown).toHaveLength(4);
    expect(clock.pending).toBe(1);
    await clock.advanceAsync(60_000);
    expect(notifier.shown).toHaveLength(5);
    expect(notifier.shown[4]?.title).toBe('8 new businesses');
    expect(service.stats()).toMatchObject({ shown: 5, coalesced: 8, failed: 0 });
    service.dispose();
    expect(clock.pending).toBe(0);
  });

  it('records delivery failures in the trace and the counters, keeping the error text', async () => {
    const { notifier, policy, service } = setup();
    notifier.failWith = 'No desktop notification service is running';
    const e = ev();
    await service.handle([e]);
    expect(service.stats()).toMatchObject({ shown: 0, failed: 1 });
    expect(service.stats().lastFailure?.error).toBe('No desktop notification service is running');
    expect(policy.explain(occurrenceKey(e)).map((t) => t.step)).toEqual(['notify', 'failed']);
    service.dispose();
  });

  it('turns a notifier that throws into a recorded failure', async () => {
    const { policy, clock } = setup();
    const service = new NotificationService({
      policy,
      clock,
      context: () => ({ focused: false }),
      notifier: {
        name: 'broken',
        show: async () => {
          throw new Error('boom');
        },
      },
    });
    await service.handle([ev()]);
    expect(service.stats().failed).toBe(1);
    expect(service.stats().lastFailure?.error).toMatch(/broken threw: Error: boom/);
    service.dispose();
  });

  it('makes one digest of a replay after a reconnect, and passes clicks to the host', async () => {
    const { clock, notifier, service, clicked } = setup();
    service.reconnected('admin');
    await service.handle(Array.from({ length: 30 }, () => ev({ kind: 'task.failed' })));
    expect(notifier.shown).toHaveLength(0);
    await clock.advanceAsync(5_000);
    expect(notifier.shown.map((x) => [x.title, x.body])).toEqual([
      ['While you were away', '30 tasks failed'],
    ]);
    notifier.click(notifier.shown[0]!);
    expect(clicked).toEqual([notifier.shown[0]!.id]);
    service.dispose();
  });

  it('does not notify while the user looks at the same view', async () => {
    const { notifier, service, setContext } = setup();
    setContext({ focused: true, viewing: { endpoint: 'admin', kind: 'business.updated' } });

    await service.handle([ev()]);
    expect(notifier.shown).toHaveLength(0);
    expect(service.stats().suppressed).toBe(1);
    service.dispose();
  });

  it('says where every notification comes from and passes its buttons to the host', async () => {
    const clock = new ManualClock(1_000_000);
    const notifier = new MemoryNotifier();
    const acted: string[] = [];
    const service = new NotificationService({
      policy: new NotifyPolicy({ localMinutes: () => 12 * 60 }),
      notifier,
      clock,
      context: () => ({ focused: false }),
      sourceName: (id) => (id === 'admin' ? 'Reservations admin' : id),
      onAction: (n, action) => acted.push(`${n.id}:${action}`),
    });
    await service.handle([ev(), ev({ endpoint: 'chat', kind: 'alert', severity: 'critical' })]);
    expect(notifier.shown.map((x) => x.source)).toEqual(['Reservations admin', 'chat']);
    notifier.act(notifier.shown[0]!, 'mute-1h');
    expect(acted).toEqual([`${notifier.shown[0]!.id}:mute-1h`]);
    service.dispose();
  });

  it('announces host notices unless paused, and counts them against the budget', async () => {
    const { notifier, policy, service, clock } = setup();
    const notice = {
      id: 'incident:admin:1',
      title: 'Admin is down',
      body: 'Not connected for 2 min.',
      severity: 'warning' as const,
      endpoint: 'admin',
      groupKey: 'admin|incident',
      origin: 'incident' as const,
      eventIds: ['incident:admin:1'],
    };
    expect(await service.announce(notice)).toBe(true);
    policy.setPrefs({ ...policy.getPrefs(), pausedUntil: clock.now() + 60_000 });
    expect(await service.announce({ ...notice, id: 'incident:admin:2' })).toBe(false);
    expect(notifier.shown.map((x) => x.title)).toEqual(['Admin is down']);
    expect(policy.explain('incident:admin:2').map((t) => t.reason)).toEqual(['paused']);
    service.dispose();
  });
});
