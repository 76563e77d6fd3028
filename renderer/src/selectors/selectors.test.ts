import { describe, expect, it } from 'vitest';
import type { NotificationItem } from '../../../shared/model/app-state';
import { demoInitialState } from '../dev/demo-data';
import { byEndpoint } from '../store/connections-slice';
import { EMPTY_FILTER } from '../store/notifications-slice';
import { parseRoute, formatRoute } from '../store/routes';
import {
  connectionBanners,
  connectionSummary,
  healthRow,
  nextAttemptAt,
  outcomeCodes,
} from './connection-health';
import { formatDuration, formatRelative } from './format';
import { filterFrames, ALL_FRAMES } from './frame-filter';
import { isFresh, keyFields, statCards, statsEndpointOf, throughputSeries } from './live-selectors';
import { createFilteredSelector, filterNotifications } from './notification-filters';

const NOW = 1_800_000_000_000;
const initial = demoInitialState(NOW);
const connections = byEndpoint(initial.connections);
const health = byEndpoint(initial.health);

function item(id: string, over: Partial<NotificationItem>): NotificationItem {
  return {
    id,
    endpoint: 'demo',
    kind: 'alert',
    severity: 'info',
    title: id,
    body: '',
    at: NOW,
    read: false,
    ...over,
  };
}

describe('notification history filters', () => {
  const items = [
    item('1', {
      title: 'Redis unreachable',
      endpoint: 'sakura-prod',
      kind: 'site.status',
      severity: 'critical',
    }),
    item('2', {
      title: 'Task failed: import',
      kind: 'task.failed',
      severity: 'critical',
      read: true,
    }),
    item('3', {
      title: 'New business',
      body: 'Blue Harbor Café in Berlin',
      kind: 'business.created',
    }),
    item('4', { title: 'Queue depth above 500', severity: 'warning' }),
  ];

  it('filters by endpoint, kind and severity', () => {
    expect(
      filterNotifications(items, { ...EMPTY_FILTER, endpoint: 'sakura-prod' }).map((n) => n.id),
    ).toEqual(['1']);
    expect(
      filterNotifications(items, { ...EMPTY_FILTER, kind: 'task.failed' }).map((n) => n.id),
    ).toEqual(['2']);
    expect(
      filterNotifications(items, { ...EMPTY_FILTER, severity: 'critical' }).map((n) => n.id),
    ).toEqual(['1', '2']);
    expect(
      filterNotifications(items, { ...EMPTY_FILTER, severity: 'critical', unreadOnly: true }).map(
        (n) => n.id,
      ),
    ).toEqual(['1']);
  });

  it('searches title, body and endpoint case-insensitively, all words', () => {
    expect(
      filterNotifications(items, { ...EMPTY_FILTER, search: 'berlin harbor' }).map((n) => n.id),
    ).toEqual(['3']);
    expect(
      filterNotifications(items, { ...EMPTY_FILTER, search: 'SAKURA' }).map((n) => n.id),
    ).toEqual(['1']);
    expect(filterNotifications(items, { ...EMPTY_FILTER, search: 'nothing-like-this' })).toEqual(
      [],
    );
  });

  it('the memoised selector re-filters only when list or filter change', () => {
    const select = createFilteredSelector();
    const filter = { ...EMPTY_FILTER, severity: 'critical' as const };
    const a = select(items, filter);
    expect(select(items, filter)).toBe(a);
    expect(select([...items], filter)).not.toBe(a);
  });

  it('handles the full 5,000-item history', () => {
    const big = Array.from({ length: 5_000 }, (_, i) =>
      item(`n${i}`, { severity: i % 10 === 0 ? 'critical' : 'info', title: `Event ${i}` }),
    );
    expect(filterNotifications(big, { ...EMPTY_FILTER, severity: 'critical' })).toHaveLength(500);
    expect(
      filterNotifications(big, { ...EMPTY_FILTER, search: 'event 4999' }).map((n) => n.id),
    ).toEqual(['n4999']);
  });
});

