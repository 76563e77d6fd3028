import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventKey } from '../../../shared/model/event-identity';
import type { LiveEvent } from '../../../shared/model/live-event';
import { systemClock } from '../kernel/ports';
import { openAppState } from './app-state-file';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lookout-appstate-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const event = (i: number): LiveEvent => ({
  id: `n${i}`,
  endpoint: 'admin',
  channel: 'notifications',
  kind: 'notification',
  severity: 'info',
  title: `Notice ${i}`,
  body: '',
  serverTime: null,
  receivedAt: i,
  data: {},
});

describe('openAppState', () => {
  it('restores the bell (with read state) after a restart', async () => {
    const path = join(dir, 'state.json');
    const first = await openAppState({ path, clock: systemClock, debounceMs: 10_000 });
    expect(first.notice).toBeNull();
    first.store.apply([event(1), event(2), event(3)]);
    first.store.markRead(eventKey(event(2)));
    await first.close();

    const second = await openAppState({ path, clock: systemClock });
    expect(second.store.snapshot()).toEqual(first.store.snapshot());
    expect(second.store.snapshot().unread).toBe(2);
    // Replays of restored events are recognised after the restart too.
    expect(second.store.apply([event(3)])).toBeNull();
    await second.close();
  });

  it('starts fresh with a notice when the saved model is damaged', async () => {
    const path = join(dir, 'state.json');
    await writeFile(
      path,
      '{"app":"lookout","kind":"state","version":1,"data":{"notifications":7}}',
    );
    const opened = await openAppState({ path, clock: systemClock });
    expect(opened.notice).toMatch(
      /does not match the expected shape.*moved to .*state\.json\.corrupt-/,
    );
    expect(opened.store.snapshot().notifications).toEqual([]);
    await opened.close();
  });
});
