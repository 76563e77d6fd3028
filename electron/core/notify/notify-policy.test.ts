import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { occurrenceKey } from '../../../shared/model/event-identity';
import type { EventKind, LiveEvent, Severity } from '../../../shared/model/live-event';
import { notifyPrefsSchema, type NotifyPrefsInput } from '../../../shared/model/notify-prefs';
import { NotifyPolicy, type PolicyContext, type PolicyDecision } from './notify-policy';
import { pauseEnd } from '../../../shared/model/pause-presets';
import type { LocalMinutes } from './quiet-hours';
import { countPhrase, digestPhrase } from './summary-text';

const T0 = Date.UTC(2026, 10, 22, 12, 0, 0); // noon UTC
const utcMinutes: LocalMinutes = (ms) => {
  const d = new Date(ms);
  return d.getUTCHours() * 60 + d.getUTCMinutes();
};
const away: PolicyContext = { focused: false };

let seq = 0;
function ev(
  kind: EventKind,
  over: Partial<LiveEvent> = {},
  severity: Severity = 'info',
): LiveEvent {
  seq += 1;
  return {
    id: `e${seq}`,
    endpoint: 'admin',
    channel: 'dashboard',
    kind,
    severity,
    title: `${kind} #${seq}`,
    body: `body ${seq}`,
    serverTime: null,
    receivedAt: T0,
    data: {},
    link: kind.startsWith('business') ? `businesses/${seq}` : `tasks/${seq}`,
    ...over,
  };
}

function policy(prefs: NotifyPrefsInput = {}): NotifyPolicy {
  return new NotifyPolicy({ prefs: notifyPrefsSchema.parse(prefs), localMinutes: utcMinutes });
}

const kinds = (ds: PolicyDecision[]) => ds.map((d) => d.kind);
function notifications(ds: PolicyDecision[]) {
  return ds.flatMap((d) => (d.kind === 'notify' ? [d.notification] : []));
}
function reasons(ds: PolicyDecision[]) {
  return ds.map((d) => (d.kind === 'suppress' ? d.reason : d.kind));
}

describe('which events notify', () => {
  it('by default notifies only what needs a person; routine updates go to the bell silently', () => {
    const p = policy({ budget: { max: 100, windowMs: 60_000 } });
    const ds = p.decide(
      [
        ev('business.created'),
        ev('reservation.created'),
        ev('task.failed'),
        ev('notification'),
        ev('alert', {}, 'warning'),
        ev('alert', {}, 'critical'),
        ev('alert'),
        ev('business.updated'),
        ev('task.created'),
        ev('task.updated'),
        ev('chat.message'),
        ev('stats.update'),
        ev('task.progress'),
        ev('unread.counts'),
      ],
      away,
      T0,
    );
    expect(reasons(ds)).toEqual([
      ...Array<string>(6).fill('notify'),
      'below-min-severity',
      ...Array<string>(7).fill('kind-off'),
    ]);
  });

  it('notifies a completed task only when the user watches it', () => {
    const p = policy();
    const watched: PolicyContext = { focused: false, isWatched: (e) => e.channel === 'task:7' };
    const ds = p.decide(
      [ev('task.completed', { channel: 'task:7' }), ev('task.completed', { channel: 'tasks' })],
      watched,
      T0,
    );
    expect(reasons(ds)).toEqual(['notify', 'not-watched']);
  });

  it('applies per-endpoint mutes (also for a while), kind overrides and severity thresholds', () => {
    const p = policy({
      endpoints: {
        noisy: { muted: true },
        later: { mutedUntil: T0 + 60_000 },
        shop: { kinds: { 'business.updated': { notify: true, minSeverity: 'warning' } } },
      },
    });
    const ds = p.decide(
      [
        ev('business.created', { endpoint: 'noisy' }),
        ev('business.created', { endpoint: 'later' }),
        ev('business.updated', { endpoint: 'shop' }),
        ev('business.updated', { endpoint: 'shop' }, 'warning'),
        ev('business.updated', { endpoint: 'other' }),
      ],
      away,
      T0,
    );
    expect(reasons(ds)).toEqual([
      'endpoint-muted',
      'endpoint-muted',
      'below-min-severity',
      'notify',
      'kind-off',
    ]);
    expect(
      reasons(p.decide([ev('business.created', { endpoint: 'later' })], away, T0 + 60_000)),
    ).toEqual(['notify']);
  });

  it('carries title, body, severity, link, endpoint and group key into the notification', () => {
    const e = ev('business.created', {
      title: 'New business "Acme" created',
      body: 'acme.example',
    });
    const [n] = notifications(policy().decide([e], away, T0));
    expect(n).toEqual({
      id: occurrenceKey(e),
      title: 'New business "Acme" created',
      body: 'acme.example',
      severity: 'info',
      link: e.link,
      endpoint: 'admin',
      groupKey: 'admin|business.created',
      origin: 'business.created',
      eventIds: [occurrenceKey(e)],
    });
  });
});

