import { describe, expect, it } from 'vitest';
import { createFakeBridge } from '../dev/fake-bridge';
import { traceLines } from '../selectors/notification-trace';
import { createAppStore } from './app-store';
import { bindBridge } from './bind-bridge';
import { manualScheduler } from './frame-scheduler';

describe('"Why?" for a notification', () => {
  it('asks main for the decision trace of that event and keeps it for the dialog', async () => {
    const bridge = createFakeBridge({ now: () => 1_000_000 });
    const store = createAppStore();
    store.setState({ bridge });
    const pending = store.getState().explain('business.created:abc');
    expect(store.getState().why).toMatchObject({
      eventId: 'business.created:abc',
      status: 'loading',
    });
    await pending;
    expect(bridge.invokes.at(-1)).toEqual({
      channel: 'notifications:trace',
      request: { eventId: 'business.created:abc' },
    });
    const why = store.getState().why;
    expect(why?.status).toBe('done');
    expect(traceLines(why?.entries ?? []).map((l) => [l.label, l.tone])).toEqual([
      ['Decided to notify', 'ok'],
      ['Delivered to the desktop', 'ok'],
    ]);
    await store.getState().explain(null);
    expect(store.getState().why).toBeNull();
  });

  it('says what went wrong when main cannot answer', async () => {
    const store = createAppStore();
    await store.getState().explain('x');
    expect(store.getState().why).toMatchObject({
      status: 'error',
      error: 'Not connected to Lookout.',
    });
  });

  it('orders trace lines oldest first and labels failures', () => {
    const lines = traceLines([
      {
        eventId: 'e',
        at: 20,
        endpoint: 'a',
        kind: 'alert',
        step: 'failed',
        reason: 'no-daemon',
        detail: 'No notification service.',
      },
      {
        eventId: 'e',
        at: 10,
        endpoint: 'a',
        kind: 'alert',
        step: 'notify',
        reason: 'critical',
        detail: 'Critical: shown at once.',
      },
    ]);
    expect(lines.map((l) => [l.at, l.label, l.tone])).toEqual([
      [10, 'Decided to notify', 'ok'],
      [20, 'Delivery failed', 'bad'],
    ]);
  });
});

describe('desktop notification health', () => {
  it('keeps what main says about delivery, for the warning banner', async () => {
    const bridge = createFakeBridge({ now: () => 1_000_000 });
    const store = createAppStore();
    bindBridge(store, bridge, { scheduler: manualScheduler() });
    await Promise.resolve();
    await Promise.resolve();
    expect(store.getState().notificationHealth).toMatchObject({ ok: true });
    bridge.emit('notifications:health', {
      ok: false,
      notifier: 'node-notifier/notify-send',
      error: 'No notification service.',
      since: 5,
      dnd: { state: 'unknown', source: null, detail: 'cannot be read here' },
    });
    expect(store.getState().notificationHealth).toMatchObject({
      ok: false,
      error: 'No notification service.',
    });
  });
});
