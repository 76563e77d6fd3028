import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../electron/core/kernel/ports';
import {
  NO_DAEMON_ERROR,
  NO_SESSION_BUS_ERROR,
} from '../../../electron/core/notify/desktop-errors';
import { createDesktopNotifier } from '../../../electron/core/notify/desktop-notifier';
import { NotificationService } from '../../../electron/core/notify/notification-service';
import type { OsNotification } from '../../../electron/core/notify/notifier';
import { DbusNotifier } from '../../../electron/core/notify/notifier.dbus';
import { NodeNotifierAdapter } from '../../../electron/core/notify/notifier.node-notifier';
import { NotifyPolicy } from '../../../electron/core/notify/notify-policy';
import { occurrenceKey } from '../../../shared/model/event-identity';
import type { LiveEvent } from '../../../shared/model/live-event';
import { notifyPrefsSchema } from '../../../shared/model/notify-prefs';
import { DesktopSession } from '../../support/desktop-session';
import { waitFor } from '../../support/wait';

/**
 * Real delivery: the D-Bus notifier → org.freedesktop.Notifications.Notify → dunst, on a private
 * Xvfb and session bus. What reached the daemon is read back with `dunstctl history` (urgency
 * through the session's dunst rules).
 */

let session: DesktopSession | null = null;
const notifiers: DbusNotifier[] = [];
afterEach(async () => {
  for (const n of notifiers.splice(0)) n.dispose();
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

function notifier(options: ConstructorParameters<typeof DbusNotifier>[0] = {}): DbusNotifier {
  const n = new DbusNotifier({ busAddress: session?.env.DBUS_SESSION_BUS_ADDRESS, ...options });
  notifiers.push(n);
  return n;
}

const event = (over: Partial<LiveEvent>): LiveEvent => ({
  id: 'e1',
  endpoint: 'admin',
  channel: 'dashboard',
  kind: 'alert',
  severity: 'info',
  title: '',
  body: '',
  serverTime: null,
  receivedAt: Date.now(),
  data: {},
  ...over,
});

describe('the notifier the browser host picks', () => {
  it('speaks D-Bus on Linux and the BSDs, node-notifier on macOS and Windows', () => {
    expect(createDesktopNotifier({ appName: 'Lookout', platform: 'linux' })).toBeInstanceOf(
      DbusNotifier,
    );
    expect(createDesktopNotifier({ appName: 'Lookout', platform: 'freebsd' })).toBeInstanceOf(
      DbusNotifier,
    );
    expect(createDesktopNotifier({ appName: 'Lookout', platform: 'darwin' })).toBeInstanceOf(
      NodeNotifierAdapter,
    );
    expect(createDesktopNotifier({ appName: 'Lookout', platform: 'win32' })).toBeInstanceOf(
      NodeNotifierAdapter,
    );
  });
});

describe.runIf(process.platform === 'linux')('D-Bus notifier on a real notification daemon', () => {
  it('shows text from servers as text: a critical alert titled --version, options, a bidi override', async () => {
    session = await DesktopSession.start();
    const dbus = notifier();
    const hostile = [
      note({ id: 'a', title: '--version', body: '-u low --help', severity: 'critical' }),
      note({ id: 'b', title: '-', body: '--', severity: 'warning' }),
      note({ id: 'c', title: '-t 1 --app-name=evil', body: '', severity: 'info' }),
      note({
        id: 'd',
        title: 'invoice\u202Efdp.exe',
        body: 'from \u2067admin\u2069',
        severity: 'info',
      }),
    ];
    for (const n of hostile) expect(await dbus.show(n), n.title).toEqual({ ok: true });
    const history = await waitFor(
      async () => {
        const h = await session!.details();
        return h.length >= 4 ? h : null;
      },
      { what: 'four notifications in dunst history' },
    );
    expect(history).toContainEqual(
      expect.objectContaining({
        summary: '--version',
        // The source leads the body: with two backends the user can tell which one spoke.
        body: 'admin — -u low --help',
        appname: 'Lookout',
        urgency: 'critical',
      }),
    );
    expect(history).toContainEqual(
      expect.objectContaining({ summary: '-', body: 'admin — --', urgency: 'normal' }),
    );
    expect(history).toContainEqual(
      expect.objectContaining({ summary: '-t 1 --app-name=evil', body: 'admin', urgency: 'low' }),
    );
    // A right-to-left override cannot turn "invoice…exe" into "invoiceexe.pdf" on screen.
    expect(history).toContainEqual(
      expect.objectContaining({
        summary: 'invoice\uFFFDfdp.exe',
        body: 'admin — from \uFFFDadmin\uFFFD',
      }),
    );
  });

  it('passes the app icon, and escapes markup where the daemon reads bodies as markup', async () => {
    const icon = join(process.cwd(), 'build', 'icon.png');
    const link = '<a href="https://evil.example">pay</a> & more';
    for (const markup of [true, false]) {
      session = await DesktopSession.start({ markup });
      const dbus = notifier({ appIcon: icon, appName: 'Lookout' });
      expect(await dbus.show(note({ title: '<b>Acme</b>', body: link }))).toEqual({ ok: true });
      const [shown] = await waitFor(
        async () => {
          const h = await session!.details();
          return h.length >= 1 ? h : null;
        },
        { what: 'the notification in dunst history' },
      );
      expect(shown?.icon).toBe(icon);
      // The summary is plain text by the spec, sent as it is.
      expect(shown?.summary).toBe('<b>Acme</b>');
      if (markup) {
        // Escaped, so the daemon shows the link as text instead of making it a link.
        expect(shown?.body).toBe(
          'admin — &lt;a href="https://evil.example"&gt;pay&lt;/a&gt; &amp; more',
        );
        expect(shown?.message).toContain('&lt;a href="https://evil.example"&gt;pay&lt;/a&gt;');
      } else {
        expect(shown?.body).toBe(`admin — ${link}`);
      }
      dbus.dispose();
      await session.stop();
      session = null;
    }
  });

  it('delivers through the whole service: events in, one flood summary out', async () => {
    session = await DesktopSession.start();
    const policy = new NotifyPolicy({
      prefs: notifyPrefsSchema.parse({ budget: { max: 2, windowMs: 1_000 } }),
    });
    const service = new NotificationService({
      policy,
      notifier: notifier(),
      clock: systemClock,
      context: () => ({ focused: false }),
    });
    await service.handle(
      Array.from({ length: 6 }, (_, i) =>
        event({ id: `biz-${i}`, kind: 'business.created', title: `New business "B${i}" created` }),
      ),
    );
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
    const dbus = notifier();
    expect(await dbus.show(note())).toEqual({ ok: false, error: NO_DAEMON_ERROR });

    // Through the service, the failure is counted and explained in the decision trace.
    const policy = new NotifyPolicy();
    const service = new NotificationService({
      policy,
      notifier: dbus,
      clock: systemClock,
      context: () => ({ focused: false }),
    });
    const lost = event({
      id: 'lost?',
      kind: 'task.failed',
      severity: 'warning',
      title: 'Import failed',
    });
    await service.handle([lost]);
    service.dispose();
    expect(service.stats().failed).toBe(1);
    expect(service.stats().lastFailure?.error).toBe(NO_DAEMON_ERROR);
    expect(policy.explain(occurrenceKey(lost)).at(-1)).toMatchObject({
      step: 'failed',
      detail: NO_DAEMON_ERROR,
    });
  });

  it('reports a missing or dead session bus', async () => {
    const unset = new DbusNotifier({ busAddress: '' });
    expect(await unset.show(note())).toEqual({ ok: false, error: NO_SESSION_BUS_ERROR });
    const dead = new DbusNotifier({ busAddress: 'unix:path=/nonexistent/lookout-test-bus' });
    expect(await dead.show(note())).toEqual({ ok: false, error: NO_SESSION_BUS_ERROR });
    // Tried again on the next notification, not stuck on the failed connection.
    expect(await dead.show(note())).toEqual({ ok: false, error: NO_SESSION_BUS_ERROR });
  });
});
