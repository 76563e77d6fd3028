import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  FakeBrowserWindow,
  FakeEvent,
  resetFakeElectron,
  state,
  type FakeWebContents,
} from '../../test/support/fake-electron';

vi.mock(
  'electron',
  async () => (await import('../../test/support/fake-electron')).fakeElectronModule,
);

const { WindowManager, installSessionSecurity, hardenWebContents } =
  await import('./window-manager');
const { RENDERER_CSP, isSafeExternalUrl } = await import('./security');
const electron = (await import('../../test/support/fake-electron')).fakeElectronModule;

const silent = { info: () => {}, warn: vi.fn(), error: () => {} };
let dir: string;

function manager(overrides: { closeToTray?: () => boolean; isQuitting?: () => boolean } = {}) {
  return new WindowManager({
    rendererUrl: 'app://lookout/index.html',
    preloadPath: '/opt/lookout/app/dist/desktop/preload.cjs',
    stateFile: join(dir, 'window-state.json'),
    closeToTray: overrides.closeToTray ?? (() => true),
    isQuitting: overrides.isQuitting ?? (() => false),
    logger: silent,
  });
}

beforeEach(() => {
  resetFakeElectron();
  dir = mkdtempSync(join(tmpdir(), 'lookout-wm-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('main window', () => {
  it('uses secure webPreferences, each flag explicit', () => {
    manager().show();
    const win = FakeBrowserWindow.instances[0]!;
    const prefs = win.options.webPreferences as Record<string, unknown>;
    expect(prefs.contextIsolation).toBe(true);
    expect(prefs.sandbox).toBe(true);
    expect(prefs.nodeIntegration).toBe(false);
    expect(prefs.nodeIntegrationInWorker).toBe(false);
    expect(prefs.nodeIntegrationInSubFrames).toBe(false);
    expect(prefs.webSecurity).toBe(true);
    expect(prefs.allowRunningInsecureContent).toBe(false);
    expect(prefs.webviewTag).toBe(false);
    expect(prefs.preload).toBe('/opt/lookout/app/dist/desktop/preload.cjs');
  });

  it('loads the renderer from the app:// origin (never file://) and exposes that URL', () => {
    const wm = manager();
    wm.show();
    expect(FakeBrowserWindow.instances[0]!.loadedUrl).toBe('app://lookout/index.html');
    expect(wm.rendererUrl).toBe('app://lookout/index.html');
  });

  it('creates one window and re-shows it (restoring from minimised) on later calls', () => {
    const wm = manager();
    const win = wm.show() as unknown as FakeBrowserWindow;
    win.hide();
    win.minimized = true;
    wm.show();
    expect(FakeBrowserWindow.instances).toHaveLength(1);
    expect(win.visible).toBe(true);
    expect(win.minimized).toBe(false);
    expect(win.focused).toBe(true);
  });

  it('close hides to the tray while closeToTray is on', () => {
    const wm = manager({ closeToTray: () => true });
    const win = wm.show() as unknown as FakeBrowserWindow;
    win.close();
    expect(win.destroyed).toBe(false);
    expect(win.visible).toBe(false);
    expect(wm.window).not.toBeNull();
  });

  it('close really closes when closeToTray is off', () => {
    const wm = manager({ closeToTray: () => false });
    const win = wm.show() as unknown as FakeBrowserWindow;
    win.close();
    expect(win.destroyed).toBe(true);
    expect(wm.window).toBeNull();
  });

  it('close really closes once the user chose Quit, even with closeToTray on', () => {
    let quitting = false;
    const wm = manager({ isQuitting: () => quitting });
    const win = wm.show() as unknown as FakeBrowserWindow;
    quitting = true;
    win.close();
    expect(win.destroyed).toBe(true);
  });

  it('remembers its bounds across launches', () => {
    const first = manager();
    const win = first.show() as unknown as FakeBrowserWindow;
    win.bounds = { x: 300, y: 200, width: 1000, height: 700 };
    win.maximized = true;
    win.close();
    const saved = JSON.parse(readFileSync(join(dir, 'window-state.json'), 'utf8'));
    expect(saved).toEqual({ x: 300, y: 200, width: 1000, height: 700, maximized: true });

    resetFakeElectron();
    manager().show();
    const reopened = FakeBrowserWindow.instances[0]!;
    expect(reopened.options).toMatchObject({ x: 300, y: 200, width: 1000, height: 700 });
    expect(reopened.maximized).toBe(true);
  });

  it('ignores a corrupt state file and an off-screen position', () => {
    writeFileSync(join(dir, 'window-state.json'), '{ not json');
    manager().show();
    expect(FakeBrowserWindow.instances[0]!.options).toMatchObject({ width: 1200, height: 800 });
    expect(FakeBrowserWindow.instances[0]!.options.x).toBeUndefined();

    resetFakeElectron();
    writeFileSync(
      join(dir, 'window-state.json'),
      JSON.stringify({ x: 5000, y: 4000, width: 900, height: 600 }),
    );
    manager().show();
    const opts = FakeBrowserWindow.instances[0]!.options;
    expect(opts.x).toBeUndefined();
    expect(opts.width).toBe(900);
  });
});

describe('navigation and new windows', () => {
  function contents(): FakeWebContents {
    manager().show();
    return FakeBrowserWindow.instances[0]!.webContents;
  }

  it('denies every navigation and sends http(s) links to the OS browser', () => {
    const wc = contents();
    const event = new FakeEvent('https://example.org/docs');
    wc.emit('will-navigate', event);
    expect(event.defaultPrevented).toBe(true);
    expect(state.openedExternal).toEqual(['https://example.org/docs']);
  });

  it('denies window.open; http(s) goes outside, other schemes are refused', () => {
    const wc = contents();
    expect(wc.windowOpenHandler!({ url: 'http://example.org/' })).toEqual({ action: 'deny' });
    expect(wc.windowOpenHandler!({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(wc.windowOpenHandler!({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' });
    const nav = new FakeEvent('smb://host/share');
    wc.emit('will-navigate', nav);
    expect(nav.defaultPrevented).toBe(true);
    expect(state.openedExternal).toEqual(['http://example.org/']);
  });

  it('lets our own page reload (the error screen) and nothing else of our origin or file://', () => {
    const wc = contents();
    const reload = new FakeEvent('app://lookout/index.html#/diagnostics');
    wc.emit('will-navigate', reload);
    expect(reload.defaultPrevented).toBe(false);
    for (const url of [
      'app://lookout/other.html',
      'app://lookout.evil/index.html',
      'file:///opt/lookout/app/dist/renderer/index.html',
    ]) {
      const away = new FakeEvent(url);
      wc.emit('will-navigate', away);
      expect(away.defaultPrevented, url).toBe(true);
    }
    expect(state.openedExternal).toEqual([]);
  });

  it('refuses webview attachment and redirects', () => {
    const wc = contents();
    const attach = new FakeEvent();
    wc.emit('will-attach-webview', attach);
    const redirect = new FakeEvent('https://evil.example/');
    wc.emit('will-redirect', redirect);
    expect(attach.defaultPrevented).toBe(true);
    expect(redirect.defaultPrevented).toBe(true);
  });

  it('hardens any webContents it is given', () => {
    const wc = new FakeBrowserWindow({}).webContents;
    hardenWebContents(wc as never, silent);
    expect(wc.windowOpenHandler!({ url: 'https://x.example/' }).action).toBe('deny');
  });

  it('classifies external URLs', () => {
    expect(isSafeExternalUrl('https://example.org/a?b#c')).toBe(true);
    expect(isSafeExternalUrl('http://127.0.0.1:8080/')).toBe(true);
    expect(isSafeExternalUrl('https://user:pw@example.org/')).toBe(false);
    expect(isSafeExternalUrl('ftp://example.org/')).toBe(false);
    expect(isSafeExternalUrl('/relative')).toBe(false);
    expect(isSafeExternalUrl('mailto:a@b.c')).toBe(false);
  });
});

describe('session security', () => {
  it('sets a strict CSP header on every response', () => {
    installSessionSecurity(electron.session.defaultSession as never);
    let result: { responseHeaders?: Record<string, string[]> } = {};
    state.headersListener!({ responseHeaders: { 'Content-Type': ['text/html'] } }, (r) => {
      result = r;
    });
    const csp = result.responseHeaders!['Content-Security-Policy']![0]!;
    expect(csp).toBe(RENDERER_CSP);
    expect(result.responseHeaders!['Content-Type']).toEqual(['text/html']);
    const directives = new Map(
      csp.split(';').map((d) => {
        const [name, ...values] = d.trim().split(/\s+/);
        return [name!, values.join(' ')];
      }),
    );
    expect(directives.get('default-src')).toBe("'none'");
    expect(directives.get('script-src')).toBe("'self'");
    expect(directives.get('connect-src')).toBe("'none'");
    expect(directives.get('object-src')).toBe("'none'");
    expect(directives.get('frame-ancestors')).toBe("'none'");
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).not.toContain("script-src 'self' 'unsafe-inline'");
  });

  it('denies every permission request but writing the clipboard from our own page', () => {
    installSessionSecurity(electron.session.defaultSession as never, 'app://lookout');
    const answers: boolean[] = [];
    const ask = (permission: string, requestingUrl: string) =>
      state.permissionHandler!(null, permission, (granted) => answers.push(granted), {
        requestingUrl,
      });
    ask('media', 'app://lookout/index.html');
    ask('notifications', 'app://lookout/index.html');
    ask('clipboard-read', 'app://lookout/index.html');
    ask('clipboard-sanitized-write', 'https://evil.example/');
    ask('clipboard-sanitized-write', 'app://lookout.evil/index.html');
    ask('clipboard-sanitized-write', 'app://lookout/index.html#/diagnostics');
    expect(answers).toEqual([false, false, false, false, false, true]);
    expect(state.permissionCheck!(null, 'geolocation', 'app://lookout')).toBe(false);
    expect(state.permissionCheck!(null, 'clipboard-sanitized-write', 'file://')).toBe(false);
    expect(state.permissionCheck!(null, 'clipboard-sanitized-write', 'app://lookout')).toBe(true);
  });
});
