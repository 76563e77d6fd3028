import { describe, expect, it } from 'vitest';
import type { DropReason } from '../../../shared/model/connection';
import type { LiveEvent } from '../../../shared/model/live-event';
import { testEvent } from '../../../test/support/live-event';
import { ManualClock } from '../../../test/support/manual-clock';
import { IngestPipeline, type IngestModel } from './ingest-pipeline';

/** A model that accepts ids it has not seen and drops repeats, recording every call. */
class FakeModel implements IngestModel {
  readonly applied: string[][] = [];
  readonly calls: string[] = [];
  private readonly seen = new Set<string>();
  apply(
    events: readonly LiveEvent[],
    accepted?: LiveEvent[],
    dropped?: Array<{ event: LiveEvent; reason: DropReason }>,
  ) {
    this.applied.push(events.map((e) => e.id));
    for (const e of events) {
      if (this.seen.has(e.id)) dropped?.push({ event: e, reason: 'duplicate' });
      else {
        this.seen.add(e.id);
        accepted?.push(e);
      }
    }
    return null;
  }
  markTasksUnknown(endpoint: string) {
    this.calls.push(`tasks-unknown:${endpoint}`);
    return null;
  }
  forgetIncarnation(endpoint: string, channel: string, epoch: string) {
    this.calls.push(`forget:${endpoint}:${channel}:${epoch}`);
  }
}

function pipeline(options: { notify?: (fresh: LiveEvent[]) => Promise<void> } = {}) {
  const model = new FakeModel();
  const turns: Array<() => void> = [];
  const notified: string[][] = [];
  const droppedOn: string[] = [];
  const errors: string[] = [];
  const p = new IngestPipeline({
    model,
    isConfigured: (id) => id !== 'removed',
    noteDropped: (e, reason) => droppedOn.push(`${e.endpoint}:${e.id}:${reason}`),
    notify:
      options.notify ??
      (async (fresh) => {
        notified.push(fresh.map((e) => e.id));
      }),
    schedule: (task) => turns.push(task),
    clock: new ManualClock(1_000),
    logger: { info: () => {}, warn: () => {}, error: (m) => errors.push(m) },
  });
  const nextTurn = () => turns.splice(0).forEach((t) => t());
  return { p, model, turns, notified, droppedOn, errors, nextTurn };
}

describe('IngestPipeline', () => {
  it('applies everything that arrived in one turn together, once', () => {
    const t = pipeline();
    t.p.ingest([testEvent('a', '1')]);
    t.p.ingest([testEvent('a', '2'), testEvent('b', '3')]);
    expect(t.turns).toHaveLength(1);
    expect(t.model.applied).toEqual([]);
    t.nextTurn();
    expect(t.model.applied).toEqual([['1', '2', '3']]);
    expect(t.notified).toEqual([['1', '2', '3']]);
  });

  it('drops events of removed endpoints, notes what the model refused, notifies only the fresh', () => {
    const t = pipeline();
    t.p.ingest([testEvent('a', '1')]);
    t.nextTurn();
    t.p.ingest([testEvent('a', '1'), testEvent('removed', '9'), testEvent('a', '2')]);
    t.nextTurn();
    expect(t.model.applied[1]).toEqual(['1', '2']);
    expect(t.droppedOn).toEqual(['a:1:duplicate']);
    expect(t.notified).toEqual([['1'], ['2']]);
  });

  it('logs a failing notification pass and keeps going', async () => {
    const t = pipeline({ notify: () => Promise.reject(new Error('notifier gone')) });
    t.p.ingest([testEvent('a', '1')]);
    t.nextTurn();
    await Promise.resolve();
    await Promise.resolve();
    expect(t.errors).toEqual(['notification pipeline failed']);
    t.p.ingest([testEvent('a', '2')]);
    t.nextTurn();
    expect(t.model.applied).toEqual([['1'], ['2']]);
  });

  it('a history reset applies what came before it first, forgets the old incarnation and tells the user', () => {
    const t = pipeline();
    t.p.ingest([testEvent('a', 'before')]);
    t.p.historyReset({ id: 'a', name: 'Prod' }, [
      { channel: 'dashboard', cause: 'history-lost', leftEpoch: 'e1' },
    ]);
    expect(t.model.applied).toEqual([['before']]);
    expect(t.model.calls).toEqual(['tasks-unknown:a', 'forget:a:dashboard:e1']);
    t.nextTurn();
    expect(t.model.applied).toHaveLength(2);
    expect(t.model.applied[1]?.[0]).toMatch(/^history:history-lost:/);
  });

  it('a history too old to replay is told too, without forgetting anything', () => {
    const t = pipeline();
    t.p.historyReset({ id: 'a', name: 'Prod' }, [{ channel: 'dashboard', cause: 'too-old' }]);
    t.nextTurn();
    expect(t.model.calls).toEqual([]);
    expect(t.notified).toHaveLength(1);
  });
});
