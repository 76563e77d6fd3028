import { describe, expect, it } from 'vitest';
import type { NotificationItem } from '../../../shared/model/app-state';
import { createFakeBridge } from '../dev/fake-bridge';
import { demoInitialState } from '../dev/demo-data';
import { createAppStore } from './app-store';
import { bindBridge } from './bind-bridge';
import { manualScheduler } from './frame-scheduler';
import { PUSH_CHANNELS } from '../../../shared/ipc/contract';

const NOW = 1_800_000_000_000;

function note(id: string, severity: NotificationItem['severity'] = 'info'): NotificationItem {
  return {
    id,
    endpoint: 'demo',
    kind: 'alert',
    severity,
    title: `Alert ${id}`,
    body: '',
    at: NOW,
    read: false,
  };
}

async function setup() {
  const bridge = createFakeBridge({ now: () => NOW });
  const store = createAppStore();
  const scheduler = manualScheduler();
  const unbind = bindBridge(store, bridge, { scheduler });
  // Let the initial-state promise settle.
  await Promise.resolve();
  await Promise.resolve();
  return { bridge, store, scheduler, unbind };
}

describe('bindBridge', () => {
  it('subscribes to every push, says ready and loads the initial state', async () => {
    const { bridge, store } = await setup();
    for (const channel of PUSH_CHANNELS) expect(bridge.listenerCount(channel)).toBe(1);
    expect(bridge.sends[0]).toEqual({ channel: 'app:ready', payload: {} });
    expect(bridge.invokes.map((i) => i.channel)).toContain('app:initial-state');
    const s = store.getState();
    expect(s.load).toEqual({ phase: 'ready' });
    expect(s.notifications).toHaveLength(bridge.initial.app.notifications.length);
    expect(s.unread).toBe(bridge.initial.app.unread);
    expect(Object.keys(s.connections).sort()).toEqual(
      bridge.initial.connections.map((c) => c.endpoint).sort(),
    );
    expect(s.endpoints.map((e) => e.name)).toContain('Demo gateway');
    expect(bridge.sent('app:view')).toEqual([{ focused: true, view: 'dashboard' }]);
  });

  it('shows an error state when the initial state cannot be loaded', async () => {
    const bridge = createFakeBridge({ now: () => NOW, failInitial: 'core not started' });
    const store = createAppStore();
    bindBridge(store, bridge, { scheduler: manualScheduler() });
    await Promise.resolve();
    await Promise.resolve();
    expect(store.getState().load).toEqual({ phase: 'error', message: 'core not started' });
  });

  it('applies 1,000 patches as one store update per frame', async () => {
    const { bridge, store, scheduler } = await setup();
    const before = store.getState().notifications.length;
    let updates = 0;
    store.subscribe(() => {
      updates += 1;
    });
    for (let i = 0; i < 1_000; i += 1)
      bridge.emit('app:patch', { notificationsAdded: [note(`burst-${i}`)] });
    expect(updates).toBe(0);
    expect(scheduler.pending()).toBe(1);
    scheduler.flush();
    expect(updates).toBe(1);
    const s = store.getState();
    expect(s.notifications).toHaveLength(before + 1_000);
    expect(s.notifications[0]?.id).toBe('burst-999');
    expect(scheduler.pending()).toBe(0);
  });

  it('keeps untouched slices by reference so their selectors do not fire', async () => {
    const { bridge, store, scheduler } = await setup();
    const { businesses, tasks, notifications } = store.getState();
    bridge.emit('app:patch', {
      statsAdded: { demo: [{ ...bridge.initial.app.endpoints.demo!.stats!, at: NOW + 5_000 }] },
    });
    scheduler.flush();
    const s = store.getState();
    expect(s.businesses).toBe(businesses);
    expect(s.tasks).toBe(tasks);
    expect(s.notifications).toBe(notifications);
    expect(s.live.demo?.stats?.at).toBe(NOW + 5_000);
  });

  it('queues pushes that arrive before the initial state and drops repeated stats samples', async () => {
    const bridge = createFakeBridge({ now: () => NOW });
    const store = createAppStore();
    const scheduler = manualScheduler();
    bindBridge(store, bridge, { scheduler });
    const history = bridge.initial.app.endpoints.demo!.statsHistory;
    const lastSample = history[history.length - 1]!;
    bridge.emit('app:patch', {
      statsAdded: { demo: [lastSample, { ...lastSample, at: lastSample.at + 500 }] },
    });
    expect(scheduler.pending()).toBe(0);
    await Promise.resolve();
    await Promise.resolve();
    scheduler.flush();
    const live = store.getState().live.demo!;
    expect(live.statsHistory).toHaveLength(Math.min(history.length + 1, 600));
    expect(live.stats?.at).toBe(lastSample.at + 500);
  });

  it('folds state changes and diagnostics into connections once per frame', async () => {
    const { bridge, store, scheduler } = await setup();
    bridge.emit('connection:state', {
      endpoint: 'demo',
      from: 'open',
      to: 'backing-off',
      reason: 'Waiting 3.0 s before reconnecting (backoff).',
      at: NOW,
    });
    scheduler.flush();
    expect(store.getState().connections.demo?.state).toBe('backing-off');
    expect(store.getState().connections.demo?.since).toBe(NOW);
    const fresh = demoInitialState(NOW).connections;
    bridge.emit('connection:state', {
      endpoint: 'demo',
      from: 'backing-off',
      to: 'connecting',
      reason: 'x',
      at: NOW + 1,
    });
    bridge.emit('connection:diagnostics', fresh);
    scheduler.flush();
    expect(store.getState().connections.demo?.state).toBe('open');
  });

  it('applies health pushes without diagnostics (banners never wait for the Diagnostics view)', async () => {
    const { bridge, store, scheduler } = await setup();
    const before = store.getState().health.demo!;
    expect(before.auth.status).toBe('signed-in');
    const refused = {
      ...before,
      state: 'auth-required' as const,
      auth: { status: 'refused' as const, detail: 'Invalid credentials', at: NOW },
    };
    bridge.emit('connection:health', refused);
    // A diagnostics snapshot in the same frame does not swallow the health push.
    bridge.emit('connection:diagnostics', demoInitialState(NOW).connections);
    scheduler.flush();
    expect(store.getState().health.demo).toEqual(refused);
    expect(store.getState().health['sakura-prod']).toBeDefined();
  });

  it('navigates on app:navigate and reports the view and focus with app:view', async () => {
    const { bridge, store } = await setup();
    bridge.emit('app:navigate', { link: 'businesses/17' });
    expect(store.getState().route).toEqual({ view: 'businesses', param: '17' });
    bridge.emit('app:navigate', { link: 'diagnostics/sakura-prod' });
    store.getState().setFocused(false);
    expect(bridge.sent('app:view').slice(-3)).toEqual([
      { focused: true, view: 'businesses' },
      { focused: true, view: 'diagnostics', endpoint: 'sakura-prod' },
      { focused: false, view: 'diagnostics', endpoint: 'sakura-prod' },
    ]);
  });

  it('applies settings, prefs and endpoint pushes at once', async () => {
    const { bridge, store } = await setup();
    bridge.emit('settings:changed', { ...bridge.initial.settings, theme: 'dark' });
    bridge.emit('prefs:changed', { ...bridge.initial.prefs, enabled: false });
    bridge.emit('endpoints:changed', []);
    const s = store.getState();
    expect(s.settings.theme).toBe('dark');
    expect(s.prefs.enabled).toBe(false);
    expect(s.endpoints).toEqual([]);
  });

  it('keeps the recovery notice after a crash until the user dismisses it', async () => {
    const { bridge, store } = await setup();
    expect(store.getState().recovered).toBeNull();
    const recovery = {
      cause: 'crashed' as const,
      reason: 'oom',
      at: NOW,
      reportFile: '/logs/crash-reports/x.json',
      reloads: 1,
    };
    bridge.emit('app:recovered', recovery);
    expect(store.getState().recovered).toEqual(recovery);
    store.getState().dismissRecovered();
    expect(store.getState().recovered).toBeNull();
  });

  it('announces new warnings and critical alerts for screen readers', async () => {
    const { bridge, store, scheduler } = await setup();
    bridge.emit('app:patch', { notificationsAdded: [note('a'), note('b', 'critical')] });
    scheduler.flush();
    expect(store.getState().announcement).toBe('Critical alert: Alert b');
  });

  it('unbinds every listener and stops applying', async () => {
    const { bridge, store, scheduler, unbind } = await setup();
    bridge.emit('app:patch', { notificationsAdded: [note('late')] });
    unbind();
    scheduler.flush();
    for (const channel of PUSH_CHANNELS) expect(bridge.listenerCount(channel)).toBe(0);
    expect(store.getState().notifications.some((n) => n.id === 'late')).toBe(false);
    expect(store.getState().bridge).toBeNull();
  });
});

