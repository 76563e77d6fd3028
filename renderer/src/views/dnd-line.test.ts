import { describe, expect, it } from 'vitest';
import { dndLine } from './dnd-line';

describe('the Settings line for the OS’s Do Not Disturb', () => {
  it('before the first reading', () => {
    expect(dndLine(undefined)).toBe('Reading the system’s Do Not Disturb…');
  });

  it('a reading verified here (Linux) has no caveat', () => {
    expect(
      dndLine({ state: 'on', source: 'dunst', detail: 'dunst is paused (do-not-disturb on).' }),
    ).toBe('dunst is paused (do-not-disturb on). Read from dunst.');
  });

  it('a reading not verified on the real OS says so after its detail', () => {
    expect(
      dndLine({
        state: 'off',
        source: 'windows-focus-assist',
        detail: 'Windows Focus Assist is off.',
        caveat: 'Not yet verified on a real Windows PC.',
      }),
    ).toBe(
      'Windows Focus Assist is off. Read from windows-focus-assist. Not yet verified on a real Windows PC.',
    );
  });

  it('unknown: why, and that the setting changes nothing until it can be read', () => {
    expect(
      dndLine({ state: 'unknown', source: null, detail: 'Lookout cannot read it: no add-on.' }),
    ).toBe(
      'Lookout cannot read it: no add-on. This setting has no effect here until it can be read.',
    );
  });
});
