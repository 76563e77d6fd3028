import { describe, expect, it } from 'vitest';
import { browserHostDndReader } from './os-dnd';

describe('the browser host’s do-not-disturb on macOS and Windows', () => {
  it('says it cannot read it, and which app can', async () => {
    expect(await browserHostDndReader('darwin')!()).toEqual({
      state: 'unknown',
      source: null,
      detail:
        'The browser host cannot read macOS Focus / Do Not Disturb; the Lookout desktop app can.',
    });
    expect(await browserHostDndReader('win32')!()).toMatchObject({
      state: 'unknown',
      detail: expect.stringMatching(/cannot read Windows Focus Assist/),
    });
  });

  it('leaves Linux and the BSDs to the core’s readers (D-Bus daemon, GNOME)', () => {
    expect(browserHostDndReader('linux')).toBeUndefined();
    expect(browserHostDndReader('freebsd')).toBeUndefined();
  });
});
