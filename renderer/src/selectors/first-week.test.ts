import { describe, expect, it } from 'vitest';
import type { EndpointSummary } from '../../../shared/ipc/contract';
import type { StatsSample } from '../../../shared/model/live-event';
import type { EndpointHealth } from '../../../shared/model/health';
import { demoInitialState } from '../dev/demo-data';
import {
  applyFormChange,
  emptyForm,
  idFromName,
  suggestedLoginUrl,
  validateForm,
  type EndpointForm,
} from './endpoint-form';
import { inboxCards, sampleGaps, throughputSeries } from './live-selectors';
import { welcomeSituation } from './welcome';

const NOW = 1_800_000_000_000;
const sample = (at: number, mps: number): StatsSample => ({
  ...demoInitialState(NOW).app.endpoints.demo!.statsHistory[0]!,
  at,
  messagesPerSecond: mps,
  queueDepth: mps * 2,
});

describe('the throughput series builder', () => {
  it('puts a null point in a gap (the app was not running), so the chart breaks the line', () => {
    // Every 0.5 s, then nothing for 8 minutes (Lookout was closed), then every 0.5 s again.
    const before = [0, 500, 1_000, 1_500].map((d) => sample(NOW + d, 10 + d / 500));
    const after = [0, 500, 1_000].map((d) => sample(NOW + 481_500 + d, 20));
    const [xs, rate, queue] = throughputSeries([...before, ...after], 10 * 60_000);
    expect(xs).toHaveLength(8);
    expect(rate).toEqual([10, 11, 12, 13, null, 20, 20, 20]);
    expect(queue[4]).toBeNull();
    // The null sits inside the gap: x ascending, as uPlot needs.
    expect([...xs].sort((a, b) => a - b)).toEqual(xs);
    expect(xs[4]).toBeGreaterThan((NOW + 1_500) / 1_000);
    expect(xs[4]).toBeLessThan((NOW + 481_500) / 1_000);
    expect(sampleGaps([...before, ...after].map((s) => s.at))).toEqual([
      { from: NOW + 1_500, to: NOW + 481_500 },
    ]);
  });

  it('joins samples at their usual pace, however slow, and leaves a short hiccup joined', () => {
    // A backend that reports every 10 s: its spacing is not a gap; a 4 s hiccup in 0.5 s samples neither.
    const slow = [0, 10_000, 20_000, 30_000].map((d) => sample(NOW + d, 1));
    expect(sampleGaps(slow.map((s) => s.at))).toEqual([]);
    expect(throughputSeries(slow)[1]).not.toContain(null);
    const hiccup = [0, 500, 1_000, 5_000, 5_500].map((d) => NOW + d);
    expect(sampleGaps(hiccup)).toEqual([]);
    expect(throughputSeries([])).toEqual([[], [], []]);
  });
});

describe('inbox cards (sakura unread counts)', () => {
  it('makes one card per inbox, the unified inbox first, with readable labels', () => {
    expect(
      inboxCards({ 'agent-inbox-active': 2, 'unified-inbox': 7, agent_inbox_closed: 0 }),
    ).toEqual([
      { key: 'unified-inbox', label: 'Unified inbox', count: 7 },
      { key: 'agent-inbox-active', label: 'Agent inbox active', count: 2 },
      { key: 'agent_inbox_closed', label: 'Agent inbox closed', count: 0 },
    ]);
    expect(inboxCards(null)).toEqual([]);
  });
});