describe('connection health', () => {
  it('summarises endpoints for the header pill, pointing at the worst', () => {
    const summary = connectionSummary(health, initial.endpoints);
    expect(summary.label).toBe('1 of 4 healthy · 1 unverified · 1 needs sign-in');
    expect(summary.tone).toBe('bad');
    expect(summary.focus).toBe('task-status');
    expect(connectionSummary({}, [])).toEqual({
      label: 'No endpoints',
      tone: 'muted',
      focus: null,
    });
  });

  it('never calls a deaf, degraded or unverified endpoint healthy, and points at the worst', () => {
    const open = health.demo!;
    const deaf = {
      ...open,
      endpoint: 'sakura-prod',
      delivery: { ...open.delivery, status: 'deaf' as const, detail: 'chat_updates has 0' },
    };
    const bundle = { demo: open, 'sakura-prod': deaf };
    const two = initial.endpoints.slice(0, 2);
    expect(connectionSummary(bundle, two)).toEqual({
      label: '1 of 2 healthy · 1 deaf',
      tone: 'bad',
      focus: 'sakura-prod',
    });
    expect(connectionSummary({ demo: open }, initial.endpoints.slice(0, 1)).label).toBe('Healthy');
    const banners = connectionBanners(bundle, two, NOW);
    expect(banners).toHaveLength(1);
    expect(banners[0]).toMatchObject({
      kind: 'deaf',
      tone: 'bad',
      title: 'Sakura production is deaf: the service lost its Redis subscription; restart it',
    });
  });

  it('offers sign-in only where there is one, and lists the causes of an ambiguous refusal', () => {
    const base = health['task-status']!;
    const noAuth = { ...base, endpoint: 'stats-stream' };
    const banners = connectionBanners({ 'stats-stream': noAuth }, initial.endpoints, NOW);
    expect(banners[0]).toMatchObject({ kind: 'auth-required', action: 'edit' });
    const ambiguous = {
      ...health['sakura-prod']!,
      causes: [
        { id: 'redis-down', likelihood: 'likely' as const, text: 'Redis is down.', evidence: 'e' },
        { id: 'wrong-path', likelihood: 'ruled-out' as const, text: 'Path.', evidence: 'e' },
      ],
    };
    const [b] = connectionBanners({ 'sakura-prod': ambiguous }, initial.endpoints, NOW);
    expect(b?.causes.map((c) => c.id)).toEqual(['redis-down']);
  });

  it('builds plain-words banners from pushed health: sign-in first, then reconnecting with countdown, then unverified', () => {
    const banners = connectionBanners(health, initial.endpoints, NOW);
    expect(banners.map((b) => b.kind)).toEqual(['auth-required', 'backing-off', 'stale']);
    const auth = banners[0]!;
    expect(auth.action).toBe('sign-in');
    expect(auth.title).toBe('Task status service: the server refused the sign-in');
    expect(auth.detail).toMatch(/Invalid credentials/);
    expect(auth.codes).toContain('HTTP 401');
    const backoff = banners[1]!;
    // The demo started a 12 s wait 3 s ago.
    expect(backoff.title).toBe('Sakura production: reconnecting in 9 s');
    expect(backoff.detail).toMatch(/dropped without a close frame/);
    expect(backoff.codes).toBe('close 1006 (Abnormal closure)');
    expect(banners[2]!.title).toMatch(/^Stats stream: connected but no data for/);
  });

  it('takes the next attempt time from the diagnostics while backing off', () => {
    const d = connections['sakura-prod']!;
    expect(nextAttemptAt(d)).toBe(NOW - 3_000 + 12_000);
    expect(nextAttemptAt(connections.demo!)).toBeNull();
  });

  it('health rows carry RTT percentiles and the last close code and handshake status with meanings', () => {
    const sakura = healthRow(connections['sakura-prod']!, 'Sakura production', NOW);
    expect(sakura.stateLabel).toBe('Reconnecting');
    expect(sakura.lastCloseCode).toBe(1006);
    expect(sakura.lastCloseMeaning).toMatch(/without a close frame/);
    expect(sakura.reconnects).toBe(7);
    const demo = healthRow(connections.demo!, 'Demo gateway', NOW);
    expect(demo.p50Ms).not.toBeNull();
    expect(demo.p95Ms!).toBeGreaterThanOrEqual(demo.p50Ms!);
    expect(demo.rttRecent.length).toBeGreaterThan(10);
    const tasks = healthRow(connections['task-status']!, 'Tasks', NOW);
    expect(tasks.lastHandshakeStatus).toBe(401);
    expect(tasks.lastOutcomeMeaning).toBe(
      'The server did not accept the credentials: sign in again.',
    );
    expect(outcomeCodes({ handshakeStatus: 403, meaning: 'x', action: 'stop' })).toMatch(
      /^HTTP 403/,
    );
  });

  it('health rows list each channel with its status, events and last event age', () => {
    const demo = healthRow(connections.demo!, 'Demo gateway', NOW);
    expect(demo.channels.map((c) => [c.name, c.status])).toEqual([
      ['dashboard', 'subscribed'],
      ['tasks', 'subscribed'],
      ['alerts', 'subscribed'],
    ]);
    expect(demo.channels[0]!.events).toBeGreaterThan(0);
    const tasks = healthRow(connections['task-status']!, 'Tasks', NOW);
    expect(
      tasks.channels.every(
        (c) => c.status === 'waiting for the connection' && c.lastEventAgeMs === null,
      ),
    ).toBe(true);
    // Channel rows follow the socket: acknowledged or refused, a channel of a connection that is
    // down is waiting; a refusal on an open one shows the server's words.
    const down = { ...connections.demo!, state: 'backing-off' as const };
    expect(healthRow(down, 'Demo', NOW).channels[0]!.status).toBe('waiting for the connection');
    const refused = {
      ...connections.demo!,
      channels: [
        { ...connections.demo!.channels[0]!, acknowledged: false, refused: 'forbidden: no' },
      ],
    };
    expect(healthRow(refused, 'Demo', NOW).channels[0]).toMatchObject({
      status: 'refused: forbidden: no',
      refused: true,
    });
  });
});

