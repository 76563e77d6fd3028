import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../test/support/manual-clock';
import type { OsNotification } from './notifier';
import { FallbackNotifier } from './notifier.fallback';
import { MemoryNotifier } from './notifier.memory';

const note = (id: string): OsNotification => ({
  id,
  title: id,
  body: '',
  severity: 'critical',
  endpoint: 'prod',
  groupKey: 'prod|alert',
  origin: 'alert',
  eventIds: [id],
});

function setup() {
  const preferred = new MemoryNotifier();
  const other = new MemoryNotifier();
  const clock = new ManualClock(0);
  const logged: string[] = [];
  const log = (m: string) => logged.push(m);
  const notifier = new FallbackNotifier(preferred, other, clock, {
    info: log,
    warn: log,
    error: log,
  });
  return { preferred, other, clock, logged, notifier };
}

describe('FallbackNotifier', () => {
  it('uses the preferred notifier while it works', async () => {
    const { preferred, other, notifier } = setup();
    expect(await notifier.show(note('a'))).toEqual({ ok: true });
    expect(preferred.shown.map((n) => n.id)).toEqual(['a']);
    expect(other.shown).toEqual([]);
  });

  it('a failure loses nothing: the other shows it, serves for a minute, then the preferred is tried again', async () => {
    const { preferred, other, clock, logged, notifier } = setup();
    preferred.failWith = 'No notification service on the session bus.';
    expect(await notifier.show(note('a'))).toEqual({ ok: true });
    expect(other.shown.map((n) => n.id)).toEqual(['a']);
    preferred.failWith = null;
    await notifier.show(note('b'));
    expect(other.shown.map((n) => n.id)).toEqual(['a', 'b']);
    expect(preferred.shown).toEqual([]);
    clock.advance(60_000);
    await notifier.show(note('c'));
    expect(preferred.shown.map((n) => n.id)).toEqual(['c']);
    expect(logged).toEqual([
      'notifications: the preferred notifier failed; using the other',
      'notifications: back on the preferred notifier',
    ]);
  });

  it('reports both reasons when neither can show it', async () => {
    const { preferred, other, notifier } = setup();
    preferred.failWith = 'no bus';
    other.failWith = 'not supported';
    expect(await notifier.show(note('a'))).toEqual({
      ok: false,
      error: 'no bus (memory: not supported)',
    });
  });

  it('hears clicks and buttons from both, until unsubscribed', () => {
    const { preferred, other, notifier } = setup();
    const heard: string[] = [];
    const offClick = notifier.onClick((n) => heard.push(`click ${n.id}`));
    const offAction = notifier.onAction((n, a) => heard.push(`${a} ${n.id}`));
    preferred.click(note('a'));
    other.click(note('b'));
    preferred.act(note('c'), 'mark-read');
    other.act(note('d'), 'mute-1h');
    offClick();
    offAction();
    preferred.click(note('e'));
    other.act(note('f'), 'mark-read');
    expect(heard).toEqual(['click a', 'click b', 'mark-read c', 'mute-1h d']);
  });
});