describe('the welcome panel reads the model', () => {
  const summary = (id: string, over: Partial<EndpointSummary> = {}): EndpointSummary => ({
    id,
    name: id,
    dialect: 'lookout',
    url: 'ws://127.0.0.1:1/ws',
    enabled: true,
    auth: 'no authentication',
    authMethod: 'none',
    hasSecret: false,
    subscriptions: [],
    watchesTasks: true,
    watchedTasks: [],
    embedded: false,
    ...over,
  });
  const open = (id: string) =>
    ({ [id]: { state: 'open' } as EndpointHealth }) as Record<string, EndpointHealth>;

  it('tells configured backends (whatever their names) from the embedded demo and from none', () => {
    // A real backend whose name says "demo" is still the user's own; the embedded one is not.
    expect(welcomeSituation([summary('prod', { name: 'Demo of prod' })], open('prod'))).toEqual({
      kind: 'configured',
      count: 1,
      connected: 1,
    });
    expect(welcomeSituation([summary('a'), summary('b', { name: 'Sakura' })], open('b'))).toEqual({
      kind: 'configured',
      count: 2,
      connected: 1,
    });
    expect(
      welcomeSituation([summary('demo', { name: 'Sample data', embedded: true })], open('demo')),
    ).toEqual({ kind: 'demo', name: 'Sample data', connected: true });
    expect(welcomeSituation([], {})).toEqual({ kind: 'none' });
  });
});

describe('adding an endpoint without friction', () => {
  const form = (over: Partial<EndpointForm>): EndpointForm => ({ ...emptyForm(), ...over });
  const all = (errors: ReturnType<typeof validateForm>) => Object.values(errors).flat().join(' | ');

  it('derives the id from the name until the user types one, and suggests our gateway’s sign-in URL', () => {
    expect(idFromName('Production dashboard (EU)')).toBe('production-dashboard-eu');
    expect(idFromName('  Café — Nord  ')).toBe('cafe-nord');
    const auto = { id: true, loginUrl: true };
    let f = applyFormChange(emptyForm(), { name: 'Prod gateway' }, auto);
    expect(f.id).toBe('prod-gateway');
    f = applyFormChange(f, { authMethod: 'password-jwt' }, auto);
    f = applyFormChange(f, { urls: 'wss://gw.example.com:8443/ws' }, auto);
    expect(f.loginUrl).toBe('https://gw.example.com:8443/auth/login');
    expect(suggestedLoginUrl('lookout', 'ws://127.0.0.1:8765/ws')).toBe(
      'http://127.0.0.1:8765/auth/login',
    );
    // Not our gateway, or not a URL yet: no guess.
    expect(suggestedLoginUrl('django-channels', 'ws://h:8000/ws/dashboard/')).toBe('');
    expect(suggestedLoginUrl('lookout', 'ws://exa mple/ws')).toBe('');
    // Once typed by the user, neither follows any more.
    const typed = applyFormChange(f, { name: 'Other' }, { id: false, loginUrl: false });
    expect(typed.id).toBe('prod-gateway');
    expect(
      applyFormChange(typed, { urls: 'ws://x:1/ws' }, { id: false, loginUrl: false }).loginUrl,
    ).toBe('https://gw.example.com:8443/auth/login');
  });

  it('puts errors in words next to the right field, never a raw schema message', () => {
    const errors = validateForm(
      form({
        name: 'Prod',
        id: '',
        urls: 'ws://h:1/ws',
        authMethod: 'password-jwt',
        loginUrl: 'http://h:1/auth/login',
      }),
    );
    expect(errors.id?.join(' ')).toMatch(/lowercase letters, digits and dashes/);
    expect(errors.authMethod).toBeUndefined();
    expect(errors.username).toEqual(['enter the user name to sign in with']);
    expect(all(errors)).not.toMatch(/Too small|expected string|Invalid input/);
    expect(all(validateForm(form({})))).not.toMatch(/Too small|expected string|Invalid input/);
  });

  it('refuses URLs with spaces and explains ports out of range', () => {
    const base = { name: 'Gw', id: 'gw' };
    expect(validateForm(form({ ...base, urls: 'ws://exa mple/ws' })).urls).toEqual([
      'must not contain spaces (remove them, or write %20 in a path)',
    ]);
    expect(validateForm(form({ ...base, urls: 'ws://gw.example:99999/ws' })).urls).toEqual([
      'has port 99999, which does not exist: ports go from 1 to 65535',
    ]);
    expect(validateForm(form({ ...base, urls: 'http://gw.example/ws' })).urls).toEqual([
      'must start with ws:// or wss://',
    ]);
    expect(validateForm(form({ ...base, urls: 'ws://gw.example:8765/ws' }))).toEqual({});
  });
});
