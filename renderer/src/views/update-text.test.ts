import { describe, expect, it } from 'vitest';
import { updateText } from './settings-view';

describe('update status in Settings', () => {
  it('says in words where an update stands', () => {
    expect(updateText(null, 'electron')).toMatch(/once the app has checked/);
    expect(updateText({ status: 'off', reason: 'no feed URL is set' }, 'electron')).toBe(
      'Updates are off: no feed URL is set',
    );
    expect(updateText({ status: 'downloading', version: '1.2.0', percent: 40 }, 'electron')).toBe(
      'Downloading update 1.2.0 (40%).',
    );
    expect(updateText({ status: 'downloaded', version: '1.2.0' }, 'electron')).toMatch(
      /Restart to install/,
    );
    expect(updateText({ status: 'error', message: 'HTTP 404' }, 'electron')).toMatch(/HTTP 404/);
  });

  it('explains that the browser host does not update itself', () => {
    expect(updateText(null, 'browser')).toMatch(/installed desktop app/);
  });
});