describe('what was not applied, and why', () => {
  it('channel rows count events not applied by reason, with the last reset and the resume point', () => {
    const demo = healthRow(connections.demo!, 'Demo gateway', NOW);
    const [dashboard, tasks] = demo.channels;
    expect(dashboard?.dropped).toMatchObject({
      total: 14,
      summary: '12 already delivered, 2 same origin',
    });
    expect(dashboard?.dropped?.details.join('\n')).toMatch(/replay overlapping/);
    expect(dashboard?.lastReset).toMatchObject({ label: 'History lost' });
    expect(dashboard?.resume).toMatch(/^resumes after #1,200 · epoch k3Jx9QzT$/);
    expect(tasks?.dropped).toBeNull();
    expect(tasks?.lastReset).toBeNull();
  });

  it('the frame log filter keeps frames whose events were not applied', () => {
    const row = { dir: 'in' as const, kind: 'text' as const, conn: 1, size: 1 };
    const frames = [
      { ...row, id: 1, at: 1, preview: 'a' },
      { ...row, id: 2, at: 2, preview: 'b', dropped: 'duplicate' },
      { ...row, id: 3, at: 3, preview: 'c', rejected: 'non-json' },
    ];
    const only = filterFrames(frames, { ...ALL_FRAMES, rejectedOnly: true }).frames;
    expect(only.map((f) => f.preview)).toEqual(['c', 'b']);
    expect(
      filterFrames(frames, { ...ALL_FRAMES, text: 'DUPLICATE' }).frames.map((f) => f.at),
    ).toEqual([2]);
  });
});

describe('live data selectors', () => {
  it('never defaults the stats view to an endpoint that is not configured', () => {
    const live = initial.app.endpoints;
    const ids = Object.keys(live);
    expect(ids.length).toBeGreaterThan(1);
    const [removed, kept] = ids;
    // The removed endpoint comes first in the model (the demo did), yet the view shows the other.
    expect(statsEndpointOf(live, null, [kept!])).toBe(kept);
    expect(statsEndpointOf(live, removed!, [kept!])).toBe(kept);
    expect(statsEndpointOf(live, kept!, ids)).toBe(kept);
    expect(statsEndpointOf(live, null, [])).toBeNull();
  });

  it('builds chart columns of the recent window and four stat cards', () => {
    const history = initial.app.endpoints.demo!.statsHistory;
    const [xs, rate, queue] = throughputSeries(history, 60_000);
    expect(xs.length).toBe(rate.length);
    expect(queue.length).toBe(xs.length);
    expect(xs.length).toBeLessThanOrEqual(61);
    expect(xs[xs.length - 1]).toBe(history[history.length - 1]!.at / 1_000);
    const cards = statCards(history[history.length - 1]!, history[0]!);
    expect(cards.map((c) => c.id)).toEqual(['throughput', 'queue', 'batches', 'progress']);
    expect(cards[3]!.percent).not.toBeNull();
    expect(statCards(null, null)).toEqual([]);
  });

  it('highlights fresh rows and hides secret-looking fields', () => {
    expect(isFresh(NOW - 1_000, NOW)).toBe(true);
    expect(isFresh(NOW - 10_000, NOW)).toBe(false);
    expect(keyFields({ city: 'Oslo', apiToken: 'x', n: 3, nested: { a: 1 } })).toEqual([
      ['city', 'Oslo'],
      ['n', '3'],
    ]);
  });
});

describe('routes and formatting', () => {
  it('parses links from app:navigate and hashes', () => {
    expect(parseRoute('businesses/17')).toEqual({ view: 'businesses', param: '17' });
    expect(parseRoute('#/tasks/abc')).toEqual({ view: 'tasks', param: 'abc' });
    expect(parseRoute('diagnostics')).toEqual({ view: 'diagnostics', param: null });
    expect(parseRoute('#/nope')).toEqual({ view: 'dashboard', param: null });
    expect(formatRoute({ view: 'tasks', param: 'demo:import 1' })).toBe(
      '#/tasks/demo%3Aimport%201',
    );
    expect(parseRoute(formatRoute({ view: 'tasks', param: 'demo:import 1' }))).toEqual({
      view: 'tasks',
      param: 'demo:import 1',
    });
  });

  it('formats relative times and durations', () => {
    expect(formatRelative(NOW - 500, NOW)).toBe('just now');
    expect(formatRelative(NOW - 12_000, NOW)).toBe('12 s ago');
    expect(formatRelative(NOW - 5 * 60_000, NOW)).toBe('5 min ago');
    expect(formatRelative(NOW + 4_000, NOW)).toBe('in 4 s');
    expect(formatDuration(840)).toBe('840 ms');
    expect(formatDuration(185_000)).toBe('3 min 5 s');
  });
});

describe('endpoint form', () => {
  it('shows schema errors on the right fields', async () => {
    const { emptyForm, validateForm } = await import('./endpoint-form');
    const errors = validateForm({
      ...emptyForm(),
      id: 'Prod Dashboard',
      name: 'Prod',
      urls: 'http://x',
      authMethod: 'password-jwt',
    });
    expect(errors.id?.[0]).toMatch(/lowercase letters/);
    expect(errors.urls?.join(' ')).toMatch(/ws:\/\//);
    expect(errors.username).toBeDefined();
    expect(errors.loginUrl).toBeDefined();
  });

  it('round-trips a stored config, keeping fields the form does not show', async () => {
    const { endpointFromForm, formFromEndpoint, validateForm } = await import('./endpoint-form');
    const stored = {
      id: 'prod',
      name: 'Production',
      dialect: 'lookout' as const,
      url: ['wss://a.example/ws', 'wss://b.example/ws'],
      auth: {
        method: 'password-jwt' as const,
        username: 'admin',
        credentialRef: 'prod-cred',
        loginUrl: 'https://a.example/auth/login',
      },
      subscriptions: ['dashboard'],
      headers: { Origin: 'https://a.example' },
    };
    const form = formFromEndpoint(stored);
    expect(form.urls).toBe('wss://a.example/ws\nwss://b.example/ws');
    expect(validateForm(form)).toEqual({});
    const back = endpointFromForm({ ...form, subscriptions: 'dashboard, tasks' });
    expect(back.headers).toEqual({ Origin: 'https://a.example' });
    expect(back.subscriptions).toEqual(['dashboard', 'tasks']);
    expect(back.auth).toMatchObject({ credentialRef: 'prod-cred', username: 'admin' });
  });

  it('edits the Redis deafness probe where the backend has one, never with a password in the URL', async () => {
    const { emptyForm, endpointFromForm, formFromEndpoint, validateForm } =
      await import('./endpoint-form');
    const form = {
      ...emptyForm(),
      id: 'chat',
      name: 'Chat',
      dialect: 'sakura' as const,
      urls: 'ws://chat.internal:8001/ws/dashboard',
      redisUrl: 'redis://redis.internal:6379/0',
      redisSecret: 'typed-password',
    };
    expect(validateForm(form)).toEqual({});
    const config = endpointFromForm(form);
    // The password goes to main on its own; the config names where it is stored.
    expect(config.redisProbe).toEqual({
      url: 'redis://redis.internal:6379/0',
      credentialRef: 'chat-redis',
    });
    expect(JSON.stringify(config)).not.toContain('typed-password');
    expect(formFromEndpoint(config).redisUrl).toBe('redis://redis.internal:6379/0');
    // Emptying the field removes the probe; a password in the URL is refused with the fix.
    expect(
      endpointFromForm({ ...formFromEndpoint(config), redisUrl: '' }).redisProbe,
    ).toBeUndefined();
    expect(
      validateForm({ ...form, redisUrl: 'redis://:pw@redis.internal:6379' }).redisUrl?.[0],
    ).toMatch(/credential store/);
    // Backends without a Redis listener to count are not offered one.
    expect(endpointFromForm({ ...form, dialect: 'task-events' }).redisProbe).toBeUndefined();
  });
});