describe('focus', () => {
  it('does not notify what the user is looking at in a focused window', () => {
    const p = policy();
    const viewingBusinesses: PolicyContext = {
      focused: true,
      viewing: { endpoint: 'admin', kind: 'business.created' },
    };
    const ds = p.decide(
      [ev('business.created'), ev('task.failed'), ev('business.created', { endpoint: 'other' })],
      viewingBusinesses,
      T0,
    );
    expect(reasons(ds)).toEqual(['viewing', 'notify', 'notify']);
  });

  it('matches a viewed link and its children, and ignores viewing when the window is not focused', () => {
    const p = policy();
    const e1 = ev('task.failed', { link: 'tasks/42' });
    const e2 = ev('task.failed', { link: 'tasks/43' });
    const e3 = ev('task.failed', { link: 'tasks/42' });
    const ctx: PolicyContext = { focused: true, viewing: { endpoint: 'admin', link: 'tasks/42' } };
    expect(reasons(p.decide([e1, e2], ctx, T0))).toEqual(['viewing', 'notify']);
    expect(reasons(p.decide([e3], { ...ctx, focused: false }, T0))).toEqual(['notify']);
    const onList = { focused: true, viewing: { endpoint: 'admin', link: 'tasks' } };
    expect(reasons(p.decide([ev('task.failed', { link: 'tasks/9' })], onList, T0))).toEqual([
      'viewing',
    ]);
  });
});

