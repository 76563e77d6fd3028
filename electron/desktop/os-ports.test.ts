import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { OsNotification } from '../core/notify/notifier';
import {
  FakeApp,
  FakeNotification,
  resetFakeElectron,
  state,
} from '../../test/support/fake-electron';

vi.mock(
  'electron',
  async () => (await import('../../test/support/fake-electron')).fakeElectronModule,
);

const { ElectronNotifier, prepareNotifications } = await import('./notifier.electron');
const { createSafeStorageCipher } = await import('./secret-cipher.electron');
const { ElectronSystemEvents } = await import('./system-events.electron');
const { acquireSingleInstance } = await import('./single-instance');
const { APP_ID } = await import('./app-identity');

const logger = { info: () => {}, warn: vi.fn(), error: () => {} };

function note(over: Partial<OsNotification> = {}): OsNotification {
  return {
    id: 'evt-1',
    title: 'Business 17 went offline',
    body: 'prod · site.status',
    severity: 'warning',
    link: 'businesses/17',
    endpoint: 'prod',
    groupKey: 'prod|site.status',
    origin: 'site.status',
    eventIds: ['evt-1'],
    ...over,
  };
}

beforeEach(() => resetFakeElectron());

describe('Electron notifier', () => {
  it('shows a notification with title, body, group and urgency', async () => {
    const notifier = new ElectronNotifier({ logger, iconPath: '/icon.png' });
    await expect(notifier.show(note({ severity: 'critical' }))).resolves.toEqual({ ok: true });
    const shown = FakeNotification.instances[0]!;
    expect(shown.shown).toBe(true);
    expect(shown.options).toMatchObject({
      id: 'evt-1',
      groupId: 'prod|site.status',
      title: 'Business 17 went offline',
      // The source leads the body (Linux, Windows); macOS has a subtitle line for it.
      body: 'prod — prod · site.status',
      urgency: 'critical',
      timeoutType: 'never',
      icon: '/icon.png',
    });
  });

  it('a click reports the notification to listeners', async () => {
    const notifier = new ElectronNotifier({ logger });
    const clicked: OsNotification[] = [];
    const off = notifier.onClick!((n) => clicked.push(n));
    await notifier.show(note());
    FakeNotification.instances[0]!.emit('click');
    off();
    FakeNotification.instances[0]!.emit('click');
    expect(clicked.map((n) => n.link)).toEqual(['businesses/17']);
  });

  it('a newer summary replaces the previous one of the same group', async () => {
    const notifier = new ElectronNotifier({ logger });
    await notifier.show(note({ id: 'summary:1', origin: 'summary' }));
    await notifier.show(note({ id: 'summary:2', origin: 'summary' }));
    await notifier.show(note({ id: 'evt-9' }));
    const [first, second, single] = FakeNotification.instances;
    expect(first!.closed).toBe(true);
    expect(second!.closed).toBe(false);
    expect(first!.options.id).toBe(second!.options.id);
    expect(single!.options.id).toBe('evt-9');
  });

  it('reports unsupported systems as a failure, not a throw', async () => {
    FakeNotification.supported = false;
    const result = await new ElectronNotifier({ logger }).show(note());
    expect(result.ok).toBe(false);
  });

  it('sets the Windows AppUserModelID only on Windows', () => {
    const win = new FakeApp();
    prepareNotifications(win, APP_ID, 'win32');
    expect(win.appUserModelId).toBe(APP_ID);
    const linux = new FakeApp();
    prepareNotifications(linux, APP_ID, 'linux');
    expect(linux.appUserModelId).toBeNull();
  });
});

describe('safeStorage cipher (the asynchronous API)', () => {
  it('encrypts and decrypts with a real keyring backend', async () => {
    const cipher = await createSafeStorageCipher('linux');
    expect(cipher.backend).toBe('gnome_libsecret');
    expect(cipher.isAvailable()).toBe(true);
    const sealed = await cipher.encrypt('s3cret');
    expect(sealed.toString()).toBe('aenc:s3cret');
    expect(await cipher.decrypt(sealed)).toEqual({ plain: 's3cret', reEncrypt: false });
  });

  it('reads what the synchronous API wrote, and passes on the OS asking to encrypt it again', async () => {
    const cipher = await createSafeStorageCipher('darwin');
    expect(await cipher.decrypt(Buffer.from('enc:old-secret'))).toEqual({
      plain: 'old-secret',
      reEncrypt: true,
    });
    await expect(cipher.decrypt(Buffer.from('garbage'))).rejects.toThrow(/decrypting/);
  });

  it('refuses the basic_text fallback on Linux (secrets stay in memory)', async () => {
    state.safeStorage.backend = 'basic_text';
    const cipher = await createSafeStorageCipher('linux');
    expect(cipher.backend).toBe('basic_text');
    expect(cipher.isAvailable()).toBe(false);
    await expect(cipher.encrypt('s3cret')).rejects.toThrow(/memory/);
  });

  it('is unavailable when safeStorage says so', async () => {
    state.safeStorage.available = false;
    const cipher = await createSafeStorageCipher('win32');
    expect(cipher.isAvailable()).toBe(false);
    expect(cipher.backend).toBe('dpapi');
  });
});

describe('system events', () => {
  afterEach(() => vi.useRealTimers());

  it('forwards powerMonitor resume and suspend', () => {
    const events = new ElectronSystemEvents();
    const seen: string[] = [];
    events.on('resume', () => seen.push('resume'));
    events.on('suspend', () => seen.push('suspend'));
    state.powerMonitor.emit('suspend');
    state.powerMonitor.emit('resume');
    events.dispose();
    state.powerMonitor.emit('resume');
    expect(seen).toEqual(['suspend', 'resume']);
  });

  it('reports online/offline changes from net.isOnline polling', () => {
    vi.useFakeTimers();
    const events = new ElectronSystemEvents(1_000);
    const seen: string[] = [];
    events.on('online', () => seen.push('online'));
    events.on('offline', () => seen.push('offline'));
    vi.advanceTimersByTime(1_000);
    state.online = false;
    vi.advanceTimersByTime(1_000);
    vi.advanceTimersByTime(1_000);
    state.online = true;
    vi.advanceTimersByTime(1_000);
    events.dispose();
    expect(seen).toEqual(['offline', 'online']);
  });
});

describe('single instance', () => {
  it('the first instance keeps the lock and focuses on a second launch', () => {
    const app = new FakeApp();
    const focus = vi.fn();
    expect(acquireSingleInstance(app, focus)).toBe(true);
    app.emit('second-instance');
    expect(focus).toHaveBeenCalledTimes(1);
    expect(app.quitCalls).toBe(0);
  });

  it('a second instance quits', () => {
    const app = new FakeApp();
    app.gotLock = false;
    expect(acquireSingleInstance(app, () => {})).toBe(false);
    expect(app.quitCalls).toBe(1);
  });
});
