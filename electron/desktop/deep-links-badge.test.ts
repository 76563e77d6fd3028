import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { linkFromArgv, linkFromUrl, registerDeepLinks } from './deep-links';
import { showUnreadBadge } from './unread-badge';

describe('lookout:// deep links', () => {
  it('reads an item or a view, and nothing else', () => {
    expect(linkFromUrl('lookout://businesses/17')).toBe('businesses/17');
    expect(linkFromUrl('lookout://diagnostics/')).toBe('diagnostics');
    expect(linkFromUrl('lookout://')).toBe('dashboard');
    expect(linkFromUrl('https://evil.example/x')).toBeNull();
    expect(linkFromUrl('lookout://tasks/<script>')).toBeNull();
    expect(linkFromArgv(['/opt/lookout', '--hidden', 'lookout://tasks/demo-3'])).toBe(
      'tasks/demo-3',
    );
  });

  it('registers the scheme in installed builds, and reports a cold-start link and open-url', () => {
    const app = Object.assign(new EventEmitter(), {
      isPackaged: true,
      schemes: [] as string[],
      setAsDefaultProtocolClient(s: string) {
        this.schemes.push(s);
        return true;
      },
    });
    const links: string[] = [];
    registerDeepLinks(app, ['/opt/lookout', 'lookout://businesses/2'], (l) => links.push(l));
    let prevented = false;
    app.emit('open-url', { preventDefault: () => (prevented = true) }, 'lookout://tasks/9');
    expect(app.schemes).toEqual(['lookout']);
    expect(links).toEqual(['businesses/2', 'tasks/9']);
    expect(prevented).toBe(true);
  });
});

describe('unread badge', () => {
  it('uses the app badge on macOS and Linux and the taskbar overlay on Windows', () => {
    const calls: unknown[] = [];
    const targets = {
      setBadgeCount: (n: number) => (calls.push(['badge', n]), true),
      setOverlayIcon: (o: 'unread' | null, d: string) => calls.push(['overlay', o, d]),
    };
    showUnreadBadge(targets, 3, 'darwin');
    showUnreadBadge(targets, 0, 'linux');
    showUnreadBadge(targets, 5, 'win32');
    showUnreadBadge(targets, 0, 'win32');
    expect(calls).toEqual([
      ['badge', 3],
      ['badge', 0],
      ['overlay', 'unread', '5 unread'],
      ['overlay', null, ''],
    ]);
  });
});
