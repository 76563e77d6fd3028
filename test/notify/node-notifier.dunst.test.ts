import { afterEach, describe, expect, it } from 'vitest';
import { NotificationService } from '../../electron/core/notify/notification-service';
import { NotifyPolicy } from '../../electron/core/notify/notify-policy';
import type { OsNotification } from '../../electron/core/notify/notifier';
import {
  NO_DAEMON_ERROR,
  NO_NOTIFY_SEND_ERROR,
  NO_SESSION_BUS_ERROR,
  NodeNotifierAdapter,
} from '../../electron/core/notify/notifier.node-notifier';
import { systemClock } from '../../electron/core/connection/ports';
import { occurrenceKey } from '../../shared/model/event-identity';
import type { LiveEvent } from '../../shared/model/live-event';
import { DesktopSession } from '../support/desktop-session';
import { waitFor } from '../support/wait';

/**
 * Real delivery: node-notifier → notify-send → D-Bus → dunst, on a private Xvfb and session bus.
 * What reached the daemon is read back with `dunstctl history`.
 */

let session: DesktopSession | null = null;
afterEach(async () => {
  await session?.stop();
  session = null;
});

const note = (over: Partial<OsNotification> = {}): OsNotification => ({
  id: 'n1',
  title: 'New business “Acme” created',
  body: 'acme.example — plan: trial',
  severity: 'info',
  endpoint: 'admin',
  groupKey: 'admin|business.created',
  origin: 'business.created',
  eventIds: ['n1'],
  ...over,
});

describe.runIf(process.platform === 'linux')('node-notifier on a real notification daemon', () => {
  it('delivers title, body and app name to dunst', async () => {
    session = await DesktopSession.start();
    const envBefore = { ...process.env };
    const adapter = new NodeNotifierAdapter({ env: session.env });
    expect(await adapter.show(note())).toEqual({ ok: true });
    expect(
      await adapter.show(
        note({ id: 'n2', title: 'Database down', body: '', severity: 'critical' }),
      ),
    ).toEqual({ ok: true });
    // The adapter never leaves the test's environment changed.
    expect(process.env).toEqual(envBefore);

    const history = await waitFor(
      async () => {
        const h = await session!.history();
        return h.length >= 2 ? h : null;
      },
      { what: 'two notifications in dunst history' },
    );
    expect(history).toContainEqual({
      summary: 'New business “Acme” created',
      body: 'acme.example — plan: trial',
      appname: 'Lookout',
    });
    // An empty body goes out as a blank so notify-send accepts it; the title stands alone.
    expect(history).toContainEqual({ summary: 'Database down', body: ' ', appname: 'Lookout' });
  });

  it('delivers through the whole service: events in, one flood summary out', async () => {
    session = await DesktopSession.start();
    const adapter = new NodeNotifierAdapter({ env: session.env });
    const policy = new NotifyPolicy({
      prefs: (await import('../../shared/model/notify-prefs')).notifyPrefsSchema.parse({
        rateCap: { max: 2, windowMs: 1_000 },
      }),
    });
    const service = new NotificationService({
      policy,
      notifier: adapter,
      clock: systemClock,
      context: () => ({ focused: false }),
    });
    const events: LiveEvent[] = Array.from({ length: 6 }, (_, i) => ({
      id: `biz-${i}`,
      endpoint: 'admin',
      channel: 'dashboard',
      kind: 'business.created',
      severity: 'info',
      title: `New business "B${i}" created`,
      body: '',
      serverTime: null,
      receivedAt: Date.now(),
      data: {},
    }));
    await service.handle(events);
    const history = await waitFor(
      async () => {
        const h = await session!.history();
        return h.length >= 3 ? h : null;
      },
      { what: 'two single notifications and one summary', timeoutMs: 8_000 },
    );
    service.dispose();
    expect(history.map((h) => h.summary).sort()).toEqual(
      ['4 new businesses', 'New business "B0" created', 'New business "B1" created'].sort(),
    );
    expect(service.stats()).toMatchObject({ shown: 3, failed: 0, coalesced: 4 });
  });

  it('reports a clear failure when the bus has no notification daemon', async () => {
    session = await DesktopSession.start({ withDaemon: false });
    expect(await session.hasNotificationOwner()).toBe(false);
    const adapter = new NodeNotifierAdapter({ env: session.env });
    expect(await adapter.show(note())).toEqual({ ok: false, error: NO_DAEMON_ERROR });

    // Through the service, the failure is counted and explained in the decision trace.
    const policy = new NotifyPolicy();
    const service = new NotificationService({
      policy,
      notifier: adapter,
      clock: systemClock,
      context: () => ({ focused: false }),
    });
    const lost: LiveEvent = {
      id: 'lost?',
      endpoint: 'admin',
      channel: 'dashboard',
      kind: 'task.failed',
      severity: 'warning',
      title: 'Import failed',
      body: '',
      serverTime: null,
      receivedAt: Date.now(),
      data: {},
    };
    await service.handle([lost]);
    service.dispose();
    expect(service.stats().failed).toBe(1);
    expect(service.stats().lastFailure?.error).toBe(NO_DAEMON_ERROR);
    expect(policy.explain(occurrenceKey(lost)).at(-1)).toMatchObject({
      step: 'failed',
      detail: NO_DAEMON_ERROR,
    });
  });

  it('reports a missing session bus and a missing notify-send', async () => {
    const noBus = new NodeNotifierAdapter({ env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
    expect(await noBus.show(note())).toEqual({ ok: false, error: NO_SESSION_BUS_ERROR });
    const noTool = new NodeNotifierAdapter({ env: { PATH: '/nonexistent' } });
    expect(await noTool.show(note())).toEqual({ ok: false, error: NO_NOTIFY_SEND_ERROR });
  });
});