describe('store actions that talk to main', () => {
  it('mark one read updates the count and sends notifications:mark-read', async () => {
    const { bridge, store } = await setup();
    const unread = store.getState().notifications.find((n) => !n.read)!;
    const before = store.getState().unread;
    store.getState().markRead([unread.id]);
    expect(store.getState().unread).toBe(before - 1);
    expect(store.getState().notifications.find((n) => n.id === unread.id)?.read).toBe(true);
    expect(bridge.sent('notifications:mark-read')).toEqual([{ ids: [unread.id] }]);
  });

  it('mark all read sends `all`', async () => {
    const { bridge, store } = await setup();
    store.getState().markRead('all');
    expect(store.getState().unread).toBe(0);
    expect(bridge.sent('notifications:mark-read')).toEqual([{ ids: 'all' }]);
  });

  it('reconnect, sign-in, watch and dismissing the welcome call the right channels', async () => {
    const { bridge, store } = await setup();
    store.getState().reconnect('sakura-prod');
    expect(bridge.sent('connection:reconnect')).toEqual([{ endpoint: 'sakura-prod' }]);
    store.getState().openSignIn('task-status');
    const result = await store.getState().signIn('task-status', 'correct horse');
    expect(result).toEqual({ ok: true });
    expect(store.getState().signInFor).toBeNull();
    expect(bridge.invokes.at(-1)).toEqual({
      channel: 'auth:sign-in',
      request: { endpoint: 'task-status', secret: 'correct horse' },
    });
    await store.getState().watchTask('task-status', 'import-9');
    expect(bridge.invokes.at(-1)).toEqual({
      channel: 'tasks:watch',
      request: { endpoint: 'task-status', taskId: 'import-9' },
    });
    await store.getState().updateSettings({ firstRunDone: true });
    expect(bridge.invokes.at(-1)?.channel).toBe('settings:set');
    expect(store.getState().settings.firstRunDone).toBe(true);
  });

  it('a refused sign-in keeps the dialog open with the reason', async () => {
    const { store } = await setup();
    store.getState().openSignIn('task-status');
    const result = await store.getState().signIn('task-status', 'x');
    expect(result.ok).toBe(false);
    expect(store.getState().signInFor).toBe('task-status');
  });

  it('runs the connection check and keeps its report per endpoint', async () => {
    const { store } = await setup();
    const running = store.getState().runCheck('task-status');
    expect(store.getState().checks['task-status']?.status).toBe('running');
    await running;
    const check = store.getState().checks['task-status'];
    expect(check?.status).toBe('done');
    if (check?.status === 'done') {
      expect(check.value.ok).toBe(false);
      expect(check.value.steps.find((s) => s.status === 'failed')?.id).toBe('auth');
    }
  });
});