describe('the budget', () => {
  it('shows the first four of a burst in a minute, then one summary per endpoint when the window frees', () => {
    const p = policy();
    const burst = Array.from({ length: 37 }, () => ev('business.created'));
    const ds = p.decide(burst, away, T0);
    expect(kinds(ds).filter((k) => k === 'notify')).toHaveLength(4);
    expect(kinds(ds).filter((k) => k === 'coalesce')).toHaveLength(33);
    const last = ds[36];
    expect(last?.kind === 'coalesce' && last.pending).toBe(33);
    expect(p.nextDueAt()).toBe(T0 + 60_000);

    expect(p.tick(T0 + 59_999)).toEqual([]);
    const released = p.tick(T0 + 60_000);
    expect(released).toHaveLength(1);
    const [summary] = notifications(released);
    expect(summary?.title).toBe('33 new businesses');
    expect(summary?.body).toContain('and 30 more');
    expect(summary?.link).toBe('businesses');
    expect(summary?.groupKey).toBe('admin|summary');
    expect(summary?.eventIds).toEqual(burst.slice(4).map(occurrenceKey));
    expect(p.nextDueAt()).toBeNull();
  });

  it('is one budget across all endpoints and kinds, with a summary per endpoint', () => {
    const p = policy({ budget: { max: 2, windowMs: 10_000 } });
    const ds = p.decide(
      [
        ev('business.created', { endpoint: 'a' }),
        ev('reservation.created', { endpoint: 'b' }),
        ev('task.failed', { endpoint: 'a' }),
        ev('reservation.created', { endpoint: 'a', link: 'businesses/3' }),
        ev('business.created', { endpoint: 'b', title: 'Acme' }),
      ],
      away,
      T0,
    );
    expect(kinds(ds)).toEqual(['notify', 'notify', 'coalesce', 'coalesce', 'coalesce']);
    const released = notifications(p.tick(T0 + 10_000));
    // A summary of one is shown as the event itself.
    expect(released.map((n) => [n.endpoint, n.title])).toEqual([
      ['a', '1 task failed and 1 new reservation'],
      ['b', 'Acme'],
    ]);
    expect(released[0]?.link).toBe('notifications');
  });

  it('never holds critical events, even when the budget is used up', () => {
    const p = policy();
    p.decide(
      Array.from({ length: 8 }, () => ev('alert', {}, 'warning')),
      away,
      T0,
    );
    const critical = ev('alert', { title: 'Database down' }, 'critical');
    const [d] = p.decide([critical], away, T0 + 1);
    expect(d?.kind).toBe('notify');
    expect(d?.kind === 'notify' && d.notification.title).toBe('Database down');
  });

  it('shows a summary of one as the event itself', () => {
    const p = policy({ budget: { max: 1, windowMs: 5_000 } });
    const second = ev('task.failed', { title: 'Import failed' });
    p.decide([ev('task.failed'), second], away, T0);
    const [n] = notifications(p.tick(T0 + 5_000));
    expect(n?.title).toBe('Import failed');
  });

  it('never shows more than the budget plus one summary per endpoint in any window, and accounts for every event (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 20_000 }), fc.constantFrom('a', 'b', 'c')), {
          maxLength: 150,
        }),
        (arrivals) => {
          const p = policy();
          let now = T0;
          const shownAt: number[] = [];
          let accounted = 0;
          const release = (at: number) => {
            for (const d of p.tick(at)) {
              if (d.kind === 'notify') {
                shownAt.push(at);
                accounted += d.notification.eventIds.length;
              }
            }
          };
          for (const [gap, endpoint] of arrivals) {
            now += gap;
            release(now);
            const [d] = p.decide([ev('business.created', { endpoint })], away, now);
            if (d?.kind === 'notify') {
              shownAt.push(now);
              accounted += 1;
            }
          }
          release(now + 120_000);
          for (const t of shownAt) {
            expect(shownAt.filter((u) => u >= t && u < t + 60_000).length).toBeLessThanOrEqual(
              4 + 3,
            );
          }
          expect(accounted).toBe(arrivals.length);
          return true;
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('while you were away', () => {
  it('turns a replay after a reconnect into a single digest, leaving other endpoints alone', () => {
    const p = policy();
    p.beginDigest(T0, 'reconnect', 'admin');
    const replay = [
      ...Array.from({ length: 37 }, () => ev('business.created')),
      ...Array.from({ length: 12 }, () => ev('task.failed')),
    ];
    const ds = p.decide(replay, away, T0 + 100);
    expect(new Set(kinds(ds))).toEqual(new Set(['coalesce']));
    expect(kinds(p.decide([ev('task.failed', { endpoint: 'other' })], away, T0 + 100))).toEqual([
      'notify',
    ]);

    expect(p.tick(T0 + 4_999)).toEqual([]);
    const released = notifications(p.tick(T0 + 5_000));
    expect(released).toHaveLength(1);
    expect(released[0]?.title).toBe('While you were away');
    expect(released[0]?.body).toBe('37 new businesses and 12 tasks failed');
    expect(released[0]?.eventIds).toHaveLength(49);
    // After the window, events notify normally again.
    expect(kinds(p.decide([ev('task.failed')], away, T0 + 5_001))).toEqual(['notify']);
  });

  it('covers every endpoint after a wake, lets critical through, and shows nothing when nothing came', () => {
    const p = policy();
    p.beginDigest(T0, 'wake');
    const ds = p.decide(
      [
        ev('business.created', { endpoint: 'a' }),
        ev('task.failed', { endpoint: 'b' }),
        ev('alert', { endpoint: 'b' }, 'critical'),
      ],
      away,
      T0 + 10,
    );
    expect(kinds(ds)).toEqual(['coalesce', 'coalesce', 'notify']);
    const [digest] = notifications(p.tick(T0 + 5_000));
    expect(digest?.body).toBe('1 new business and 1 task failed');

    p.beginDigest(T0 + 6_000, 'wake');
    expect(p.tick(T0 + 20_000)).toEqual([]);
  });

  it('drops replayed duplicates instead of counting them twice', () => {
    const p = policy();
    const seen = [ev('business.created'), ev('business.created')];
    p.decide(seen, away, T0);
    p.beginDigest(T0 + 1_000, 'reconnect', 'admin');
    const ds = p.decide([...seen, ev('business.created')], away, T0 + 1_100);
    expect(reasons(ds)).toEqual(['duplicate', 'duplicate', 'coalesce']);
  });

  it('leaves dedupe to the caller when told the events are already deduplicated', () => {
    const p = new NotifyPolicy({
      prefs: notifyPrefsSchema.parse({}),
      localMinutes: utcMinutes,
      dedupe: false,
    });
    const e = ev('alert', {}, 'critical');
    expect(reasons(p.decide([e], away, T0))).toEqual(['notify']);
    // Given again, it is decided again: the caller (the model) is the one that filters replays.
    expect(reasons(p.decide([e], away, T0 + 1))).toEqual(['notify']);
  });
});

describe('quiet hours, pause and do-not-disturb', () => {
  const at = (h: number, m = 0) => Date.UTC(2026, 10, 22, h, m);
  const quiet = { quietHours: { enabled: true, start: '22:00', end: '07:00' } };

  it('is silent inside a window that wraps midnight and notifies outside it', () => {
    const p = policy(quiet);
    expect(reasons(p.decide([ev('task.failed')], away, at(23, 30)))).toEqual(['quiet-hours']);
    expect(reasons(p.decide([ev('task.failed')], away, at(3)))).toEqual(['quiet-hours']);
    expect(reasons(p.decide([ev('task.failed')], away, at(7)))).toEqual(['notify']);
    expect(reasons(p.decide([ev('task.failed')], away, at(21, 59)))).toEqual(['notify']);
  });

  it('lets critical through quiet hours, pause and DND by default; one setting keeps it quiet', () => {
    const paused = { ...quiet, pausedUntil: at(23, 30) };
    const dnd: PolicyContext = { focused: false, osDoNotDisturb: true };
    expect(
      reasons(policy(paused).decide([ev('alert', {}, 'critical'), ev('task.failed')], dnd, at(23))),
    ).toEqual(['notify', 'paused']);
    const strict = policy({ ...quiet, criticalBypassesQuiet: false });
    expect(reasons(strict.decide([ev('alert', {}, 'critical')], away, at(23)))).toEqual([
      'quiet-hours',
    ]);
  });

  it('pauses for a preset and says until when in local words, never raw UTC', () => {
    const p = policy({ pausedUntil: pauseEnd('1h', T0) });
    const [held] = p.decide([ev('task.failed')], away, T0 + 35 * 60_000);
    expect(held?.kind === 'suppress' && held.reason).toBe('paused');
    expect(held?.kind === 'suppress' && held.detail).toMatch(
      /paused until \d\d:\d\d \(in 25 min\)/,
    );
    expect(held?.kind === 'suppress' && held.detail).not.toMatch(/Z\b|T\d\d:/);
    expect(reasons(p.decide([ev('task.failed')], away, T0 + 60 * 60_000))).toEqual(['notify']);
  });

  it('respects the OS do-not-disturb state unless told not to', () => {
    const dnd: PolicyContext = { focused: false, osDoNotDisturb: true };
    expect(reasons(policy().decide([ev('task.failed')], dnd, T0))).toEqual(['os-do-not-disturb']);
    expect(
      reasons(policy({ respectOsDoNotDisturb: false }).decide([ev('task.failed')], dnd, T0)),
    ).toEqual(['notify']);
  });

  it('holds back a summary that comes due during quiet hours', () => {
    const p = policy({ quietHours: { enabled: true, start: '12:00', end: '13:00' } });
    p.decide(
      Array.from({ length: 7 }, () => ev('task.failed')),
      away,
      at(11, 59),
    );
    const [d] = p.tick(at(12, 0));
    expect(d?.kind === 'suppress' && d.reason).toBe('quiet-hours');
  });
});

describe('dedupe and trace', () => {
  it('notifies an event id once across reconnects and forgets the oldest ids when full', () => {
    const p = new NotifyPolicy({ dedupeCapacity: 3, localMinutes: utcMinutes });
    const a = ev('task.failed');
    expect(reasons(p.decide([a, a], away, T0))).toEqual(['notify', 'duplicate']);
    p.decide([ev('task.failed'), ev('task.failed'), ev('task.failed')], away, T0 + 70_000);
    expect(reasons(p.decide([a], away, T0 + 140_000))).toEqual(['notify']);
  });

  it('explains why an event did or did not notify, in a bounded ring', () => {
    const p = new NotifyPolicy({ traceCapacity: 50, localMinutes: utcMinutes });
    const burst = Array.from({ length: 8 }, () => ev('business.created'));
    p.decide(burst, away, T0);
    p.tick(T0 + 60_000);
    const last = burst[7]!;
    expect(p.explain(occurrenceKey(last)).map((e) => [e.step, e.reason])).toEqual([
      ['coalesce', 'budget'],
      ['summary', 'summary'],
    ]);
    expect(p.explain(occurrenceKey(burst[0]!))[0]?.detail).toMatch(/Within the budget/);
    p.decide(
      Array.from({ length: 100 }, () => ev('stats.update')),
      away,
      T0 + 20_000,
    );
    expect(p.trace.list()).toHaveLength(50);
    expect(p.explain(occurrenceKey(burst[0]!))).toEqual([]);
  });
});

describe('texts and preferences', () => {
  it('pluralises summary phrases', () => {
    expect(countPhrase('business.created', 1)).toBe('1 new business');
    expect(countPhrase('business.created', 37)).toBe('37 new businesses');
    expect(countPhrase('task.updated', 12)).toBe('12 tasks updated');
    expect(
      digestPhrase(
        new Map<EventKind, number>([
          ['alert', 1],
          ['task.updated', 12],
          ['business.created', 37],
        ]),
      ),
    ).toBe('37 new businesses, 12 tasks updated and 1 alert');
  });

  it('fills sensible defaults and rejects nonsense', () => {
    const prefs = notifyPrefsSchema.parse({});
    expect(prefs.kinds['stats.update'].notify).toBe(false);
    expect(prefs.kinds['business.created'].notify).toBe(true);
    expect(prefs.quietHours.enabled).toBe(false);
    expect(prefs.criticalBypassesQuiet).toBe(true);
    expect(prefs.budget).toEqual({ max: 4, windowMs: 60_000 });
    expect(prefs.incidents).toEqual({ enabled: true, afterMs: 120_000 });
    expect(notifyPrefsSchema.safeParse({ quietHours: { start: '25:00' } }).success).toBe(false);
    expect(notifyPrefsSchema.safeParse({ budget: { max: 0 } }).success).toBe(false);
  });
});
