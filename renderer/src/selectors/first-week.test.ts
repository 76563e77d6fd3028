import { describe, expect, it } from 'vitest';
import type { EndpointSummary } from '../../../shared/ipc/contract';
import type { StatsSample } from '../../../shared/model/live-event';
import type { EndpointHealth } from '../../../shared/model/health';
import { demoInitialState } from '../dev/demo-data';
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
