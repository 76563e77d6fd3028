import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setStartAtLogin } from '../../electron/desktop/login-item';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lookout-login-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('start at login', () => {
  it('uses Electron login items on macOS and Windows', () => {
    const setLoginItemSettings = vi.fn();
    for (const platform of ['darwin', 'win32'] as const) {
      setStartAtLogin(true, {
        platform,
        hiddenArg: '--hidden',
        setLoginItemSettings,
        configHome: dir,
      });
    }
    expect(setLoginItemSettings).toHaveBeenCalledTimes(2);
    expect(setLoginItemSettings).toHaveBeenCalledWith({ openAtLogin: true, args: ['--hidden'] });
    expect(existsSync(join(dir, 'autostart'))).toBe(false);
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
