import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setStartAtLogin, startedAtLogin } from './login-item';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lookout-login-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('start at login', () => {
  it('uses Electron login items on macOS and Windows (arguments only where Windows passes them)', () => {
    const setLoginItemSettings = vi.fn();
    for (const platform of ['darwin', 'win32'] as const) {
      setStartAtLogin(true, {
        platform,
        hiddenArg: '--hidden',
        setLoginItemSettings,
        configHome: dir,
      });
    }
    expect(setLoginItemSettings.mock.calls).toEqual([
      [{ openAtLogin: true }],
      [{ openAtLogin: true, args: ['--hidden'] }],
    ]);
    expect(existsSync(join(dir, 'autostart'))).toBe(false);
  });

  it('knows a login start: the hidden argument (Windows, Linux), wasOpenedAtLogin (macOS)', () => {
    const base = {
      hiddenArg: '--hidden',
      getLoginItemSettings: () => ({ wasOpenedAtLogin: true }),
    };
    expect(startedAtLogin({ ...base, platform: 'darwin', argv: ['Lookout'] })).toBe(true);
    expect(
      startedAtLogin({
        ...base,
        platform: 'darwin',
        argv: ['Lookout'],
        getLoginItemSettings: () => ({ wasOpenedAtLogin: false }),
      }),
    ).toBe(false);
    // Elsewhere wasOpenedAtLogin does not exist: only the argument counts.
    expect(startedAtLogin({ ...base, platform: 'win32', argv: ['Lookout.exe'] })).toBe(false);
    expect(startedAtLogin({ ...base, platform: 'linux', argv: ['lookout', '--hidden'] })).toBe(
      true,
    );
    expect(
      startedAtLogin({
        ...base,
        platform: 'darwin',
        argv: ['Lookout'],
        getLoginItemSettings: () => {
          throw new Error('not available');
        },
      }),
    ).toBe(false);
  });

  it('writes and removes an XDG autostart entry on Linux, quoting the path', () => {
    const setLoginItemSettings = vi.fn();
    const options = {
      platform: 'linux' as const,
      hiddenArg: '--hidden',
      setLoginItemSettings,
      configHome: dir,
      executable: '/home/a b/Apps/Lookout.AppImage',
    };
    setStartAtLogin(true, options);
    const file = join(dir, 'autostart', 'lookout.desktop');
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('[Desktop Entry]');
    expect(text).toContain('Exec="/home/a b/Apps/Lookout.AppImage" --hidden');
    setStartAtLogin(false, options);
    expect(existsSync(file)).toBe(false);
    setStartAtLogin(false, options);
    expect(setLoginItemSettings).not.toHaveBeenCalled();
  });
});
